import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planDiff, pendingTaskNames } from '../../src/core/analysis/plan.js';
import { readinessSection } from '../../src/core/analysis/readiness.js';
import { readinessEvent } from '../../src/core/analysis/datasetCheck.js';
import { PlanDiffSectionSchema, type DatasetState } from '../../src/core/report/schema.js';
import type { RunStore } from '../../src/core/store.js';
import { T0_MS, eventLog, hexId, logLine, mkSpan, spanEvent, storeWith } from './helpers/telemetry.js';

const opts = { timeout: 30000 };

function diff(store: RunStore, o: { finished: boolean; cancelled?: boolean; taskAttributes?: string[] }) {
  const d = planDiff(store, readinessSection(store), o);
  assert.equal(PlanDiffSectionSchema.safeParse(d).success, true, 'section matches the report schema');
  return d;
}

const task = (d: ReturnType<typeof diff>, name: string) => d.tasks.find((t) => t.name === name);

function preflight(dataset: string, status: DatasetState['status']): DatasetState {
  return {
    dataset,
    path: `data/${dataset}`,
    format: 'delta',
    status,
    reason: null,
    source: 'preflight',
    required: true,
    fileCount: null,
    deltaLogFileCount: null,
    checkedAt: new Date(T0_MS - 1000).toISOString(),
  };
}

describe('plan from engine_spec_summary_v1 vs engine_output_v1', () => {
  test('every planned view written; an unplanned one is unexpected', opts, () => {
    const store = storeWith({
      logs: [
        eventLog('engine_spec_summary_v1', { spec_hash: 'h', view_count: 3, view_names: ['a', 'b', 'c'] }),
        eventLog('engine_output_v1', { table_name: 'a', rows_written: 10 }),
        eventLog('engine_output_v1', { table_name: 'b', rows_written: '20' }),
        eventLog('engine_output_v1', { table_name: 'c' }),
        eventLog('engine_output_v1', { table_name: 'extra', rows_written: 1 }),
        eventLog('build.success', { run_id: 'r' }),
      ],
    });
    const d = diff(store, { finished: true });
    assert.equal(d.source, 'engine_spec_summary_v1');
    assert.deepEqual(d.expected, ['a', 'b', 'c']);
    assert.deepEqual(d.executed, ['a', 'b', 'c', 'extra']);
    assert.deepEqual(d.missing, []);
    assert.deepEqual(d.unexpected, ['extra']);
    assert.deepEqual(d.failed, []);
    assert.equal(task(d, 'b')!.rows, 20);
    assert.equal(task(d, 'extra')!.status, 'unexpected');
  });

  test('a view never written is missing/never_started after finish, pending while running', opts, () => {
    const logs = [
      eventLog('engine_spec_summary_v1', { view_names: ['a', 'b'] }),
      eventLog('engine_output_v1', { table_name: 'a' }),
      eventLog('build.success', {}),
    ];
    const done = diff(storeWith({ logs }), { finished: true });
    assert.deepEqual(done.missing, ['b']);
    assert.deepEqual(done.reasons, { b: 'never_started' });
    const live = diff(storeWith({ logs }), { finished: false });
    assert.deepEqual(live.missing, []);
    assert.equal(task(live, 'b')!.status, 'pending');
    assert.deepEqual(live.reasons, {});
    const cancelled = diff(storeWith({ logs }), { finished: true, cancelled: true });
    assert.deepEqual(cancelled.reasons, { b: 'cancelled' });
  });

  test('redacted or truncated view_names', opts, () => {
    const red = diff(storeWith({ logs: [eventLog('engine_spec_summary_v1', { view_names: '[redacted]' }), eventLog('engine_output_v1', { table_name: 'a' })] }), { finished: true });
    assert.equal(red.source, 'none');
    assert.deepEqual(red.expected, []);
    // Without a plan, what ran is executed and nothing is "unexpected".
    assert.deepEqual(red.executed, ['a']);
    assert.deepEqual(red.unexpected, []);
    const cut = diff(storeWith({ logs: [eventLog('engine_spec_summary_v1', { view_names: '["a","b","c' })] }), { finished: false });
    assert.deepEqual(cut.expected, ['a', 'b']);
  });
});

