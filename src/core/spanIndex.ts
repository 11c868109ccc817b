// The store's index of spans by (trace id, span id): an open-addressing hash table of
// positions in the store's span list, in one Int32Array, and each span's hash by position in
// another. A Map from span id to span costs an entry object's worth of words per span (the
// hash table's key, value and chain slots); this costs 4 bytes a slot at a load of at most
// one half plus 4 for the hash — 12 to 24 bytes a span, outside the JS heap — and keeps no
// key strings of its own (the span's ids are compared on lookup, after the hashes). Keeping
// the hashes means growing the table reads no strings, and a probe past another span
// compares two integers instead of loading that span.
import type { Span } from './model.js';

const MIN_SLOTS = 1024;

/** 32-bit FNV-1a over the id's characters. Span ids are random (W3C), but a build may
 * hand-make them (counters, zero-padded), so the whole id is hashed, not a prefix. */
export function hashId(spanId: string, traceId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < spanId.length; i++) h = Math.imul(h ^ spanId.charCodeAt(i), 0x01000193);
  // A few trace id characters: the same span id in several traces (orphan re-sends, hand-made
  // ids) spreads over the table instead of forming one long probe run.
  const n = traceId.length;
  for (let i = n > 8 ? n - 8 : 0; i < n; i++) h = Math.imul(h ^ traceId.charCodeAt(i), 0x01000193);
  return h | 0;
}

export class SpanIndex {
  /** Position + 1 in `spans`; 0 = empty. */
  private slots = new Int32Array(MIN_SLOTS);
  /** The hash of the span at each position (hashId). */
  private hashes = new Int32Array(MIN_SLOTS / 2);
  private used = 0;

  constructor(private readonly spans: readonly Span[]) {}

  /** The position of the span with these ids in the list, or -1. */
  find(traceId: string, spanId: string): number {
    return this.findHashed(hashId(spanId, traceId), traceId, spanId);
  }

  /** {@link find} with the ids' hashId already computed. */
  findHashed(h: number, traceId: string, spanId: string): number {
    const slots = this.slots;
    const hashes = this.hashes;
    const mask = slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = slots[i]!;
      if (v === 0) return -1;
      if (hashes[v - 1] !== h) continue;
      const s = this.spans[v - 1]!;
      if (s.spanId === spanId && s.traceId === traceId) return v - 1;
    }
  }

  /** Index the span at `position` of the list (the caller checked it is not there yet). */
  add(position: number): void {
    const s = this.spans[position]!;
    this.addHashed(position, hashId(s.spanId, s.traceId));
  }

  /** {@link add} with the span's hashId already computed. */
  addHashed(position: number, h: number): void {
    if (position >= this.hashes.length) {
      let n = this.hashes.length * 2;
      while (n <= position) n *= 2;
      const hashes = new Int32Array(n);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[position] = h;
    if ((this.used + 1) * 2 > this.slots.length) this.grow();
    place(this.slots, position, h);
    this.used++;
  }

  private grow(): void {
    const old = this.slots;
    const hashes = this.hashes;
    const slots = new Int32Array(old.length * 2);
    for (let i = 0; i < old.length; i++) {
      const v = old[i]!;
      if (v !== 0) place(slots, v - 1, hashes[v - 1]!);
    }
    this.slots = slots;
  }
}

function place(slots: Int32Array, position: number, h: number): void {
  const mask = slots.length - 1;
  let i = h & mask;
  while (slots[i] !== 0) i = (i + 1) & mask;
  slots[i] = position + 1;
}
