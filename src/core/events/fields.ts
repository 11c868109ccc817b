// Lenient field decoders for recognized-event payloads.
//
// The pipeline's wire format is lossy and inconsistent (see
// shared/docs/codeanatomy-telemetry.md §3 and docs/events.md): nested lists and maps arrive
// as JSON strings, int64 as decimal strings, bytes as hex, secrets as "[redacted]", and any
// field may be absent. Every decoder here accepts all of those spellings and produces one
// typed representation, so analyses never re-implement the coercions.
//
// Representation (documented in docs/events.md):
//  - a scalar field decodes to its JS type or the literal "[redacted]";
//  - a list/map field decodes to an array/object, or "[redacted]", or — when the value was a
//    string that is not valid JSON of the right shape (e.g. cut by an attribute length
//    limit) — the raw string, unchanged. `isUnparsed` tells those apart.
import { z } from 'zod';

export const REDACTED = '[redacted]' as const;
export type Redacted = typeof REDACTED;

/** The pipeline truncates nested lists and maps to this many items/keys: a list of exactly
 * this length may be incomplete. */
export const PIPELINE_TRUNCATION_LIMIT = 50;

/** Bounds on untrusted input: JSON strings longer than this are not parsed (kept raw), and
 * decoded lists/maps keep at most this many items/keys. */
export const MAX_JSON_CHARS = 1_000_000;
export const MAX_COLLECTION_ITEMS = 10_000;

