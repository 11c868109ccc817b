import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Span } from '../../src/core/model.js';
import { RunStore } from '../../src/core/store.js';
import {
  childrenIndex,
  criticalPath,
  idleGaps,
  isoFromNs,
  mainTraceId,
  nsDurationMs,
  selfTimes,
  slowSpans,
  stageBreakdown,
} from '../../src/core/analysis/timing.js';
import { T0_MS, mkSpan, nsAt, storeWith } from './helpers/telemetry.js';

const T = { timeout: 30_000 };
const S = 1000; // ms per second
const TR = 'a'.repeat(32);
const TR2 = 'b'.repeat(32);
const id = (n: number) => n.toString(16).padStart(16, '0');

describe('self time and stage breakdown', () => {
  // Hamilton-ish: a stage span of 10 s running two node spans of 3 s and 4 s that overlap by
  // 1 s (union 6 s) → the stage's own time is 4 s.
  const parent = mkSpan({ name: 'engine_execute', traceId: TR, spanId: id(1), startMs: T0_MS, endMs: T0_MS + 10 * S, attributes: { 'codeanatomy.stage': 'engine_execute' } });
  const a = mkSpan({ name: 'hamilton.node', traceId: TR, spanId: id(2), parentSpanId: id(1), startMs: T0_MS + 1 * S, endMs: T0_MS + 4 * S, attributes: { 'hamilton.node.name': 'a' } });
  const b = mkSpan({ name: 'hamilton.node', traceId: TR, spanId: id(3), parentSpanId: id(1), startMs: T0_MS + 3 * S, endMs: T0_MS + 7 * S, attributes: { 'hamilton.node.name': 'b' } });
  // A nested stage inside b: its time is `write`'s, not engine_execute's.
  const w = mkSpan({ name: 'delta.write', traceId: TR, spanId: id(4), parentSpanId: id(3), startMs: T0_MS + 5 * S, endMs: T0_MS + 6 * S, attributes: { 'codeanatomy.stage': 'write' } });
  // An orphan trace without any stage attribute: grouped under its root's name.
  const graph = mkSpan({ name: 'hamilton.graph', traceId: TR2, spanId: id(5), startMs: T0_MS, endMs: T0_MS + 2 * S });
  const node = mkSpan({ name: 'hamilton.node', traceId: TR2, spanId: id(6), parentSpanId: id(5), startMs: T0_MS, endMs: T0_MS + 1.5 * S });

  test('a span’s self time subtracts the union of its children, clipped to it', T, () => {
    const spans = [parent, a, b, w];
    const self = selfTimes(spans, childrenIndex(spans));
    assert.equal(nsDurationMs(self.get(parent)!), 4 * S);
    assert.equal(nsDurationMs(self.get(a)!), 3 * S);
    assert.equal(nsDurationMs(self.get(b)!), 3 * S);
    assert.equal(nsDurationMs(self.get(w)!), 1 * S);
  });

  test('a child running past its parent is clipped to the parent', T, () => {
    const p = mkSpan({ name: 'p', traceId: TR, spanId: id(10), startMs: T0_MS, endMs: T0_MS + 2 * S });
    const c = mkSpan({ name: 'c', traceId: TR, spanId: id(11), parentSpanId: id(10), startMs: T0_MS + 1 * S, endMs: T0_MS + 5 * S });
    const self = selfTimes([p, c], childrenIndex([p, c]));
    assert.equal(nsDurationMs(self.get(p)!), 1 * S);
  });

  test('stages by self time: nested stages are not counted twice', T, () => {
    const store = storeWith({ spans: [parent, a, b, w, graph, node] });
    const rows = stageBreakdown(store);
    const byStage = new Map(rows.map((r) => [r.stage, r]));
    // engine_execute: parent's own 4 s, a and b overlapping (counted once), minus the 1 s of
    // the nested `write` stage → 9 s of the 10 s wall time.
    assert.deepEqual(byStage.get('engine_execute'), { stage: 'engine_execute', selfMs: 9 * S, totalMs: 10 * S, spanCount: 3 });
    assert.deepEqual(byStage.get('write'), { stage: 'write', selfMs: 1 * S, totalMs: 1 * S, spanCount: 1 });
    assert.deepEqual(byStage.get('hamilton.graph'), { stage: 'hamilton.graph', selfMs: 2 * S, totalMs: 2 * S, spanCount: 2 });
    assert.deepEqual(rows.map((r) => r.stage), ['engine_execute', 'hamilton.graph', 'write']);
  });

  test('concurrent spans of one stage count once: self time never exceeds wall time', T, () => {
    const p = mkSpan({ name: 'extraction', traceId: TR, spanId: id(30), startMs: T0_MS, endMs: T0_MS + 7 * S, attributes: { 'codeanatomy.stage': 'extraction' } });
    const x = mkSpan({ name: 'extraction.repo_scan', traceId: TR, spanId: id(31), parentSpanId: id(30), startMs: T0_MS, endMs: T0_MS + 3 * S });
    const y = mkSpan({ name: 'extraction.ast_files', traceId: TR, spanId: id(32), parentSpanId: id(30), startMs: T0_MS + 2 * S, endMs: T0_MS + 6 * S });
    // A second worker's orphan trace of the same stage, running at the same time.
    const z = mkSpan({ name: 'extraction', traceId: TR2, spanId: id(33), startMs: T0_MS + 5 * S, endMs: T0_MS + 9 * S, attributes: { 'codeanatomy.stage': 'extraction' } });
    const [row] = stageBreakdown(storeWith({ spans: [p, x, y, z] }));
    assert.deepEqual(row, { stage: 'extraction', selfMs: 9 * S, totalMs: 9 * S, spanCount: 4 });
  });

  test('build.invocation is transparent and heartbeats are left out', T, () => {
    const inv = mkSpan({ name: 'build.invocation', traceId: TR, spanId: id(20), startMs: T0_MS, endMs: T0_MS + 60 * S });
    const child = mkSpan({ name: 'extraction', traceId: TR, spanId: id(21), parentSpanId: id(20), startMs: T0_MS, endMs: T0_MS + 5 * S });
    const hb = mkSpan({ name: 'build.heartbeat', startMs: T0_MS, endMs: T0_MS + 1 });
    const rows = stageBreakdown(storeWith({ spans: [inv, child, hb] }));
    assert.deepEqual(rows, [{ stage: 'extraction', selfMs: 5 * S, totalMs: 5 * S, spanCount: 1 }]);
  });
});

