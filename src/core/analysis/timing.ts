// Timing analyses over a run's spans (issue 3, analysis 6): slowest spans, stage breakdown by
// self time, idle gaps across all traces, and the critical path of the main trace.
//
// Everything here is iterative (no recursion over the span tree): a chain of 100k nested
// spans must not overflow the stack. Spans are untrusted, so an end before a start is read
// as a zero-length span and a missing parent makes a span a root (orphans are normal: the
// real pipeline starts a new trace per stage).
import type { Span } from '../model.js';
import { StatusCode } from '../model.js';
import type { RunStore } from '../store.js';

/** Our own root span (launch) and the pipeline's heartbeat spans: they cover the whole run or
 * are noise, so coverage-based analyses (idle gaps, slow spans, stage time) leave them out. */
export const INVOCATION_SPAN = 'build.invocation';
export const HEARTBEAT_SPAN = 'build.heartbeat';

export interface SlowSpan {
  name: string;
  traceId: string;
  spanId: string;
  durationMs: number;
  startedAt: string;
  status: string;
}

export interface StageTime {
  stage: string;
  /** Sum of the self time of the stage's spans (children's time excluded, overlap once). */
  selfMs: number;
  /** Wall time of the stage's top spans (those whose parent is in another stage or absent). */
  totalMs: number;
  spanCount: number;
}

export interface IdleGap {
  startedAt: string;
  endedAt: string;
  gapS: number;
}

export interface CriticalPathStep {
  name: string;
  traceId: string;
  spanId: string;
  /** Time on the critical path spent in this span itself (not in a child on the path). */
  selfMs: number;
  durationMs: number;
}

const NS_PER_MS = 1_000_000n;
// Date's valid range is ±8.64e15 ms; clamp so a wild timestamp never throws.
const MAX_DATE_MS = 8_640_000_000_000_000n;

/** ISO-8601 UTC with millisecond precision from epoch nanoseconds (never throws). */
export function isoFromNs(ns: bigint): string {
  let ms = ns / NS_PER_MS;
  if (ns < 0n && ns % NS_PER_MS !== 0n) ms -= 1n; // floor, not truncate
  if (ms > MAX_DATE_MS) ms = MAX_DATE_MS;
  if (ms < -MAX_DATE_MS) ms = -MAX_DATE_MS;
  return new Date(Number(ms)).toISOString();
}

/** A duration in nanoseconds as milliseconds (microsecond precision), never negative. */
export function nsDurationMs(ns: bigint): number {
  if (ns <= 0n) return 0;
  return Number(ns / 1000n) / 1000;
}

/** A span's end, never before its start. */
export function endOf(s: Span): bigint {
  return s.endNs > s.startNs ? s.endNs : s.startNs;
}

export function spanDurationMs(s: Span): number {
  return nsDurationMs(endOf(s) - s.startNs);
}

export function spanStatus(s: Span): string {
  const c = s.status?.code;
  return c === StatusCode.ERROR ? 'error' : c === StatusCode.OK ? 'ok' : 'unset';
}