/** Accepts the literal "[redacted]" in place of any value of `schema`. */
export function redactable<T extends z.ZodType>(schema: T) {
  return z.union([z.literal(REDACTED), schema]);
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Scalars become strings; bytes (OTLP bytes_value) become lower-case hex, which is how the
 * pipeline itself sends bytes. Anything else is left for zod to reject. */
function toStringish(v: unknown): unknown {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return hex(v);
  return v;
}

/** int64 values arrive as numbers or decimal strings (OTLP/JSON and the normalizer keep
 * unsafe integers as strings). Precision beyond 2^53 is lost here, by design: counts and
 * durations never get there. Use {@link nanos} for epoch nanoseconds. */
function toNumberish(v: unknown): unknown {
  if (typeof v === 'string' && v !== REDACTED) {
    const t = v.trim();
    if (t !== '') {
      const n = Number(t);
      if (Number.isFinite(n)) return n;
    }
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function toBoolish(v: unknown): unknown {
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return v;
}

function toBigintish(v: unknown): unknown {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^\s*-?\d{1,30}\s*$/.test(v)) return BigInt(v.trim());
  return v;
}

/** A string field (numbers, booleans and hex-encoded bytes are accepted and stringified). */
export const str = () => scalar(z.preprocess(toStringish, z.string()).optional(), 'string');
/** A numeric field: number | "[redacted]". */
export const num = () => scalar(z.preprocess(toNumberish, redactable(z.number())).optional(), 'number');
/** A boolean field ("true"/"false" strings accepted): boolean | "[redacted]". */
export const bool = () => scalar(z.preprocess(toBoolish, redactable(z.boolean())).optional(), 'boolean');

/** The scalar field schemas above, by the value type they decode to. A value already of
 * that type (a finite number for numbers) decodes to itself, and an absent one stays
 * absent, which lets the recognizer skip zod for payloads that need no coercion. */
const scalarSchemas = new WeakMap<z.ZodType, 'string' | 'number' | 'boolean'>();
function scalar<T extends z.ZodType>(s: T, type: 'string' | 'number' | 'boolean'): T {
  scalarSchemas.set(s, type);
  return s;
}
export function scalarType(s: z.ZodType): 'string' | 'number' | 'boolean' | undefined {
  return scalarSchemas.get(s);
}
/** Epoch nanoseconds (or any int64 that must stay exact): bigint | "[redacted]". */
export const nanos = () => z.preprocess(toBigintish, redactable(z.bigint())).optional();

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** JSON.parse that never throws and never parses oversized input. */
export function tryParseJson(s: string): { ok: true; value: unknown } | { ok: false } {
  if (s.length > MAX_JSON_CHARS) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
}

/** Keep the items of `arr` that decode with `item`, at most MAX_COLLECTION_ITEMS. A single
 * odd item never costs the whole list. */
function decodeItems<T>(arr: readonly unknown[], item: z.ZodType<T>): T[] {
  const out: T[] = [];
  for (const v of arr) {
    if (out.length >= MAX_COLLECTION_ITEMS) break;
    const r = item.safeParse(v);
    if (r.success) out.push(r.data);
  }
  return out;
}

function decodeEntries<T>(obj: Record<string, unknown>, value: z.ZodType<T>): Record<string, T> {
  const out: Record<string, T> = {};
  let n = 0;
  for (const [k, v] of Object.entries(obj)) {
    if (n >= MAX_COLLECTION_ITEMS) break;
    // Assigning "__proto__" would replace the prototype: untrusted JSON may contain it.
    if (k === '__proto__') continue;
    const r = value.safeParse(v);
    if (r.success) {
      out[k] = r.data;
      n++;
    }
  }
  return out;
}

/** The string items of a list: scalars stringified, nested objects as compact JSON. */
export const listItem = z.preprocess(
  (v) => (isPlainObject(v) || Array.isArray(v) ? JSON.stringify(v) : toStringish(v)),
  z.string(),
);
/** The numeric values of a map (e.g. heartbeat `dataset_rows`). */
export const numValue = z.preprocess(toNumberish, redactable(z.number()));

// Marks list/map schemas so the recognizer can report "kept as raw string" notes without
// the decoders needing a side channel.
const collectionSchemas = new WeakSet<z.ZodType>();
export function isCollectionSchema(s: z.ZodType): boolean {
  return collectionSchemas.has(s);
}

// Applied to the `.optional()` wrapper, which is what sits in an object shape.
function mark<T extends z.ZodType>(s: T): T {
  collectionSchemas.add(s);
  return s;
}

/** A list field: native array or JSON-string array → T[]; "[redacted]" kept; a string that
 * is not a JSON array is kept raw. */
export function list<T>(item: z.ZodType<T>) {
  const s = z.unknown().transform((v, ctx): T[] | string => {
    if (Array.isArray(v)) return decodeItems(v, item);
    if (typeof v === 'string') {
      if (v === REDACTED) return v;
      const p = tryParseJson(v);
      return p.ok && Array.isArray(p.value) ? decodeItems(p.value, item) : v;
    }
    ctx.issues.push({ code: 'custom', message: 'expected a list or a JSON string', input: v });
    return z.NEVER;
  });
  return mark(s.optional());
}

/** A map field: OTLP kvlist or JSON-string object → Record<string, T>;
 * "[redacted]" kept; a string that is not a JSON object is kept raw. */
export function map<T>(value: z.ZodType<T>) {
  const s = z.unknown().transform((v, ctx): Record<string, T> | string => {
    if (isPlainObject(v)) return decodeEntries(v, value);
    if (typeof v === 'string') {
      if (v === REDACTED) return v;
      const p = tryParseJson(v);
      return p.ok && isPlainObject(p.value) ? decodeEntries(p.value, value) : v;
    }
    ctx.issues.push({ code: 'custom', message: 'expected a map or a JSON string', input: v });
    return z.NEVER;
  });
  return mark(s.optional());
}

/** The value of a task → tasks map (plan dependencies/inputs): always a list. A JSON-array
 * string is parsed; any other scalar is read as a one-item list. */
export const nestedList = z.unknown().transform((v, ctx): string[] => {
  if (Array.isArray(v)) return decodeItems(v, listItem);
  if (typeof v === 'string') {
    const p = v.trimStart().startsWith('[') ? tryParseJson(v) : { ok: false as const };
    if (p.ok && Array.isArray(p.value)) return decodeItems(p.value, listItem);
    return [v];
  }
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  ctx.issues.push({ code: 'custom', message: 'expected a list', input: v });
  return z.NEVER;
});

/** A field whose shape the pipeline does not pin down (a map or a list of strings). */
export function mapOrList() {
  const s = z.unknown().transform((v, ctx): Record<string, string> | string[] | string => {
    let x = v;
    if (typeof v === 'string') {
      if (v === REDACTED) return v;
      const p = tryParseJson(v);
      if (!p.ok) return v;
      x = p.value;
    }
    if (Array.isArray(x)) return decodeItems(x, listItem);
    if (isPlainObject(x)) return decodeEntries(x, listItem);
    if (typeof v === 'string') return v;
    ctx.issues.push({ code: 'custom', message: 'expected a map, a list or a JSON string', input: v });
    return z.NEVER;
  });
  return mark(s.optional());
}

/** A JSON object carried as a string (e.g. otel_config_snapshot_v1 `config`): parsed to a
 * plain object of unknown values; raw string kept when not an object. */
export function jsonObject() {
  return map(z.unknown());
}

/** True when a list/map field held a string that could not be decoded (kept verbatim). */
export function isUnparsed(v: unknown): v is string {
  return typeof v === 'string' && v !== REDACTED;
}

/** True when a decoded list has exactly the pipeline's truncation length, so may be cut. */
export function mayBeTruncated(v: unknown): boolean {
  return Array.isArray(v) && v.length === PIPELINE_TRUNCATION_LIMIT;
}