describe('idle gaps', () => {
  test('gaps are found across traces on one axis, ignoring the root and heartbeats', T, () => {
    const spans: Span[] = [
      mkSpan({ name: 'build.invocation', traceId: 'c'.repeat(32), spanId: id(1), startMs: T0_MS, endMs: T0_MS + 40 * S }),
      mkSpan({ name: 'extraction', traceId: TR, spanId: id(2), startMs: T0_MS, endMs: T0_MS + 2 * S }),
      // heartbeat inside the gap: does not cover it
      mkSpan({ name: 'build.heartbeat', traceId: 'd'.repeat(32), spanId: id(3), startMs: T0_MS + 5 * S, endMs: T0_MS + 5 * S + 10 }),
      mkSpan({ name: 'engine_execute', traceId: TR2, spanId: id(4), startMs: T0_MS + 10 * S, endMs: T0_MS + 12 * S }),
      mkSpan({ name: 'datafusion.execute', traceId: TR2, spanId: id(5), startMs: T0_MS + 11 * S, endMs: T0_MS + 20 * S }),
      // 3 s gap: under the threshold
      mkSpan({ name: 'collect_outputs', traceId: TR, spanId: id(6), startMs: T0_MS + 23 * S, endMs: T0_MS + 24 * S }),
    ];
    const gaps = idleGaps(storeWith({ spans }));
    assert.deepEqual(gaps, [{ startedAt: '2026-02-14T10:00:02.000Z', endedAt: '2026-02-14T10:00:10.000Z', gapS: 8 }]);
    assert.equal(idleGaps(storeWith({ spans }), 2).length, 2);
  });
});

