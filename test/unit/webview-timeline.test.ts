// The timeline's pure parts: the compressed time axis and the lane layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimeAxis } from '../../webview-ui/src/timeline/axis.js';
import { firstVisible, layoutSpans } from '../../webview-ui/src/timeline/layout.js';
import type { SnapSpan } from '../../src/protocol/schema.js';

function span(i: number, startMs: number, endMs: number, stage = 's'): SnapSpan {
  return { traceId: 't'.repeat(32), spanId: i.toString(16).padStart(16, '0'), parentSpanId: null, name: `n${i}`, startMs, endMs, status: 'unset', statusMessage: null, stage, service: '', attributes: {}, events: [] };
}

test('a long idle gap is compressed to its fixed width, the rest keeps scale', () => {
  const axis = new TimeAxis(0, 1000, [{ startMs: 100, endMs: 900 }], () => 10);
  assert.equal(axis.total, 210);
  assert.equal(axis.toAxis(50), 50);
  assert.equal(axis.toAxis(100), 100);
  assert.equal(axis.toAxis(900), 110);
  assert.equal(axis.toAxis(1000), 210);
  assert.equal(axis.toReal(105), 500);
  assert.deepEqual(axis.gaps.map((g) => [g.c0, g.c1]), [[100, 110]]);
});

test('overlapping and out-of-range gaps are merged and clipped', () => {
  const axis = new TimeAxis(0, 100, [{ startMs: 10, endMs: 30 }, { startMs: 20, endMs: 40 }, { startMs: 90, endMs: 500 }], () => 1);
  assert.equal(axis.gaps.length, 2);
  assert.deepEqual([axis.gaps[0]!.startMs, axis.gaps[0]!.endMs], [10, 40]);
  assert.equal(axis.gaps[1]!.endMs, 100);
});

test('the axis is monotonic and round-trips', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 3000 })), { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 2, maxLength: 20 }), (gaps, ts) => {
      const axis = new TimeAxis(0, 10_000, gaps.map(([s, d]) => ({ startMs: s, endMs: s + d })), (d) => Math.min(d, 50));
      const sorted = [...ts].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++) assert.ok(axis.toAxis(sorted[i]!) >= axis.toAxis(sorted[i - 1]!));
      for (const t of ts) {
        const inGap = axis.gaps.some((g) => t > g.startMs && t < g.endMs);
        if (!inGap) assert.ok(Math.abs(axis.toReal(axis.toAxis(t)) - t) < 1e-6);
      }
    }),
  );
});

test('lanes never hold overlapping spans and every span gets a row', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 200 }), fc.constantFrom('a', 'b', 'c')), { maxLength: 200 }), (raw) => {
      const spans = raw.map(([s, d, st], i) => span(i, s, s + d, st));
      const layout = layoutSpans(spans);
      for (let i = 0; i < spans.length; i++) assert.ok(layout.rowOfSpan[i]! >= 0);
      for (const row of layout.rows) {
        if (row.kind !== 'lane') continue;
        for (let k = 1; k < row.spans.length; k++) {
          const prev = spans[row.spans[k - 1]!]!;
          const cur = spans[row.spans[k]!]!;
          assert.ok(prev.endMs <= cur.startMs, 'disjoint and ordered');
          assert.equal(prev.stage, cur.stage);
        }
      }
      // Group rows: one per stage.
      assert.equal(layout.rows.filter((r) => r.kind === 'group').length, new Set(spans.map((s) => s.stage)).size);
    }),
  );
});

test('a parent lands above its children; firstVisible finds the window start', () => {
  const spans = [span(0, 0, 100), span(1, 0, 40), span(2, 50, 90), span(3, 95, 99)];
  const layout = layoutSpans(spans);
  assert.ok(layout.rowOfSpan[0]! < layout.rowOfSpan[1]!);
  assert.equal(layout.rowOfSpan[1], layout.rowOfSpan[2]);
  const lane = layout.rows[layout.rowOfSpan[1]!]!.spans;
  assert.equal(firstVisible(spans, lane, 45), 1);
  assert.equal(firstVisible(spans, lane, 0), 0);
  assert.equal(firstVisible(spans, lane, 1000), lane.length);
});
