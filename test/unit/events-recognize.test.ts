import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KNOWN_EVENT_NAMES,
  isEvent,
  recognizeLog,
  recognizeSpanEvents,
  type RecognizedEvent,
} from '../../src/core/events/index.js';
import type { LogRecord } from '../../src/core/model.js';
import { FIXTURES, RUN_ID, SPAN_ID, TRACE_ID, pipelineLog, stageSpan } from '../fixtures/events/pipeline-events.js';

const T = { timeout: 30_000 };

// The event list of codeanatomy-telemetry.md §3, plus the stage span events and our own.
const SPEC_EVENTS = [
  'build.start', 'build.phase.start', 'build.phase.end', 'build.success', 'build.failure',
  'engine_spec_summary_v1', 'engine_execution_summary_v1', 'engine_output_v1', 'build_heartbeat_v1',
  'build_stall_v1', 'dataset_readiness_v1', 'delta_log_health_v1', 'datafusion_plan_execution_v1',
  'datafusion_plan_phase_v1', 'datafusion_plan_bundle_v1', 'dataset_provider_mode_v1',
  'scan_unit_pruning_v1', 'plan_execution_diff_v1', 'cli_invocation_v1', 'otel_config_snapshot_v1',
  'stage.start', 'stage.end', 'plan_expected_tasks_v1',
];

function known(e: RecognizedEvent | undefined): RecognizedEvent & { known: true } {
  assert.ok(e, 'expected an event');
  assert.equal(e.known, true, `expected a known event, got issues ${JSON.stringify(e.issues)}`);
  return e as RecognizedEvent & { known: true };
}

describe('recognized events: one fixture per event', () => {
  test('every event of the spec has a schema and a fixture', T, () => {
    assert.deepEqual([...KNOWN_EVENT_NAMES].sort(), [...SPEC_EVENTS].sort());
    assert.deepEqual(FIXTURES.map((f) => f.name).sort(), [...SPEC_EVENTS].sort());
  });

  for (const f of FIXTURES) {
    test(`${f.name} decodes as the pipeline sends it`, T, () => {
      const log = pipelineLog(f.name, f.attributes, f.kind);
      const e = known(recognizeLog(log));
      assert.equal(e.name, f.name);
      assert.equal(e.origin, 'log');
      assert.equal(e.timeNs, log.timeNs);
      assert.equal(e.traceId, TRACE_ID);
      assert.equal(e.spanId, SPAN_ID);
      assert.equal(e.serviceName, 'codeanatomy');
      assert.equal(e.eventKind, f.kind ?? 'event');
      assert.equal(e.attributes, log.attributes, 'raw attributes are passed through as is');
      const payload = e.payload as Record<string, unknown>;
      for (const [k, v] of Object.entries(f.expected)) assert.deepStrictEqual(payload[k], v, `field ${k}`);
      for (const k of f.absent ?? []) assert.equal(k in payload, false, `field ${k} should be absent`);
      // Unknown extra attributes are kept.
      assert.equal(payload['codeanatomy.run_id'], RUN_ID);
      const issues = e.issues ?? [];
      assert.equal(issues.length, (f.issues ?? []).length, `issues: ${JSON.stringify(issues)}`);
      for (const re of f.issues ?? []) assert.ok(issues.some((i) => re.test(i)), `no issue matching ${re}`);
    });
  }
});

describe('typed access', () => {
  test('isEvent narrows to the typed payload', T, () => {
    const e = recognizeLog(pipelineLog('engine_output_v1', { table_name: 'cpg_nodes', rows_written: '12' }));
    assert.ok(e);
    assert.equal(isEvent(e, 'engine_spec_summary_v1'), false);
    assert.ok(isEvent(e, 'engine_output_v1'));
    // Compile-time check as much as a runtime one: these are the declared types.
    const rows: number | '[redacted]' | undefined = e.payload.rows_written;
    const table: string | undefined = e.payload.table_name;
    assert.equal(rows, 12);
    assert.equal(table, 'cpg_nodes');
  });

  test('an empty payload is still recognized (every field optional)', T, () => {
    for (const name of KNOWN_EVENT_NAMES) {
      const e = known(recognizeLog(pipelineLog(name, {})));
      assert.equal(e.name, name);
      assert.equal(e.issues, undefined);
    }
  });

  test('a field of the wrong type is dropped with a note; the event stays known', T, () => {
    const log = pipelineLog('engine_output_v1', { table_name: 'cpg_edges', rows_written: 'lots', partition_count: [1, 2] });
    const e = known(recognizeLog(log));
    assert.ok(isEvent(e, 'engine_output_v1'));
    assert.equal(e.payload.table_name, 'cpg_edges');
    assert.equal('rows_written' in e.payload, false);
    assert.equal('partition_count' in e.payload, false);
    assert.deepEqual(e.issues, [
      'rows_written: unexpected string "lots", field dropped',
      'partition_count: unexpected list, field dropped',
    ]);
    assert.equal(e.attributes['rows_written'], 'lots', 'raw value still available');
  });

  test('a kvlist body is merged into the payload, attributes winning', T, () => {
    const log: LogRecord = {
      ...pipelineLog('engine_output_v1', { rows_written: 7 }),
      body: { table_name: 'from_body', rows_written: 1, delta_location: '/b' },
    };
    const e = recognizeLog(log);
    assert.ok(e && isEvent(e, 'engine_output_v1'));
    assert.equal(e.payload.table_name, 'from_body');
    assert.equal(e.payload.rows_written, 7);
    assert.equal(e.payload.delta_location, '/b');
  });
});