describe('slow spans', () => {
  test('longest first, our root left out, ties by start', T, () => {
    const spans = [
      mkSpan({ name: 'build.invocation', startMs: T0_MS, endMs: T0_MS + 100 * S }),
      mkSpan({ name: 'short', startMs: T0_MS, endMs: T0_MS + 1 * S }),
      mkSpan({ name: 'long', startMs: T0_MS + 2 * S, endMs: T0_MS + 9 * S, error: 'boom' }),
      mkSpan({ name: 'tie-late', startMs: T0_MS + 3 * S, endMs: T0_MS + 4 * S }),
    ];
    const out = slowSpans(storeWith({ spans }), 3);
    assert.deepEqual(out.map((s) => s.name), ['long', 'short', 'tie-late']);
    assert.equal(out[0]!.durationMs, 7000);
    assert.equal(out[0]!.status, 'error');
    assert.equal(out[0]!.startedAt, '2026-02-14T10:00:02.000Z');
  });

  test('a span that ends before it starts counts as zero', T, () => {
    const s = mkSpan({ name: 'skewed', startMs: T0_MS + 5 * S, endMs: T0_MS });
    assert.equal(slowSpans(storeWith({ spans: [s] }))[0]!.durationMs, 0);
  });
});

describe('critical path', () => {
  test('walks back through the last-finishing child, then earlier siblings', T, () => {
    const spans = [
      mkSpan({ name: 'root', traceId: TR, spanId: id(1), startMs: T0_MS, endMs: T0_MS + 10 * S }),
      mkSpan({ name: 'A', traceId: TR, spanId: id(2), parentSpanId: id(1), startMs: T0_MS, endMs: T0_MS + 4 * S }),
      mkSpan({ name: 'B', traceId: TR, spanId: id(3), parentSpanId: id(1), startMs: T0_MS + 3 * S, endMs: T0_MS + 9 * S }),
      mkSpan({ name: 'C', traceId: TR, spanId: id(4), parentSpanId: id(1), startMs: T0_MS + 1 * S, endMs: T0_MS + 2 * S }),
      mkSpan({ name: 'other-trace', traceId: TR2, spanId: id(5) }),
    ];
    const path = criticalPath(storeWith({ spans }));
    assert.deepEqual(
      path.map((p) => [p.name, p.selfMs]),
      [['root', 3 * S], ['C', 1 * S], ['B', 6 * S]],
    );
    const total = path.reduce((n, p) => n + p.selfMs, 0);
    assert.equal(total, 10 * S, 'the path covers the root exactly once');
  });

  test('the main trace is the one with the most spans', T, () => {
    const spans = [
      mkSpan({ name: 'x', traceId: TR, spanId: id(1) }),
      mkSpan({ name: 'y', traceId: TR2, spanId: id(2) }),
      mkSpan({ name: 'z', traceId: TR2, spanId: id(3), parentSpanId: id(2) }),
    ];
    assert.equal(mainTraceId(storeWith({ spans })), TR2);
    assert.equal(mainTraceId(storeWith({ spans: spans.slice(0, 2) }), TR), TR, 'ties go to the root trace');
  });

  test('a chain of 100k nested spans does not overflow the stack', { timeout: 60_000 }, () => {
    const N = 100_000;
    const spans: Span[] = [];
    const base = mkSpan({ name: 'n', traceId: TR });
    for (let i = 0; i < N; i++) {
      // Each level starts 1 µs after its parent and ends 1 µs before it.
      spans.push({
        ...base,
        spanId: id(i + 1),
        ...(i > 0 ? { parentSpanId: id(i) } : {}),
        name: `n${i}`,
        startNs: nsAt(T0_MS) + BigInt(i) * 1000n,
        endNs: nsAt(T0_MS) + BigInt(2 * N - i) * 1000n,
      });
    }
    const store = new RunStore();
    store.ingest({ spans, logs: [], metrics: [] });
    const path = criticalPath(store, TR);
    assert.equal(path.length, N);
    assert.equal(path[0]!.name, 'n0');
    assert.equal(path[N - 1]!.name, `n${N - 1}`);
    const totalUs = Math.round(path.reduce((n, p) => n + p.selfMs, 0) * 1000);
    assert.equal(totalUs, 2 * N, 'self times add up to the root duration');
    const stages = stageBreakdown(store);
    assert.equal(stages.length, 1);
    assert.equal(stages[0]!.spanCount, N);
  });
});

describe('time formatting', () => {
  test('ISO from nanoseconds, UTC, millisecond precision, never throws', T, () => {
    assert.equal(isoFromNs(nsAt(T0_MS) + 999_999n), '2026-02-14T10:00:00.000Z');
    assert.equal(isoFromNs(0n), '1970-01-01T00:00:00.000Z');
    assert.doesNotThrow(() => isoFromNs(10n ** 30n));
    assert.doesNotThrow(() => isoFromNs(-(10n ** 30n)));
  });
});