export function byStartThenId(a: Span, b: Span): number {
  if (a.startNs !== b.startNs) return a.startNs < b.startNs ? -1 : 1;
  if (a.traceId !== b.traceId) return a.traceId < b.traceId ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

/** The slowest spans, longest first (ties: earlier start, then ids). Our `build.invocation`
 * root is left out: it is the whole run, shown in the report's headline. */
export function slowSpans(store: RunStore, limit = 10): SlowSpan[] {
  // The `limit` longest in one pass (each duration computed once), not a sort of every span.
  const n = Math.max(0, limit);
  const top: { s: Span; d: bigint }[] = [];
  const before = (x: { s: Span; d: bigint }, y: { s: Span; d: bigint }): boolean => (x.d !== y.d ? x.d > y.d : byStartThenId(x.s, y.s) < 0);
  if (n > 0) {
    for (const s of store.spans) {
      if (s.name === INVOCATION_SPAN) continue;
      const c = { s, d: endOf(s) - s.startNs };
      if (top.length === n && !before(c, top[n - 1]!)) continue;
      let i = top.length === n ? n - 1 : top.length;
      while (i > 0 && before(c, top[i - 1]!)) i--;
      top.splice(i, 0, c);
      if (top.length > n) top.pop();
    }
  }
  const candidates = top.map((t) => t.s);
  return candidates.slice(0, Math.max(0, limit)).map((s) => ({
    name: s.name,
    traceId: s.traceId,
    spanId: s.spanId,
    durationMs: spanDurationMs(s),
    startedAt: isoFromNs(s.startNs),
    status: spanStatus(s),
  }));
}

/** Span lookup by trace then span id (two levels: no key strings to build and hash). */
export class SpanIndex {
  private readonly byTrace = new Map<string, Map<string, Span>>();
  constructor(spans: readonly Span[]) {
    for (const s of spans) {
      let m = this.byTrace.get(s.traceId);
      if (!m) this.byTrace.set(s.traceId, (m = new Map()));
      if (!m.has(s.spanId)) m.set(s.spanId, s);
    }
  }
  get(traceId: string, spanId: string | undefined): Span | undefined {
    return spanId === undefined ? undefined : this.byTrace.get(traceId)?.get(spanId);
  }
  /** The parent span when it arrived (a span naming itself as parent has none). */
  parentOf(s: Span): Span | undefined {
    if (!s.parentSpanId || s.parentSpanId === s.spanId) return undefined;
    return this.get(s.traceId, s.parentSpanId);
  }
}

/** Parent span → its children, over the spans present (a parent that never arrived has none). */
export function childrenIndex(spans: readonly Span[], index: SpanIndex = new SpanIndex(spans)): Map<Span, Span[]> {
  const out = new Map<Span, Span[]>();
  for (const s of spans) {
    const parent = index.parentOf(s);
    if (!parent) continue;
    const list = out.get(parent);
    if (list) list.push(s);
    else out.set(parent, [s]);
  }
  return out;
}

type Interval = [bigint, bigint];

/** The union of [start, end) intervals, clipped to [lo, hi): sorted and disjoint. */
function mergeIntervals(intervals: Interval[], lo?: bigint, hi?: bigint): Interval[] {
  const clipped: Interval[] = [];
  for (const [s, e] of intervals) {
    const a = lo !== undefined && s < lo ? lo : s;
    const b = hi !== undefined && e > hi ? hi : e;
    if (b > a) clipped.push([a, b]);
  }
  clipped.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Interval[] = [];
  for (const iv of clipped) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1]) {
      if (iv[1] > last[1]) last[1] = iv[1];
    } else out.push([iv[0], iv[1]]);
  }
  return out;
}

function totalLength(merged: Interval[]): bigint {
  let t = 0n;
  for (const [a, b] of merged) t += b - a;
  return t;
}

/** The parts of a span's interval not covered by any of its children. */
function selfIntervals(s: Span, kids: readonly Span[]): Interval[] {
  const covered = mergeIntervals(kids.map((c) => [c.startNs, endOf(c)] as Interval), s.startNs, endOf(s));
  const out: Interval[] = [];
  let cur = s.startNs;
  for (const [a, b] of covered) {
    if (a > cur) out.push([cur, a]);
    cur = b;
  }
  if (endOf(s) > cur) out.push([cur, endOf(s)]);
  return out;
}

/** Self time of each span: its duration minus the union of its children's intervals clipped
 * to it, so overlapping (concurrent) children are not subtracted twice. */
export function selfTimes(spans: readonly Span[], children: Map<Span, Span[]>): Map<Span, bigint> {
  const out = new Map<Span, bigint>();
  for (const s of spans) out.set(s, totalLength(selfIntervals(s, children.get(s) ?? [])));
  return out;
}

/** Stage of every span: `codeanatomy.stage` on the span or its nearest ancestor, else the
 * name of its root (our `build.invocation` root is transparent: its direct children count as
 * roots, so pipeline work is not lumped under the whole run). Memoized walk up, iterative. */