describe('task spans and datafusion_plan_execution_v1', () => {
  test('status, duration, rows, span ref, source location (new and old code.* names)', opts, () => {
    const traceId = hexId(16);
    const okSpan = mkSpan({ name: 'datafusion.execute', traceId, startMs: T0_MS, endMs: T0_MS + 250, attributes: { view_name: 'a', 'code.file.path': 'src/a.py', 'code.line.number': 7 } });
    const badSpan = mkSpan({ name: 'datafusion.execute', traceId, startMs: T0_MS, endMs: T0_MS + 40, error: 'boom', attributes: { view_name: 'b', 'code.filepath': 'src/b.py', 'code.lineno': '12' } });
    const store = storeWith({
      spans: [okSpan, badSpan],
      logs: [
        eventLog('engine_spec_summary_v1', { view_names: ['a', 'b', 'c', 'd'] }),
        eventLog('datafusion_plan_execution_v1', { view_name: 'c', status: 'ok', duration_ms: 33, rows_produced: 5, trace_id: traceId, span_id: 'abcdefabcdefabcd' }),
        eventLog('datafusion_plan_execution_v1', { view_name: 'd', status: 'error', error: 'x' }),
        eventLog('build.failure', { error_type: 'X' }),
      ],
    });
    const d = diff(store, { finished: true });
    assert.deepEqual(d.executed, ['a', 'c']);
    assert.deepEqual(d.failed, ['b', 'd']);
    assert.deepEqual(task(d, 'a'), {
      name: 'a', status: 'done', expected: true, reason: null, blockedBy: [], durationMs: 250, rows: null,
      span: { traceId, spanId: okSpan.spanId }, file: 'src/a.py', line: 7,
    });
    assert.equal(task(d, 'b')!.file, 'src/b.py');
    assert.equal(task(d, 'b')!.line, 12);
    assert.deepEqual(task(d, 'b')!.span, { traceId, spanId: badSpan.spanId });
    assert.equal(task(d, 'c')!.durationMs, 33);
    assert.equal(task(d, 'c')!.rows, 5);
    assert.deepEqual(task(d, 'c')!.span, { traceId, spanId: 'abcdefabcdefabcd' });
  });

  test('planning spans naming a view are not executions', opts, () => {
    const spans = [
      mkSpan({ name: 'datafusion.plan.compile', attributes: { view_name: 'a', plan_kind: 'view' } }),
      mkSpan({ name: 'datafusion.plan.compile', attributes: { view_name: 'b' } }),
      mkSpan({ name: 'datafusion.execute', attributes: { view_name: 'b', plan_kind: 'view' } }),
    ];
    const d = diff(storeWith({ spans, logs: [eventLog('engine_spec_summary_v1', { view_names: ['a', 'b'] })] }), { finished: false });
    assert.deepEqual(d.executed, ['b']);
    assert.equal(task(d, 'a')!.status, 'pending');
  });

  test('the task attribute is configurable', opts, () => {
    const spans = [mkSpan({ name: 'step', attributes: { 'my.task': 't1' } }), mkSpan({ name: 'other', attributes: { view_name: 't2' } })];
    const d = diff(storeWith({ spans }), { finished: true, taskAttributes: ['my.task'] });
    assert.deepEqual(d.executed, ['t1']);
    const def = diff(storeWith({ spans }), { finished: true });
    assert.deepEqual(def.executed, ['t2']);
  });

  test('engine output after an error wins; a later success after an error wins', opts, () => {
    const store = storeWith({
      spans: [
        mkSpan({ name: 'x', startMs: T0_MS, endMs: T0_MS + 10, error: 'retry', attributes: { view_name: 'a' } }),
        mkSpan({ name: 'x', startMs: T0_MS + 20, endMs: T0_MS + 30, attributes: { view_name: 'a' } }),
        mkSpan({ name: 'x', startMs: T0_MS, endMs: T0_MS + 10, error: 'e', attributes: { view_name: 'b' } }),
      ],
      logs: [eventLog('engine_output_v1', { table_name: 'b' }, { atMs: T0_MS + 5 })],
    });
    const d = diff(store, { finished: true });
    assert.deepEqual(d.executed.sort(), ['a', 'b']);
    assert.deepEqual(d.failed, []);
  });
});

