import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  MAX_COLLECTION_ITEMS,
  MAX_JSON_CHARS,
  isEvent,
  isUnparsed,
  mayBeTruncated,
  recognizeLog,
  redactable,
} from '../../src/core/events/index.js';
import { pipelineLog } from '../fixtures/events/pipeline-events.js';

const T = { timeout: 30_000 };

function heartbeat(attrs: Parameters<typeof pipelineLog>[1]) {
  const e = recognizeLog(pipelineLog('build_heartbeat_v1', attrs));
  assert.ok(e && isEvent(e, 'build_heartbeat_v1'), 'heartbeat recognized');
  return e;
}

describe('field decoding quirks', () => {
  test('redactable accepts "[redacted]" in place of the value', T, () => {
    const s = redactable(z.number());
    assert.equal(s.parse('[redacted]'), '[redacted]');
    assert.equal(s.parse(4), 4);
    assert.equal(s.safeParse('4').success, false);
  });

  test('numbers: ints as decimal strings, floats, bigint-sized values, junk dropped', T, () => {
    const e = heartbeat({ bytes_read: '  42 ', bytes_written: -1.5, active_task_count: '', pending_task_count: 'NaN' });
    assert.equal(e.payload.bytes_read, 42);
    assert.equal(e.payload.bytes_written, -1.5);
    assert.equal('active_task_count' in e.payload, false);
    assert.equal('pending_task_count' in e.payload, false);
    assert.equal(e.issues?.length, 2);
  });

  test('booleans: "true"/"false" in any case; other strings dropped', T, () => {
    const ok = recognizeLog(pipelineLog('cli_invocation_v1', { ok: 'TRUE' }));
    assert.ok(ok && isEvent(ok, 'cli_invocation_v1'));
    assert.equal(ok.payload.ok, true);
    const bad = recognizeLog(pipelineLog('cli_invocation_v1', { ok: 'maybe', command: 'build' }));
    assert.ok(bad && isEvent(bad, 'cli_invocation_v1'));
    assert.equal('ok' in bad.payload, false);
    assert.equal(bad.payload.command, 'build');
    assert.match(bad.issues?.[0] ?? '', /^ok: /);
  });

  test('lists: native arrays, JSON strings, mixed items stringified, "[redacted]" kept', T, () => {
    const e = heartbeat({ top_blockers: ['a', 2, true] });
    assert.deepEqual(e.payload.top_blockers, ['a', '2', 'true']);
    const j = heartbeat({ top_blockers: '["a", {"x": 1}, null]' });
    // null items are dropped (the pipeline drops None too), objects become compact JSON.
    assert.deepEqual(j.payload.top_blockers, ['a', '{"x":1}']);
    const r = heartbeat({ top_blockers: '[redacted]' });
    assert.equal(r.payload.top_blockers, '[redacted]');
    assert.equal(isUnparsed(r.payload.top_blockers), false);
    assert.equal(r.issues, undefined);
  });

  test('a JSON string of the wrong shape is kept raw and noted', T, () => {
    const e = heartbeat({ top_blockers: '{"a": 1}', dataset_rows: '[1,2]' });
    assert.equal(e.payload.top_blockers, '{"a": 1}');
    assert.equal(e.payload.dataset_rows, '[1,2]');
    assert.ok(isUnparsed(e.payload.top_blockers));
    assert.equal(e.issues?.length, 2);
  });

  test('map values that are not numbers are dropped, the rest kept', T, () => {
    const e = heartbeat({ dataset_rows: '{"a": "12", "b": "n/a", "c": 3, "__proto__": {"polluted": 1}}' });
    assert.deepEqual(e.payload.dataset_rows, { a: 12, c: 3 });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf(e.payload.dataset_rows), Object.prototype);
  });

  test('bytes arrive as hex; OTLP bytes values are hex-encoded too', T, () => {
    const e = recognizeLog(pipelineLog('engine_output_v1', { delta_location: new Uint8Array([0, 15, 255]) }));
    assert.ok(e && isEvent(e, 'engine_output_v1'));
    assert.equal(e.payload.delta_location, '000fff');
  });

  test('epoch nanoseconds stay exact as bigint', T, () => {
    const e = recognizeLog(pipelineLog('plan_execution_diff_v1', { timestamp_ns: 1760000009123456789 }));
    assert.ok(e && isEvent(e, 'plan_execution_diff_v1'));
    // An unsafe JS number cannot be exact: it is not trusted and is dropped with a note.
    assert.equal('timestamp_ns' in e.payload, false);
    const s = recognizeLog(pipelineLog('plan_execution_diff_v1', { timestamp_ns: '1760000009123456789' }));
    assert.ok(s && isEvent(s, 'plan_execution_diff_v1'));
    assert.equal(s.payload.timestamp_ns, 1760000009123456789n);
  });

  test('a list of exactly the pipeline truncation length is flagged as maybe truncated', T, () => {
    const names = Array.from({ length: 50 }, (_, i) => `v${i}`);
    const e = recognizeLog(pipelineLog('engine_spec_summary_v1', { view_names: JSON.stringify(names), view_count: 120 }));
    assert.ok(e && isEvent(e, 'engine_spec_summary_v1'));
    assert.equal(mayBeTruncated(e.payload.view_names), true);
    assert.equal(mayBeTruncated(names.slice(1)), false);
  });

  test('oversized input is bounded', T, () => {
    const huge = JSON.stringify(Array.from({ length: MAX_COLLECTION_ITEMS + 5 }, (_, i) => i));
    const e = heartbeat({ top_blockers: huge });
    assert.ok(Array.isArray(e.payload.top_blockers));
    assert.equal(e.payload.top_blockers.length, MAX_COLLECTION_ITEMS);
    const tooLong = '["' + 'x'.repeat(MAX_JSON_CHARS) + '"]';
    const t = heartbeat({ top_blockers: tooLong });
    assert.equal(t.payload.top_blockers, tooLong, 'kept raw, not parsed');
  });
});