function stagesOf(spans: readonly Span[], index: SpanIndex): Map<Span, string> {
  const memo = new Map<Span, string>();
  for (const s of spans) {
    const chain: Span[] = [];
    let cur: Span | undefined = s;
    let stage: string | undefined;
    while (cur) {
      const known = memo.get(cur);
      if (known !== undefined) {
        stage = known;
        break;
      }
      if (chain.length > 0 && chain.includes(cur)) break; // a parent cycle in hostile input
      chain.push(cur);
      const attr = cur.attributes?.['codeanatomy.stage'];
      if (typeof attr === 'string' && attr !== '') {
        stage = attr;
        break;
      }
      const parent: Span | undefined = index.parentOf(cur);
      if (!parent || parent.name === INVOCATION_SPAN) {
        stage = cur.name;
        break;
      }
      cur = parent;
    }
    for (const k of chain) memo.set(k, stage ?? s.name);
  }
  return memo;
}

/** Time per stage by self time, without double counting: the pipeline's own report sums
 * nested durations. A stage's self time is the union of its spans' self intervals (a span's
 * interval minus its children's), so neither nesting nor concurrent spans of the same stage
 * count twice; its total is the union of its top spans (parent absent or in another stage).
 * `build.invocation` and `build.heartbeat` are left out. */
export function stageBreakdown(store: RunStore): StageTime[] {
  const spans = store.spans.filter((s) => s.name !== INVOCATION_SPAN && s.name !== HEARTBEAT_SPAN);
  const index = new SpanIndex(store.spans);
  const children = childrenIndex(store.spans, index);
  const stages = stagesOf(spans, index);
  const acc = new Map<string, { self: Interval[]; top: Interval[]; count: number }>();
  for (const s of spans) {
    const stage = stages.get(s) ?? s.name;
    let a = acc.get(stage);
    if (!a) acc.set(stage, (a = { self: [], top: [], count: 0 }));
    for (const iv of selfIntervals(s, children.get(s) ?? [])) a.self.push(iv);
    a.count++;
    const parent = index.parentOf(s);
    if (!parent || stages.get(parent) !== stage) a.top.push([s.startNs, endOf(s)]);
  }
  return [...acc.entries()]
    .map(([stage, a]) => ({
      stage,
      selfMs: nsDurationMs(totalLength(mergeIntervals(a.self))),
      // Self intervals join the top spans' so a child overrunning its parent (clock skew)
      // never makes self time exceed the total.
      totalMs: nsDurationMs(totalLength(mergeIntervals(a.top.concat(a.self)))),
      spanCount: a.count,
    }))
    .sort((x, y) => y.selfMs - x.selfMs || (x.stage < y.stage ? -1 : x.stage > y.stage ? 1 : 0));
}

/** Intervals of the run not covered by any span, across all traces on one time axis (the
 * pipeline's stages are separate traces). Only gaps between spans are reported: before the
 * first and after the last span there is nothing to measure against. `build.invocation`
 * covers everything and `build.heartbeat` ticks through stalls, so neither counts as
 * coverage. */
export function idleGaps(store: RunStore, minGapS = 5): IdleGap[] {
  const intervals: [bigint, bigint][] = [];
  for (const s of store.spans) {
    if (s.name === INVOCATION_SPAN || s.name === HEARTBEAT_SPAN) continue;
    intervals.push([s.startNs, endOf(s)]);
  }
  intervals.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const minNs = BigInt(Math.max(0, Math.round(minGapS * 1000))) * 1_000_000n;
  const out: IdleGap[] = [];
  let coveredTo: bigint | undefined;
  for (const [a, b] of intervals) {
    if (coveredTo !== undefined && a > coveredTo && a - coveredTo >= minNs) {
      out.push({ startedAt: isoFromNs(coveredTo), endedAt: isoFromNs(a), gapS: nsDurationMs(a - coveredTo) / 1000 });
    }
    if (coveredTo === undefined || b > coveredTo) coveredTo = b;
  }
  return out;
}

export { criticalPath, mainTraceId } from './criticalPath.js';
