// Critical path of the main trace (issue 3, analysis 6). Iterative with an explicit stack:
// a chain of 100k nested spans must not overflow the call stack.
import type { Span } from '../model.js';
import type { RunStore } from '../store.js';
import { INVOCATION_SPAN, SpanIndex, byStartThenId, childrenIndex, endOf, nsDurationMs, spanDurationMs, type CriticalPathStep } from './timing.js';

/** The trace the critical path is computed for: the one with the most spans (heartbeat
 * traces have one each); ties go to our root trace, then the longest, then the smaller id. */
export function mainTraceId(store: RunStore, rootTraceId?: string): string | undefined {
  const stats = new Map<string, { n: number; start: bigint; end: bigint }>();
  let invocationTrace = rootTraceId;
  for (const s of store.spans) {
    const st = stats.get(s.traceId);
    if (!st) stats.set(s.traceId, { n: 1, start: s.startNs, end: endOf(s) });
    else {
      st.n++;
      if (s.startNs < st.start) st.start = s.startNs;
      if (endOf(s) > st.end) st.end = endOf(s);
    }
    if (invocationTrace === undefined && s.name === INVOCATION_SPAN && !s.parentSpanId) invocationTrace = s.traceId;
  }
  let best: string | undefined;
  let bestStat: { n: number; start: bigint; end: bigint } | undefined;
  for (const [id, st] of stats) {
    let better = false;
    if (!best || !bestStat) better = true;
    else if (st.n !== bestStat.n) better = st.n > bestStat.n;
    else if (id === invocationTrace || best === invocationTrace) better = id === invocationTrace;
    else if (st.end - st.start !== bestStat.end - bestStat.start) better = st.end - st.start > bestStat.end - bestStat.start;
    else better = id < best;
    if (better) {
      best = id;
      bestStat = st;
    }
  }
  return best;
}

interface Frame {
  span: Span;
  kids: Span[]; // sorted by end, latest first
  next: number;
  cursor: bigint; // walk goes backwards in time from here
  self: bigint;
  picked: boolean;
}

/** The critical path of a trace: from the root, walking back from its end through the
 * last-finishing child, then the last child that finished before that one started, and so
 * on, descending into each (the usual backwards algorithm, as in Jaeger's trace view).
 * Iterative with an explicit stack. Steps are in order of start time. */
export function criticalPath(store: RunStore, traceId?: string): CriticalPathStep[] {
  const tid = traceId ?? mainTraceId(store);
  if (tid === undefined) return [];
  const spans = store.spans.filter((s) => s.traceId === tid);
  if (spans.length === 0) return [];
  const index = new SpanIndex(spans);
  const children = childrenIndex(spans, index);
  // Root: a span without a present parent that ends last (ties: starts first).
  let root: Span | undefined;
  for (const s of spans) {
    if (index.parentOf(s)) continue;
    if (!root || endOf(s) > endOf(root) || (endOf(s) === endOf(root) && byStartThenId(s, root) < 0)) root = s;
  }
  if (!root) return [];
  const steps: { span: Span; self: bigint; depth: number }[] = [];
  const visited = new Set<Span>();
  const open = (span: Span, windowEnd: bigint): Frame => {
    visited.add(span);
    const kids = (children.get(span) ?? []).slice();
    kids.sort((a, b) => (endOf(a) > endOf(b) ? -1 : endOf(a) < endOf(b) ? 1 : byStartThenId(a, b)));
    const end = endOf(span) < windowEnd ? endOf(span) : windowEnd;
    return { span, kids, next: 0, cursor: end, self: 0n, picked: false };
  };
  const stack: Frame[] = [open(root, endOf(root))];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    let child: Span | undefined;
    while (f.next < f.kids.length) {
      const c = f.kids[f.next++]!;
      if (visited.has(c)) continue;
      // After the first pick, a child must finish before the cursor (it ran before the one
      // already on the path); the first pick may overrun its parent and is clipped.
      if (f.picked && endOf(c) > f.cursor) continue;
      if (c.startNs >= f.cursor || endOf(c) <= f.span.startNs) continue;
      child = c;
      break;
    }
    if (child) {
      const childEnd = endOf(child) < f.cursor ? endOf(child) : f.cursor;
      f.self += f.cursor - childEnd;
      f.cursor = child.startNs > f.span.startNs ? child.startNs : f.span.startNs;
      f.picked = true;
      stack.push(open(child, childEnd));
      continue;
    }
    if (f.cursor > f.span.startNs) f.self += f.cursor - f.span.startNs;
    steps.push({ span: f.span, self: f.self, depth: stack.length });
    stack.pop();
  }
  steps.sort((a, b) => (a.span.startNs !== b.span.startNs ? (a.span.startNs < b.span.startNs ? -1 : 1) : a.depth - b.depth || byStartThenId(a.span, b.span)));
  return steps.map(({ span, self }) => ({
    name: span.name,
    traceId: span.traceId,
    spanId: span.spanId,
    selfMs: nsDurationMs(self),
    durationMs: spanDurationMs(span),
  }));
}
