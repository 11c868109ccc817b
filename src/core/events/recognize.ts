// Recognition of events in log records and span events.
//
// This runs on every log record at ingest, so the common path (not an event, or an event
// name we do not know) is a couple of property reads and one Map lookup; zod only runs for
// known names. Telemetry is untrusted: nothing here throws on any input shape.
import type { z } from 'zod';
import type { AttrValue, Attributes, LogRecord, Span, SpanEvent } from '../model.js';
import { isCollectionSchema, isUnparsed, scalarType } from './fields.js';
import { EVENT_SCHEMAS, type KnownEventName } from './schemas.js';
import type { EventOrigin, EventPayloads, KnownEvent, RecognizedEvent } from './types.js';

const SCHEMAS = new Map<string, z.ZodType>(Object.entries(EVENT_SCHEMAS));

export const KNOWN_EVENT_NAMES: readonly KnownEventName[] = Object.freeze(
  Object.keys(EVENT_SCHEMAS) as KnownEventName[],
);

/** Per event, the list/map fields: a string left in one of them is JSON we could not parse. */
const COLLECTION_FIELDS = new Map<string, string[]>();
for (const [name, schema] of SCHEMAS) {
  const shape = (schema as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) continue;
  COLLECTION_FIELDS.set(
    name,
    Object.keys(shape).filter((k) => shape[k] !== undefined && isCollectionSchema(shape[k])),
  );
}

/** Per event whose schema is a loose object of scalar fields only (str/num/bool), the
 * fields and the type each decodes to: a payload whose fields already have those types
 * decodes to itself, so zod need not run (most events: the pipeline sends typed values). */
interface ScalarShape {
  keys: string[];
  types: string[];
}
const SCALAR_SHAPES = new Map<string, ScalarShape>();
for (const [name, schema] of SCHEMAS) {
  const def = (schema as unknown as { _zod?: { def?: { type?: string; catchall?: { _zod?: { def?: { type?: string } } } } } })._zod?.def;
  const shape = (schema as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape || def?.type !== 'object' || def.catchall?._zod?.def?.type !== 'unknown') continue;
  const keys = Object.keys(shape);
  const types = keys.map((k) => (k in Object.prototype ? undefined : scalarType(shape[k]!)));
  if (types.every((t) => t !== undefined)) SCALAR_SHAPES.set(name, { keys, types: types as string[] });
}

/** True when decoding `input` with the schema of `f` would give `input`'s entries back. */
function decodesToItself(f: ScalarShape, input: Record<string, unknown>): boolean {
  if (Object.prototype.hasOwnProperty.call(input, '__proto__')) return false;
  const { keys, types } = f;
  for (let i = 0; i < keys.length; i++) {
    const v = input[keys[i]!];
    if (v === undefined) continue;
    const t = types[i];
    if (typeof v !== t || (t === 'number' && !Number.isFinite(v))) return false;
  }
  return true;
}

/** Whether recognizing `input` as event `name` skips zod (for the tests). */
export function skipsSchema(name: string, input: Record<string, unknown>): boolean {
  const f = SCALAR_SHAPES.get(name);
  return f !== undefined && decodesToItself(f, input);
}

/** Generic names come from untrusted input; keep them short. */
const MAX_NAME_CHARS = 256;
const MAX_ISSUES = 20;

