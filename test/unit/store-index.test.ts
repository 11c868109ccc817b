// RunStore's span index (src/core/spanIndex.ts): every stored span is found by its trace and
// span id across table growth, the same span id in other traces stays distinct, duplicates
// are refused, absent ids are not found, and spans over the cap are neither stored nor found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunStore } from '../../src/core/store.js';
import { mkSpan } from './helpers/telemetry.js';

const traceOf = (i: number) => (0xabc000 + i).toString(16).padStart(32, '0');
const spanOf = (i: number) => (0x5000 + i).toString(16).padStart(16, '0');

test('finds every span among 20,000 (several table growths), including one span id shared by 50 traces', () => {
  const store = new RunStore({ maxSpans: 100_000, maxLogs: 10, maxMetricPoints: 10, maxEvents: 10 });
  const spans = [];
  for (let i = 0; i < 20_000; i++) spans.push(mkSpan({ name: `s${i}`, traceId: traceOf(i % 97), spanId: spanOf(i) }));
  for (let t = 0; t < 50; t++) spans.push(mkSpan({ name: `shared${t}`, traceId: traceOf(1000 + t), spanId: 'ffffffffffffffff' }));
  for (let k = 0; k < spans.length; k += 512) store.ingest({ spans: spans.slice(k, k + 512), logs: [], metrics: [] });
  assert.equal(store.spans.length, 20_050);
  for (let i = 0; i < 20_000; i += 7) assert.equal(store.span(traceOf(i % 97), spanOf(i))?.name, `s${i}`);
  for (let t = 0; t < 50; t++) assert.equal(store.span(traceOf(1000 + t), 'ffffffffffffffff')?.name, `shared${t}`);
  assert.equal(store.span(traceOf(2000), 'ffffffffffffffff'), undefined);
  assert.equal(store.span(traceOf(0), spanOf(1)), undefined, 'span 1 is in trace 1, not trace 0');
  assert.equal(store.span(traceOf(1), spanOf(1))?.name, 's1');
});

test('a re-sent span is a duplicate, the same span id in another trace is not', () => {
  const store = new RunStore();
  const a = mkSpan({ name: 'a', traceId: traceOf(1), spanId: spanOf(1) });
  store.ingest({ spans: [a], logs: [], metrics: [] });
  const again = store.ingest({ spans: [{ ...a, name: 'a again' }, mkSpan({ name: 'b', traceId: traceOf(2), spanId: spanOf(1) })], logs: [], metrics: [] });
  assert.deepEqual(again.spans.map((s) => s.name), ['b']);
  assert.equal(store.dropped.duplicateSpans, 1);
  assert.equal(store.span(traceOf(1), spanOf(1))?.name, 'a');
  assert.equal(store.span(traceOf(2), spanOf(1))?.name, 'b');
});

test('spans over the cap are counted as dropped and not indexed', () => {
  const store = new RunStore({ maxSpans: 3, maxLogs: 10, maxMetricPoints: 10, maxEvents: 10 });
  const spans = [0, 1, 2, 3, 4].map((i) => mkSpan({ name: `s${i}`, traceId: traceOf(9), spanId: spanOf(i) }));
  store.ingest({ spans, logs: [], metrics: [] });
  assert.equal(store.spans.length, 3);
  assert.equal(store.dropped.spans, 2);
  assert.equal(store.span(traceOf(9), spanOf(2))?.name, 's2');
  assert.equal(store.span(traceOf(9), spanOf(3)), undefined);
});