describe('blocked by dataset (the stall scenario)', () => {
  const views = ['cst_defs_norm', 'cpg_nodes', 'cpg_symbol_edges'];
  function scenario(extra: { spans?: ReturnType<typeof mkSpan>[]; logs?: ReturnType<typeof eventLog>[] } = {}) {
    return storeWith({
      spans: extra.spans ?? [],
      logs: [
        readinessEvent(preflight('raw_symbols', 'missing_delta_log')),
        readinessEvent(preflight('libcst_files', 'ok')),
        eventLog('engine_spec_summary_v1', { view_names: views }),
        eventLog('datafusion_plan_bundle_v1', { view_name: 'cst_defs_norm', referenced_tables: ['libcst_files'] }),
        eventLog('datafusion_plan_bundle_v1', { view_name: 'cpg_nodes', referenced_tables: '["libcst_files"]' }),
        eventLog('datafusion_plan_bundle_v1', { view_name: 'cpg_symbol_edges', referenced_tables: '["raw_symbols","libcst_files"]' }),
        eventLog('engine_output_v1', { table_name: 'cst_defs_norm' }),
        eventLog('engine_output_v1', { table_name: 'cpg_nodes' }),
        ...(extra.logs ?? []),
      ],
    });
  }

  test('while running the blocked view is `blocked` with its dataset', opts, () => {
    const d = diff(scenario(), { finished: false });
    assert.equal(task(d, 'cpg_symbol_edges')!.status, 'blocked');
    assert.deepEqual(d.blockedBy, { cpg_symbol_edges: ['raw_symbols'] });
    assert.deepEqual(d.reasons, { cpg_symbol_edges: 'blocked_by_dataset' });
    assert.deepEqual(pendingTaskNames(d), ['cpg_symbol_edges']);
    assert.deepEqual(d.missing, []);
  });

  test('after finish it is missing with reason blocked_by_dataset', opts, () => {
    const d = diff(scenario({ logs: [eventLog('build.failure', { error_type: 'DatasetNotReadyError' })] }), { finished: true });
    assert.deepEqual(d.missing, ['cpg_symbol_edges']);
    assert.deepEqual(d.reasons, { cpg_symbol_edges: 'blocked_by_dataset' });
    assert.deepEqual(d.blockedBy, { cpg_symbol_edges: ['raw_symbols'] });
    assert.deepEqual(d.executed, ['cst_defs_norm', 'cpg_nodes']);
  });

  test('a failed attempt on a not-ready input is still reported as blocked, not failed', opts, () => {
    const span = mkSpan({ name: 'datafusion.execute', error: 'dataset not ready', attributes: { view_name: 'cpg_symbol_edges' } });
    const d = diff(scenario({ spans: [span] }), { finished: true });
    assert.deepEqual(d.failed, []);
    assert.deepEqual(d.missing, ['cpg_symbol_edges']);
    assert.equal(d.reasons['cpg_symbol_edges'], 'blocked_by_dataset');
    assert.deepEqual(task(d, 'cpg_symbol_edges')!.span, { traceId: span.traceId, spanId: span.spanId });
  });

  test('a dataset that became ready later no longer blocks', opts, () => {
    const ready = readinessEvent({ ...preflight('raw_symbols', 'ok'), source: 'recheck', checkedAt: new Date(T0_MS + 60_000).toISOString() });
    const d = diff(scenario({ logs: [ready] }), { finished: true });
    assert.deepEqual(d.reasons, { cpg_symbol_edges: 'never_started' });
  });

  test('heartbeat top_blockers name a dataset nobody checked', opts, () => {
    const store = storeWith({
      logs: [
        eventLog('engine_spec_summary_v1', { view_names: ['v'] }),
        eventLog('datafusion_plan_bundle_v1', { view_name: 'v', referenced_tables: ['remote_tbl'] }),
        eventLog('build_heartbeat_v1', { stage: 'engine_execute', top_blockers: '["remote_tbl"]' }),
      ],
    });
    const d = diff(store, { finished: false });
    assert.deepEqual(d.blockedBy, { v: ['remote_tbl'] });
    assert.equal(task(d, 'v')!.status, 'blocked');
  });
});

