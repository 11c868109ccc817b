// The canonical span objects of the fast protobuf decoder (from-proto.ts).
import type { OtlpSpan } from './types.js';

/** Makes the canonical spans: a plain object (its prototype is Object.prototype) with the
 * same fields in the same order as the literal `{traceId, spanId, name, kind,
 * startTimeUnixNano, endTimeUnixNano}` plus the optional fields added after it, but built
 * by a constructor, so that V8 sizes the object for all of its fields (see AttrBag in
 * normalize.ts): a literal holds six and moves the rest — parent id, attributes, status… —
 * to a separate property array, one more allocation per span. */
function SpanOutFn(this: Record<string, unknown>, traceId: string, spanId: string, name: string, kind: number, start: string, end: string, never: number): void {
  this.traceId = traceId;
  this.spanId = spanId;
  this.name = name;
  this.kind = kind;
  this.startTimeUnixNano = start;
  this.endTimeUnixNano = end;
  if (never < 0) {
    // Never runs: tells V8 how many fields the objects will get.
    this.traceState = this.parentSpanId = this.flags = this.attributes = this.droppedAttributesCount = null;
    this.events = this.droppedEventsCount = this.links = this.droppedLinksCount = this.status = null;
  }
}
SpanOutFn.prototype = Object.prototype;
export const SpanOut = SpanOutFn as unknown as new (traceId: string, spanId: string, name: string, kind: number, start: string, end: string, never: 0) => OtlpSpan;
