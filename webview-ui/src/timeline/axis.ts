// The timeline's time axis with long idle gaps compressed: a piecewise-linear map between
// real time (ms since epoch) and "axis time" where each compressed gap takes a fixed short
// width. Zoom and pan work in axis time, so a 40-minute wait does not squash the work
// around it into a sliver (users of trace viewers ask for exactly this).

export interface AxisGap {
  startMs: number;
  endMs: number;
  /** Where the gap sits on the axis. */
  c0: number;
  c1: number;
}

interface Seg {
  t0: number;
  t1: number;
  c0: number;
  c1: number;
}

export class TimeAxis {
  readonly t0: number;
  readonly t1: number;
  readonly total: number;
  readonly gaps: AxisGap[] = [];
  private readonly segs: Seg[] = [];

  /** `gaps` are real-time intervals to compress, each to `gapWidth(durationMs)` axis ms. */
  constructor(t0: number, t1: number, gaps: { startMs: number; endMs: number }[], gapWidth: (d: number) => number) {
    this.t0 = t0;
    this.t1 = Math.max(t1, t0 + 1);
    const clipped = gaps
      .map((g) => ({ s: Math.max(g.startMs, this.t0), e: Math.min(g.endMs, this.t1) }))
      .filter((g) => g.e > g.s)
      .sort((a, b) => a.s - b.s);
    const merged: { s: number; e: number }[] = [];
    for (const g of clipped) {
      const last = merged[merged.length - 1];
      if (last && g.s <= last.e) last.e = Math.max(last.e, g.e);
      else merged.push({ ...g });
    }
    let t = this.t0;
    let c = 0;
    for (const g of merged) {
      if (g.s > t) {
        this.segs.push({ t0: t, t1: g.s, c0: c, c1: c + (g.s - t) });
        c += g.s - t;
      }
      const w = Math.max(0, Math.min(g.e - g.s, gapWidth(g.e - g.s)));
      this.segs.push({ t0: g.s, t1: g.e, c0: c, c1: c + w });
      this.gaps.push({ startMs: g.s, endMs: g.e, c0: c, c1: c + w });
      c += w;
      t = g.e;
    }
    if (this.t1 > t || this.segs.length === 0) {
      this.segs.push({ t0: t, t1: this.t1, c0: c, c1: c + (this.t1 - t) });
      c += this.t1 - t;
    }
    this.total = c;
  }

  private find<K extends 't0' | 'c0'>(v: number, start: K, end: K extends 't0' ? 't1' : 'c1'): Seg {
    let lo = 0;
    let hi = this.segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segs[mid]![start] <= v) lo = mid;
      else hi = mid - 1;
    }
    void end;
    return this.segs[lo]!;
  }

  /** Real time → axis time (clamped to the run). */
  toAxis(t: number): number {
    if (t <= this.t0) return t - this.t0;
    if (t >= this.t1) return this.total + (t - this.t1);
    const s = this.find(t, 't0', 't1');
    const span = s.t1 - s.t0;
    return span <= 0 ? s.c0 : s.c0 + ((t - s.t0) / span) * (s.c1 - s.c0);
  }

  /** Axis time → real time. */
  toReal(c: number): number {
    if (c <= 0) return this.t0 + c;
    if (c >= this.total) return this.t1 + (c - this.total);
    const s = this.find(c, 'c0', 'c1');
    const w = s.c1 - s.c0;
    return w <= 0 ? s.t0 : s.t0 + ((c - s.c0) / w) * (s.t1 - s.t0);
  }
}