describe('plan_expected_tasks_v1 (our documented plan event)', () => {
  test('dependencies: upstream_failed and blocked propagation; running hint from a log line', opts, () => {
    const store = storeWith({
      spans: [mkSpan({ name: 'task', error: 'bad', attributes: { 'task.name': 'load' } })],
      logs: [
        readinessEvent(preflight('raw', 'missing_path')),
        eventLog('plan_expected_tasks_v1', {
          tasks: ['load', 'transform', 'report', 'scan', 'index', 'other'],
          dependencies: { transform: ['load'], report: '["transform"]', index: ['scan'] },
          inputs: { scan: ['raw'] },
        }),
        logLine('processing other', { 'task.name': 'other' }),
      ],
    });
    const live = diff(store, { finished: false });
    assert.equal(live.source, 'plan_expected_tasks_v1');
    assert.deepEqual(live.failed, ['load']);
    assert.deepEqual(live.running, ['other']);
    assert.equal(task(live, 'transform')!.reason, 'upstream_failed');
    assert.equal(task(live, 'report')!.reason, 'upstream_failed');
    assert.equal(task(live, 'index')!.status, 'blocked');
    assert.deepEqual(live.blockedBy, { scan: ['raw'], index: ['raw'] });
    const done = diff(store, { finished: true });
    assert.deepEqual(done.missing, ['transform', 'report', 'scan', 'index', 'other']);
    assert.deepEqual(done.reasons, {
      transform: 'upstream_failed',
      report: 'upstream_failed',
      scan: 'blocked_by_dataset',
      index: 'blocked_by_dataset',
      // No dependency info, a task failed and the build never said build.success.
      other: 'upstream_failed',
    });
  });

  test('it is preferred over engine_spec_summary_v1', opts, () => {
    const store = storeWith({ logs: [eventLog('engine_spec_summary_v1', { view_names: ['x'] }), eventLog('plan_expected_tasks_v1', { tasks: ['y'] })] });
    const d = diff(store, { finished: false });
    assert.deepEqual(d.expected, ['y']);
  });
});

describe('plan_execution_diff_v1 is authoritative', () => {
  test('missing/unexpected lists and blocked_datasets', opts, () => {
    const store = storeWith({
      logs: [
        eventLog('engine_spec_summary_v1', { view_names: ['a', 'b', 'c'] }),
        eventLog('engine_output_v1', { table_name: 'b' }),
        eventLog('engine_output_v1', { table_name: 'z' }),
        eventLog('plan_execution_diff_v1', {
          expected_task_count: 3,
          missing_tasks: '["c"]',
          unexpected_tasks: '[]',
          blocked_datasets: '["ds1"]',
          missing_task_fingerprints: '{"c":"f1"}',
        }),
      ],
    });
    const d = diff(store, { finished: true });
    assert.equal(d.source, 'plan_execution_diff_v1');
    assert.deepEqual(d.missing, ['c']);
    assert.deepEqual(d.unexpected, []);
    // `a` has no output we saw, but the build's diff does not call it missing.
    assert.equal(task(d, 'a')!.status, 'done');
    assert.equal(task(d, 'z')!.status, 'done');
    assert.deepEqual(d.reasons, { c: 'blocked_by_dataset' });
    assert.deepEqual(d.blockedBy, { c: ['ds1'] });
  });

  test('without another plan source, expected = executed − unexpected + missing', opts, () => {
    const store = storeWith({
      logs: [
        eventLog('engine_output_v1', { table_name: 'b' }),
        eventLog('engine_output_v1', { table_name: 'z' }),
        eventLog('plan_execution_diff_v1', { missing_tasks: ['c'], unexpected_tasks: ['z'] }),
      ],
    });
    const d = diff(store, { finished: true });
    assert.deepEqual(d.expected, ['c', 'b']);
    assert.deepEqual(d.unexpected, ['z']);
    assert.deepEqual(d.reasons, { c: 'never_started' });
  });
});

