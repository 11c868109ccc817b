// The store's index of spans by (trace id, span id): an open-addressing hash table of
// positions in the store's span list, in one Int32Array. A Map from span id to span costs
// an entry object's worth of words per span (the hash table's key, value and chain slots);
// this costs 4 bytes a slot at a load of at most one half — 8 to 16 bytes a span — and keeps
// no key strings of its own (the span's ids are compared on lookup).
import type { Span } from './model.js';

const MIN_SLOTS = 1024;

/** 32-bit FNV-1a over the id's characters. Span ids are random (W3C), but a build may
 * hand-make them (counters, zero-padded), so the whole id is hashed, not a prefix. */
function hashId(spanId: string, traceId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < spanId.length; i++) h = Math.imul(h ^ spanId.charCodeAt(i), 0x01000193);
  // A few trace id characters: the same span id in several traces (orphan re-sends, hand-made
  // ids) spreads over the table instead of forming one long probe run.
  const n = traceId.length;
  for (let i = n > 8 ? n - 8 : 0; i < n; i++) h = Math.imul(h ^ traceId.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class SpanIndex {
  /** Position + 1 in `spans`; 0 = empty. */
  private slots = new Int32Array(MIN_SLOTS);
  private used = 0;

  constructor(private readonly spans: readonly Span[]) {}

  /** The position of the span with these ids in the list, or -1. */
  find(traceId: string, spanId: string): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = hashId(spanId, traceId) & mask; ; i = (i + 1) & mask) {
      const v = slots[i]!;
      if (v === 0) return -1;
      const s = this.spans[v - 1]!;
      if (s.spanId === spanId && s.traceId === traceId) return v - 1;
    }
  }

  /** Index the span at `position` of the list (the caller checked it is not there yet). */
  add(position: number): void {
    if ((this.used + 1) * 2 > this.slots.length) this.grow();
    this.place(this.slots, position);
    this.used++;
  }

  private place(slots: Int32Array, position: number): void {
    const s = this.spans[position]!;
    const mask = slots.length - 1;
    let i = hashId(s.spanId, s.traceId) & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = position + 1;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    for (const v of old) if (v !== 0) this.place(slots, v - 1);
    this.slots = slots;
  }
}
