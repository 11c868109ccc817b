// Rows of the timeline: one group per stage (ordered by first start), each packed into
// lanes so that no two spans of a lane overlap. Because a lane's spans are disjoint and
// sorted by start, they are sorted by end too, which lets the renderer binary-search the
// visible window per lane instead of scanning 100k spans a frame.
import type { SnapSpan } from '../../../src/protocol/schema.js';

export interface Row {
  kind: 'group' | 'lane';
  /** Group label (stage) for group rows; '' for lanes. */
  label: string;
  group: number;
  /** Span indices (into the spans array), sorted by start. Empty for group rows. */
  spans: Int32Array;
}

export interface Layout {
  rows: Row[];
  /** Row of each span index. */
  rowOfSpan: Int32Array;
  t0: number;
  t1: number;
  groups: { stage: string; spanCount: number; traceCount: number; row: number }[];
}

/** Min-heap of lanes keyed by their current end time. */
class LaneHeap {
  private ends: number[] = [];
  private ids: number[] = [];
  get size(): number {
    return this.ends.length;
  }
  peekEnd(): number {
    return this.ends[0] ?? Infinity;
  }
  peekId(): number {
    return this.ids[0] ?? -1;
  }
  push(end: number, id: number): void {
    this.ends.push(end);
    this.ids.push(id);
    let i = this.ends.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.ends[p]! <= this.ends[i]!) break;
      this.swap(i, p);
      i = p;
    }
  }
  replaceTop(end: number): void {
    this.ends[0] = end;
    let i = 0;
    const n = this.ends.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.ends[l]! < this.ends[m]!) m = l;
      if (r < n && this.ends[r]! < this.ends[m]!) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
  private swap(a: number, b: number): void {
    [this.ends[a], this.ends[b]] = [this.ends[b]!, this.ends[a]!];
    [this.ids[a], this.ids[b]] = [this.ids[b]!, this.ids[a]!];
  }
}

export function layoutSpans(spans: readonly SnapSpan[]): Layout {
  const byStage = new Map<string, number[]>();
  let t0 = Infinity;
  let t1 = -Infinity;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (s.startMs < t0) t0 = s.startMs;
    if (s.endMs > t1) t1 = s.endMs;
    const list = byStage.get(s.stage);
    if (list) list.push(i);
    else byStage.set(s.stage, [i]);
  }
  const groups = [...byStage.entries()].map(([stage, idx]) => {
    // Longer first on equal start: a parent lands in a lane above its first child.
    idx.sort((a, b) => spans[a]!.startMs - spans[b]!.startMs || spans[b]!.endMs - spans[a]!.endMs || a - b);
    return { stage, idx, first: spans[idx[0]!]!.startMs };
  });
  groups.sort((a, b) => a.first - b.first || (a.stage < b.stage ? -1 : 1));

  const rows: Row[] = [];
  const rowOfSpan = new Int32Array(spans.length).fill(-1);
  const outGroups: Layout['groups'] = [];
  groups.forEach((g, gi) => {
    const traces = new Set<string>();
    const headerRow = rows.length;
    rows.push({ kind: 'group', label: g.stage, group: gi, spans: new Int32Array(0) });
    const heap = new LaneHeap();
    const lanes: number[][] = [];
    for (const i of g.idx) {
      const s = spans[i]!;
      traces.add(s.traceId);
      let lane: number;
      if (heap.size > 0 && heap.peekEnd() <= s.startMs) {
        lane = heap.peekId();
        heap.replaceTop(s.endMs);
      } else {
        lane = lanes.length;
        lanes.push([]);
        heap.push(s.endMs, lane);
      }
      lanes[lane]!.push(i);
    }
    lanes.forEach((l) => {
      const row = rows.length;
      for (const i of l) rowOfSpan[i] = row;
      rows.push({ kind: 'lane', label: '', group: gi, spans: Int32Array.from(l) });
    });
    outGroups.push({ stage: g.stage, spanCount: g.idx.length, traceCount: traces.size, row: headerRow });
  });
  if (!Number.isFinite(t0)) {
    t0 = 0;
    t1 = 1;
  }
  return { rows, rowOfSpan, t0, t1, groups: outGroups };
}

/** First index in a lane whose span ends at or after `t` (lane ends are sorted). */
export function firstVisible(spans: readonly SnapSpan[], lane: Int32Array, t: number): number {
  let lo = 0;
  let hi = lane.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[lane[mid]!]!.endMs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