describe('Hamilton plan spans', () => {
  test('execution_path on the graph span, node spans by name', opts, () => {
    const traceId = hexId(16);
    const graph = mkSpan({
      name: 'run-123',
      traceId,
      attributes: { graph_version: 'v1', final_vars: '["report"]', execution_path: ['raw', 'clean', 'report'], inputs: [], overrides: [] },
      startMs: T0_MS,
      endMs: T0_MS + 1000,
    });
    const nodes = [
      mkSpan({ name: 'raw', traceId, parentSpanId: graph.spanId, attributes: { node_version: 'a1', type: "<class 'int'>", tags: '{}' } }),
      mkSpan({ name: 'clean', traceId, parentSpanId: graph.spanId, error: 'ValueError', attributes: { node_version: 'b1' } }),
    ];
    const d = diff(storeWith({ spans: [graph, ...nodes] }), { finished: true });
    assert.equal(d.source, 'hamilton');
    assert.deepEqual(d.expected, ['raw', 'clean', 'report']);
    assert.deepEqual(d.executed, ['raw']);
    assert.deepEqual(d.failed, ['clean']);
    assert.deepEqual(d.missing, ['report']);
    assert.deepEqual(d.reasons, { report: 'upstream_failed' });
  });

  test('final_vars when there is no execution_path, as a JSON string; hamilton.node.name attribute', opts, () => {
    const graph = mkSpan({ name: 'run-9', attributes: { final_vars: '["n1","n2"]' } });
    const node = mkSpan({ name: 'whatever', attributes: { 'hamilton.node.name': 'n1' } });
    const d = diff(storeWith({ spans: [graph, node] }), { finished: false });
    assert.deepEqual(d.expected, ['n1', 'n2']);
    assert.deepEqual(d.executed, ['n1']);
    assert.equal(task(d, 'n2')!.status, 'pending');
  });
});

describe('robustness', () => {
  test('span-event copies, missing fields, odd values', opts, () => {
    const span = mkSpan({
      name: 'engine_execute',
      attributes: { 'codeanatomy.stage': 'engine_execute' },
      events: [spanEvent('engine_output_v1', { table_name: 'a', rows_written: 3 }), spanEvent('engine_spec_summary_v1', { view_names: ['a'] })],
    });
    const store = storeWith({
      spans: [span],
      logs: [
        eventLog('engine_output_v1', { table_name: 'a', rows_written: 3 }),
        eventLog('engine_output_v1', {}),
        eventLog('engine_output_v1', { table_name: '[redacted]' }),
        eventLog('datafusion_plan_execution_v1', { status: 'ok' }),
        eventLog('datafusion_plan_bundle_v1', { referenced_tables: 'not json' }),
        eventLog('plan_expected_tasks_v1', { dependencies: 'nonsense' }),
      ],
    });
    const d = diff(store, { finished: true });
    assert.deepEqual(d.expected, ['a']);
    assert.deepEqual(d.executed, ['a']);
    assert.equal(task(d, 'a')!.rows, 3);
  });

  test('empty store', opts, () => {
    const d = diff(storeWith({}), { finished: true });
    assert.deepEqual([d.source, d.expected, d.tasks], ['none', [], []]);
  });
});
