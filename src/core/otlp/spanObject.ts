// The objects normalize makes for spans: the model's Span (src/core/model.ts) in a compact
// layout, because a run holds hundreds of thousands of them.
//
// - Times are kept as whole seconds + nanoseconds (small integers, stored in the object
//   itself) and given as bigint nanoseconds by getters: two BigInts a span cost 48 bytes of
//   heap, the four integers none beyond their fields.
// - What most spans share lives on the prototype: no events, no links, status UNSET without
//   a message. A span has own `events`/`links`/`status` only when it differs.
// Readers see an ordinary `Span`. Copies must go through `spanFrom` (a spread or a
// structured clone keeps own fields only).
import type { Attributes, Resource, Scope, Span, SpanEvent, SpanLink, UnixNanos } from '../model.js';

const NS_PER_S = 1_000_000_000n;

/** Spans without events or links share these. Frozen, so a consumer that tried to add to
 * them would fail loudly. */
export const NO_EVENTS: SpanEvent[] = Object.freeze([]) as unknown as SpanEvent[];
export const NO_LINKS: SpanLink[] = Object.freeze([]) as unknown as SpanLink[];
/** Statuses without a message (nearly all) share one frozen object per code. */
export const STATUS_BY_CODE: readonly Span['status'][] = [0, 1, 2].map((code) => Object.freeze({ code }));

/** Whole seconds of a decimal string of nanoseconds (OTLP's canonical form: digits only,
 * as the decoders leave it). A digit loop: no substring, no number parsing. */
export function secondsOf(ns: string | undefined): number {
  if (ns === undefined) return 0;
  let v = 0;
  for (let i = 0, end = ns.length - 9; i < end; i++) v = v * 10 + (ns.charCodeAt(i) - 48);
  return v;
}

/** The nanoseconds within the second of a decimal string of nanoseconds. */
export function subNsOf(ns: string | undefined): number {
  if (ns === undefined) return 0;
  let v = 0;
  for (let i = ns.length > 9 ? ns.length - 9 : 0; i < ns.length; i++) v = v * 10 + (ns.charCodeAt(i) - 48);
  return v;
}

export class StoredSpan implements Span {
  declare events: SpanEvent[];
  declare links: SpanLink[];
  declare status: Span['status'];
  declare traceState?: string;
  declare droppedAttributesCount?: number;
  declare droppedEventsCount?: number;
  declare droppedLinksCount?: number;
  constructor(
    public traceId: string,
    public spanId: string,
    public parentSpanId: string | undefined,
    public flags: number | undefined,
    public name: string,
    public kind: number,
    public startS: number,
    public startSubNs: number,
    public endS: number,
    public endSubNs: number,
    public attributes: Attributes,
    public resource: Resource,
    public scope: Scope,
  ) {}

  get startNs(): UnixNanos {
    return BigInt(this.startS) * NS_PER_S + BigInt(this.startSubNs);
  }

  get endNs(): UnixNanos {
    return BigInt(this.endS) * NS_PER_S + BigInt(this.endSubNs);
  }
}
Object.defineProperties(StoredSpan.prototype, {
  events: { value: NO_EVENTS, writable: true },
  links: { value: NO_LINKS, writable: true },
  status: { value: STATUS_BY_CODE[0], writable: true },
});

/** Sets the fields a span has only when they differ from the shared defaults. */
export function setSpanExtras(
  out: StoredSpan,
  x: { status: Span['status']; events: SpanEvent[]; links: SpanLink[]; traceState?: string; droppedAttributesCount?: number; droppedEventsCount?: number; droppedLinksCount?: number },
): StoredSpan {
  if (x.status !== STATUS_BY_CODE[0]) out.status = x.status.message === undefined ? (STATUS_BY_CODE[x.status.code] ?? x.status) : x.status;
  if (x.events.length > 0) out.events = x.events;
  if (x.links.length > 0) out.links = x.links;
  if (x.traceState) out.traceState = x.traceState;
  if (x.droppedAttributesCount) out.droppedAttributesCount = x.droppedAttributesCount;
  if (x.droppedEventsCount) out.droppedEventsCount = x.droppedEventsCount;
  if (x.droppedLinksCount) out.droppedLinksCount = x.droppedLinksCount;
  return out;
}

type SpanLike = Omit<Span, 'startNs' | 'endNs' | 'events' | 'links' | 'status'> &
  Partial<Pick<Span, 'startNs' | 'endNs' | 'events' | 'links' | 'status'>> &
  Partial<Pick<StoredSpan, 'startS' | 'startSubNs' | 'endS' | 'endSubNs'>>;

/** A StoredSpan of any Span-shaped object: one that crossed a thread (a structured clone
 * keeps the own fields, seconds + nanoseconds included, and drops the prototype), or one
 * built by hand with bigint times. */
export function spanFrom(s: SpanLike): StoredSpan {
  const start = s.startS !== undefined ? [s.startS, s.startSubNs ?? 0] : split(s.startNs ?? 0n);
  const end = s.endS !== undefined ? [s.endS, s.endSubNs ?? 0] : split(s.endNs ?? 0n);
  const out = new StoredSpan(s.traceId, s.spanId, s.parentSpanId, s.flags, s.name, s.kind, start[0]!, start[1]!, end[0]!, end[1]!, s.attributes, s.resource, s.scope);
  return setSpanExtras(out, { ...s, status: s.status ?? STATUS_BY_CODE[0]!, events: s.events ?? NO_EVENTS, links: s.links ?? NO_LINKS });
}

function split(ns: bigint): [number, number] {
  return [Number(ns / NS_PER_S), Number(ns % NS_PER_S)];
}

const SPAN_FIELDS = [
  'traceId', 'spanId', 'parentSpanId', 'traceState', 'flags', 'name', 'kind', 'startNs', 'endNs', 'status',
  'attributes', 'droppedAttributesCount', 'events', 'droppedEventsCount', 'links', 'droppedLinksCount', 'resource', 'scope',
] as const;

/** Every Span field that has a value, as own properties of a plain object (the prototype's
 * defaults and the time getters included): for comparing and printing spans. */
export function plainSpan(s: Span): Span {
  const out: Record<string, unknown> = {};
  for (const k of SPAN_FIELDS) if (s[k] !== undefined) out[k] = s[k];
  return out as unknown as Span;
}