describe('where the event name comes from', () => {
  const base = pipelineLog('x', {});
  const bare: LogRecord = { ...base, body: 'hello', attributes: { view_names: '["a"]' } };
  delete bare.eventName;

  test('a record without any event name is not an event', T, () => {
    assert.equal(recognizeLog(bare), undefined);
    assert.equal(recognizeLog({ ...bare, body: null }), undefined);
    assert.equal(recognizeLog({ ...bare, eventName: '' }), undefined);
  });

  test('by the event.name attribute only', T, () => {
    const e = recognizeLog({ ...bare, attributes: { ...bare.attributes, 'event.name': 'engine_spec_summary_v1' } });
    assert.ok(e && isEvent(e, 'engine_spec_summary_v1'));
    assert.deepEqual(e.payload.view_names, ['a']);
  });

  test('by the body only, when it equals a known name', T, () => {
    const e = recognizeLog({ ...bare, body: 'engine_spec_summary_v1' });
    assert.ok(e && isEvent(e, 'engine_spec_summary_v1'));
    assert.deepEqual(e.payload.view_names, ['a']);
  });

  test('eventName wins over the attribute when both are known', T, () => {
    const e = recognizeLog({ ...bare, eventName: 'build.start', attributes: { 'event.name': 'build.success' } });
    assert.equal(e?.name, 'build.start');
  });

  test('a known attribute wins over an unknown eventName', T, () => {
    const e = recognizeLog({ ...bare, eventName: 'my.custom', attributes: { 'event.name': 'build.success' } });
    assert.equal(e?.name, 'build.success');
    assert.equal(e?.known, true);
  });

  test('an unknown event name gives a generic event with raw attributes', T, () => {
    const log = pipelineLog('custom_progress_v3', { done: '5', items: '["a"]' });
    const e = recognizeLog(log);
    assert.ok(e);
    assert.equal(e.known, false);
    assert.equal(e.name, 'custom_progress_v3');
    assert.equal(e.payload['done'], '5');
    assert.equal(e.payload['items'], '["a"]');
    assert.equal(e.traceId, TRACE_ID);
    const byAttr = recognizeLog({ ...bare, attributes: { 'event.name': 'other.thing' } });
    assert.equal(byAttr?.known, false);
    assert.equal(byAttr?.name, 'other.thing');
  });

  test('a body that is an unknown string does not make an event', T, () => {
    assert.equal(recognizeLog({ ...bare, body: 'custom_progress_v3' }), undefined);
  });

  test('a zero event time falls back to the observed time', T, () => {
    const e = recognizeLog({ ...pipelineLog('build.start', {}), timeNs: 0n });
    assert.equal(e?.timeNs, 1_760_000_000_200_000_000n);
  });
});

describe('span events', () => {
  test('stage events, copies of log events, and unknown named events; plain events skipped', T, () => {
    const span = stageSpan([
      { timeNs: 1n, name: 'stage.start', attributes: { 'codeanatomy.stage': 'extraction' } },
      { timeNs: 2n, name: 'exception', attributes: { 'exception.type': 'ValueError', 'exception.message': 'x' } },
      { timeNs: 3n, name: 'engine_output_v1', attributes: { 'event.name': 'engine_output_v1', table_name: 'cpg_nodes', rows_written: '10' } },
      { timeNs: 4n, name: 'something', attributes: { 'event.name': 'dataset_readiness_v1', status: 'ok', path_exists: 'true' } },
      { timeNs: 5n, name: 'annotation', attributes: { 'event.name': 'my_custom_v1', n: 1 } },
      { timeNs: 6n, name: 'stage.end', attributes: { stage: 'fallback', 'codeanatomy.stage': 'extraction', status: 'ok' } },
    ]);
    const events = recognizeSpanEvents(span);
    assert.deepEqual(
      events.map((e) => [e.name, e.known, e.timeNs]),
      [
        ['stage.start', true, 1n],
        ['engine_output_v1', true, 3n],
        ['dataset_readiness_v1', true, 4n],
        ['my_custom_v1', false, 5n],
        ['stage.end', true, 6n],
      ],
    );
    for (const e of events) {
      assert.equal(e.origin, 'spanEvent');
      assert.equal(e.traceId, TRACE_ID);
      assert.equal(e.spanId, SPAN_ID);
      assert.equal(e.serviceName, 'codeanatomy');
    }
    const [start, output, readiness, , end] = events;
    assert.ok(start && isEvent(start, 'stage.start'));
    assert.equal(start.payload.stage, 'extraction');
    assert.ok(output && isEvent(output, 'engine_output_v1'));
    assert.equal(output.payload.rows_written, 10);
    assert.ok(readiness && isEvent(readiness, 'dataset_readiness_v1'));
    assert.equal(readiness.payload.path_exists, true);
    assert.ok(end && isEvent(end, 'stage.end'));
    assert.equal(end.payload.stage, 'extraction', 'codeanatomy.stage wins over stage');
  });

  test('a span without events yields none', T, () => {
    assert.deepEqual(recognizeSpanEvents(stageSpan([])), []);
  });
});