export function isKnownEventName(name: string): name is KnownEventName {
  return SCHEMAS.has(name);
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isAttrMap(v: AttrValue | undefined): v is Attributes {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

type Decoded =
  | { known: true; payload: Record<string, unknown>; issues: string[] }
  | { known: false; payload: Record<string, unknown>; issues: string[] };

function issueText(key: string, message: string): string {
  return `${key.slice(0, 100)}: ${message.slice(0, 200)}`;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `string ${JSON.stringify(v.slice(0, 40))}`;
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v === null || v === undefined) return String(v);
  return typeof v === 'object' ? 'map' : `${typeof v} ${String(v).slice(0, 40)}`;
}

function withoutKeys(input: Record<string, unknown>, drop: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // "__proto__" is skipped: assigning it would set the copy's prototype.
  for (const [k, v] of Object.entries(input)) if (!drop.has(k) && k !== '__proto__') out[k] = v;
  return out;
}

/** Decode `input` with the schema of a known `name`. A field that fails to decode is dropped
 * from the typed payload (its raw value stays in `attributes`) and noted in `issues`, so one
 * odd field never hides an event; if decoding still fails the event is kept generic. */
function decode(name: string, schema: z.ZodType, input: Record<string, unknown>): Decoded {
  const issues: string[] = [];
  try {
    let r = schema.safeParse(input);
    if (!r.success) {
      const drop = new Set<string>();
      for (const iss of r.error.issues) {
        const key = iss.path[0];
        if (key === undefined) return { known: false, payload: input, issues: [issueText('(event)', iss.message)] };
        const k = String(key);
        if (drop.has(k)) continue;
        drop.add(k);
        if (issues.length < MAX_ISSUES) issues.push(issueText(k, `unexpected ${describe(input[k])}, field dropped`));
      }
      r = schema.safeParse(withoutKeys(input, drop));
      if (!r.success) return { known: false, payload: input, issues };
    }
    const payload = r.data as Record<string, unknown>;
    for (const f of COLLECTION_FIELDS.get(name) ?? []) {
      if (isUnparsed(payload[f]) && issues.length < MAX_ISSUES) {
        issues.push(issueText(f, 'not valid JSON of the expected shape, kept as the raw string'));
      }
    }
    return { known: true, payload, issues };
  } catch (err) {
    // A decoder bug must not lose the record.
    return { known: false, payload: input, issues: [issueText('(event)', `decoder error: ${String(err)}`)] };
  }
}

/** True when `payload` has exactly the own entries of `attrs` (same values, by identity). */
function sameEntries(payload: Record<string, unknown>, attrs: Attributes): boolean {
  let n = 0;
  for (const k of Object.keys(payload)) {
    if (payload[k] !== attrs[k] || !Object.prototype.hasOwnProperty.call(attrs, k)) return false;
    n++;
  }
  return n === Object.keys(attrs).length;
}

/** Where a recognized event came from; the fields every event carries besides its payload. */
interface Origin {
  timeNs: bigint;
  origin: EventOrigin;
  traceId: string | undefined;
  spanId: string | undefined;
  serviceName: string | undefined;
  attributes: Attributes;
}

/** `input` is the payload to decode (undefined: a copy of `source.attributes`); when it
 * holds exactly `source.attributes` and decodes to the same values, the event keeps the
 * attributes object as its payload instead of a copy. */
function build(name: string, given: Record<string, unknown> | undefined, source: Origin): RecognizedEvent {
  const schema = SCHEMAS.get(name);
  const eventKind = nonEmptyString(source.attributes['event.kind']);
  const scalars = SCALAR_SHAPES.get(name);
  if (scalars !== undefined && decodesToItself(scalars, given ?? source.attributes)) {
    const payload = given === undefined || sameEntries(given, source.attributes) ? source.attributes : given;
    return makeEvent(source, eventKind, undefined, true, name, payload);
  }
  const input = given ?? { ...source.attributes };
  if (schema === undefined) return makeEvent(source, eventKind, undefined, false, name.slice(0, MAX_NAME_CHARS), input);
  const d = decode(name, schema, input);
  const issues = d.issues.length > 0 ? d.issues : undefined;
  let payload = d.payload;
  if (d.known && payload !== input && sameEntries(payload, source.attributes)) payload = source.attributes;
  return makeEvent(source, eventKind, issues, d.known, name, payload);
}

/** One recognized event, with the same key order whichever optional fields are present;
 * built by a single literal in the common case (a span event of a service, nothing to
 * note), so that V8 gives the many such events one compact shape. Spreading objects
 * together, as this did before, left each event with a hidden class of its own. */
function makeEvent(
  o: Origin,
  eventKind: string | undefined,
  issues: string[] | undefined,
  known: boolean,
  name: string,
  payload: Record<string, unknown>,
): RecognizedEvent {
  const { timeNs, origin, traceId, spanId, serviceName, attributes } = o;
  if (traceId !== undefined && spanId !== undefined && serviceName !== undefined && eventKind === undefined && issues === undefined) {
    return { timeNs, origin, traceId, spanId, serviceName, attributes, known, name, payload } as RecognizedEvent;
  }
  const ev: Record<string, unknown> = { timeNs, origin };
  if (traceId !== undefined) ev.traceId = traceId;
  if (spanId !== undefined) ev.spanId = spanId;
  if (serviceName !== undefined) ev.serviceName = serviceName;
  ev.attributes = attributes;
  if (eventKind !== undefined) ev.eventKind = eventKind;
  if (issues !== undefined) ev.issues = issues;
  ev.known = known;
  ev.name = name;
  ev.payload = payload;
  return ev as unknown as RecognizedEvent;
}

/** The event name of a log record: `eventName`, then the `event.name` attribute (the first
 * that is a known name wins), then a string body equal to a known name. When none is known,
 * a present `eventName`/`event.name` still makes it a (generic) event. */
function logEventName(log: LogRecord): string | undefined {
  const fromField = nonEmptyString(log.eventName);
  if (fromField !== undefined && SCHEMAS.has(fromField)) return fromField;
  const fromAttr = nonEmptyString(log.attributes?.['event.name']);
  if (fromAttr !== undefined && SCHEMAS.has(fromAttr)) return fromAttr;
  if (typeof log.body === 'string' && SCHEMAS.has(log.body)) return log.body;
  return fromField ?? fromAttr;
}

/** The recognized event of a log record, or undefined when the record is not an event. */
export function recognizeLog(log: LogRecord): RecognizedEvent | undefined {
  const name = logEventName(log);
  if (name === undefined) return undefined;
  const attributes = log.attributes ?? {};
  // A kvlist body is part of the payload too; attributes win on conflicts.
  const input: Record<string, unknown> = isAttrMap(log.body) ? { ...log.body, ...attributes } : { ...attributes };
  return build(name, input, {
    timeNs: log.timeNs !== 0n ? log.timeNs : log.observedTimeNs,
    origin: 'log',
    traceId: log.traceId || undefined,
    spanId: log.spanId || undefined,
    serviceName: serviceNameOf(log.resource?.attributes),
    attributes,
  });
}

function serviceNameOf(attrs: Attributes | undefined): string | undefined {
  return nonEmptyString(attrs?.['service.name']);
}

function spanEventName(ev: SpanEvent): string | undefined {
  const fromAttr = nonEmptyString(ev.attributes?.['event.name']);
  if (SCHEMAS.has(ev.name)) return ev.name;
  if (fromAttr !== undefined && SCHEMAS.has(fromAttr)) return fromAttr;
  // Plain span events (exceptions, annotations) are not events unless they say they are.
  return fromAttr;
}

/** The recognized events among `span.events`, in order, carrying the span's ids. */
export function recognizeSpanEvents(span: Span): RecognizedEvent[] {
  const out: RecognizedEvent[] = [];
  const events = Array.isArray(span.events) ? span.events : [];
  if (events.length === 0) return out;
  const service = serviceNameOf(span.resource?.attributes);
  for (const ev of events) {
    const name = spanEventName(ev);
    if (name === undefined) continue;
    const attributes = ev.attributes ?? {};
    out.push(
      build(name, undefined, {
        timeNs: ev.timeNs,
        origin: 'spanEvent',
        traceId: span.traceId,
        spanId: span.spanId,
        serviceName: service,
        attributes,
      }),
    );
  }
  return out;
}

export { isEvent } from './isEvent.js';

export type { EventPayloads };
