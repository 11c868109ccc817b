import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { problemsSection } from '../../src/core/analysis/problems.js';
import type { ReadinessSection, Stall } from '../../src/core/report/schema.js';
import type { RunStore } from '../../src/core/store.js';
import { T0_MS, eventLog, logLine, mkSpan, nsAt, runInfo, stderrLines, storeWith } from './helpers/telemetry.js';

const T = { timeout: 30_000 };
const ROOT = '/work/repo';
const TB = readFileSync(join(__dirname, '../fixtures/tracebacks/python-chained.txt'), 'utf8').trimEnd();
const TR = '1'.repeat(32);

function problems(store: RunStore, over: Partial<Parameters<typeof problemsSection>[1]> = {}) {
  return problemsSection(store, { workspaceRoot: ROOT, run: runInfo({ cwd: ROOT }), ...over });
}

function exceptionEvent(atMs: number, stacktrace = TB) {
  return {
    timeNs: nsAt(atMs),
    name: 'exception',
    attributes: {
      'exception.type': 'codeanatomy.errors.ExtractionError',
      'exception.message': 'repo scan failed',
      'exception.stacktrace': stacktrace.split('\n').slice(1).join('\n'),
      'exception.escaped': 'True',
    },
  };
}

describe('one failure, several signals → one problem', () => {
  test('traceback + exception events on nested spans + build.failure + cli_invocation_v1', T, () => {
    const stage = mkSpan({
      name: 'extraction', traceId: TR, spanId: '0000000000000002', parentSpanId: '0000000000000001',
      startMs: T0_MS, endMs: T0_MS + 2000, error: 'ExtractionError: repo scan failed',
      attributes: { 'codeanatomy.stage': 'extraction' }, events: [exceptionEvent(T0_MS + 1990)],
    });
    // The exception propagates: the parent records it again.
    const orchestrator = mkSpan({
      name: 'build_orchestrator', traceId: TR, spanId: '0000000000000001',
      startMs: T0_MS, endMs: T0_MS + 2100, error: 'ExtractionError: repo scan failed', events: [exceptionEvent(T0_MS + 2050)],
    });
    const failure = { run_id: 'r', error_type: 'ExtractionError', error: 'repo scan failed' };
    const cli = { command: 'build', ok: false, exit_code: 10, error_class: 'ExtractionError', error_stage: 'execution' };
    const store = storeWith({
      spans: [stage, orchestrator],
      logs: [
        ...stderrLines(TB, T0_MS + 2200),
        eventLog('build.failure', failure, { atMs: T0_MS + 2060, traceId: TR, spanId: '0000000000000001' }),
        eventLog('cli_invocation_v1', cli, { atMs: T0_MS + 2300 }),
      ],
    });
    const out = problems(store, { run: runInfo({ cwd: ROOT, outcome: 'failure', errorType: 'ExtractionError', reportedExitCode: 10 }) });
    assert.equal(out.length, 1, JSON.stringify(out, null, 2));
    const p = out[0]!;
    assert.equal(p.severity, 'error');
    assert.equal(p.message, 'codeanatomy.errors.ExtractionError: repo scan failed');
    assert.equal(p.source, 'traceback');
    assert.deepEqual(p.sources, ['build.failure', 'cli_invocation_v1', 'exception_event', 'traceback']);
    assert.equal(p.file, 'src/codeanatomy/pipeline/build.py');
    assert.equal(p.line, 230);
    assert.equal(p.column, null);
    // Outer workspace frames of the last exception, then those of its cause; never
    // site-packages or the stdlib.
    assert.deepEqual(p.related.map((r) => `${r.file}:${r.line}`), ['src/codeanatomy/cli/main.py:12', 'src/codeanatomy/extract/scan.py:41']);
    assert.match(p.related[1]!.message, /while handling KeyError/);
    assert.deepEqual(p.span, { traceId: TR, spanId: '0000000000000002' }, 'the innermost span that recorded it');
  });

  test('an exception event alone gives the location from its stacktrace', T, () => {
    const s = mkSpan({ name: 'extraction', error: 'x', events: [exceptionEvent(T0_MS)] });
    const [p] = problems(storeWith({ spans: [s] }));
    assert.equal(p!.source, 'exception_event');
    assert.equal(p!.file, 'src/codeanatomy/pipeline/build.py');
    assert.equal(p!.line, 230);
  });

  test('cli_invocation_v1 alone is its own problem', T, () => {
    const store = storeWith({ logs: [eventLog('cli_invocation_v1', { command: 'build', ok: false, exit_code: 3, error_class: 'ValidationError', error_stage: 'validation' })] });
    const out = problems(store);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.message, 'command build failed at stage validation with ValidationError (reported exit code 3)');
    assert.equal(out[0]!.file, null);
  });
});

describe('locations', () => {
  test('a traceback entirely outside the workspace has no location', T, () => {
    const text = ['Traceback (most recent call last):', '  File "/usr/lib/python3.12/json/decoder.py", line 355, in raw_decode', 'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)'].join('\n');
    const [p] = problems(storeWith({ logs: stderrLines(text) }));
    assert.equal(p!.file, null);
    assert.equal(p!.line, null);
    assert.equal(p!.message, 'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)');
  });

  test('Node stacks on stderr give file, line and column', T, () => {
    const text = ['Error: view cpg_edges failed', '    at runView (/work/repo/examples/pipeline.mjs:44:11)', '    at main (/work/repo/examples/main.mjs:10:3)'].join('\n');
    const [p] = problems(storeWith({ logs: stderrLines(text) }));
    assert.deepEqual([p!.source, p!.file, p!.line, p!.column], ['stack', 'examples/pipeline.mjs', 44, 11]);
    assert.deepEqual(p!.related.map((r) => r.file), ['examples/main.mjs']);
  });

  test('failed spans with code.* attributes, current and deprecated names', T, () => {
    const a = mkSpan({ name: 'task.a', startMs: T0_MS, error: 'boom', attributes: { 'code.file.path': '/work/repo/tasks/a.py', 'code.line.number': 7, 'code.column.number': 3 } });
    const b = mkSpan({ name: 'task.b', startMs: T0_MS + 1, error: 'other', attributes: { 'code.filepath': 'tasks/b.py', 'code.lineno': '9' } });
    const out = problems(storeWith({ spans: [a, b] }));
    assert.deepEqual(out.map((p) => [p.source, p.file, p.line, p.column]), [
      ['span_status', 'tasks/a.py', 7, 3],
      ['span_status', 'tasks/b.py', 9, null],
    ]);
  });
});

describe('severities and other sources', () => {
  const readiness: ReadinessSection = {
    total: 2,
    issues: [{ dataset: 'ast_files', path: '/data/ast', format: 'delta', status: 'missing_delta_log', reason: 'delta_log_missing', source: 'preflight', required: false, fileCount: 0, deltaLogFileCount: null, checkedAt: '2026-02-14T10:00:01.000Z' }],
    issueCounts: { missing_delta_log: 1 },
    datasets: [],
  };
  const stall: Stall = {
    id: 'm-1', startedAt: '2026-02-14T10:00:30.000Z', endedAt: null, gapS: 31.2, source: 'monitor', lastProgressAt: null,
    activeTaskCount: null, pendingTaskCount: 1, active: ['engine_execute'], pendingTasks: ['cpg_edges'], blockers: ['ast_files'], cpuBusy: false,
  };

  test('readiness and stalls are warnings; a handled exception is a warning; errors sort first', T, () => {
    const handled = mkSpan({ name: 'retry', startMs: T0_MS + 5000, events: [{ timeNs: nsAt(T0_MS + 5000), name: 'exception', attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'retrying' } }] });
    const failed = mkSpan({ name: 'write', startMs: T0_MS + 9000, error: 'OSError: disk full', attributes: { 'code.filepath': 'w.py', 'code.lineno': 1 } });
    const out = problems(storeWith({ spans: [handled, failed] }), { readiness, stalls: [stall], blockedBy: { cpg_edges: ['ast_files'] } });
    assert.deepEqual(out.map((p) => [p.severity, p.source]), [
      ['error', 'span_status'],
      ['warning', 'readiness'],
      ['warning', 'exception_event'],
      ['warning', 'stall'],
    ]);
    assert.equal(out[1]!.message, 'dataset ast_files is not ready: missing_delta_log (delta_log_missing) at /data/ast; blocks cpg_edges');
    assert.match(out[3]!.message, /no progress for 31\.2 s .*blocked by ast_files; process idle/);
  });

  test('a required dataset that is not ready is an error', T, () => {
    const req = { ...readiness, issues: [{ ...readiness.issues[0]!, required: true }] };
    assert.equal(problems(storeWith({}), { readiness: req })[0]!.severity, 'error');
  });

  test('diagnostic.severity events, extractor failures and diagnostics_report issues', T, () => {
    const store = storeWith({
      logs: [
        eventLog('scan_unit_pruning_v1', { dataset: 'cst', total_files: 3, 'diagnostic.severity': 'warn', 'diagnostic.category': 'scan_pruning' }),
        eventLog('scan_unit_pruning_v1', { dataset: 'ok', 'diagnostic.severity': 'info' }),
        logLine('WARNING codeanatomy.extract: Extractor scip_index failed: scip not installed', {}, T0_MS + 1, 13),
      ],
    });
    const out = problems(store, { diagnosticsReport: { issues: [{ severity: 'error', check: 'delta_protocol', detail: 'reader v3 required' }, 'junk'] } });
    assert.deepEqual(out.map((p) => [p.severity, p.source, p.message]), [
      ['error', 'diagnostics_report', 'delta_protocol: reader v3 required'],
      ['warning', 'scan_unit_pruning_v1', 'scan_pruning cst (scan_unit_pruning_v1)'],
      ['warning', 'log', 'extractor scip_index failed: scip not installed'],
    ]);
  });

  test('a failed run with no error signal still gets a problem; a clean run gets none', T, () => {
    const failed = problems(storeWith({}), { run: runInfo({ outcome: 'failure', exitCode: 1, errorType: 'exit_code_1' }) });
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.source, 'run');
    assert.match(failed[0]!.message, /exit code 1/);
    assert.deepEqual(problems(storeWith({ logs: [logLine('INFO all good')] })), []);
  });

  test('hostile input never throws', T, () => {
    const weird = mkSpan({ name: '<script>', error: '', events: [{ timeNs: 0n, name: 'exception', attributes: { 'exception.stacktrace': 'Traceback (most recent call last):\n' + '  File "'.repeat(5000) } }] });
    assert.doesNotThrow(() => problems(storeWith({ spans: [weird], logs: stderrLines('Traceback (most recent call last):\n\u0000\n    at (x:1:1)') })));
  });
});

describe('status descriptions that name only the exception class', () => {
  test('join the one problem of that type', T, () => {
    const inner = mkSpan({ name: 'datafusion.execute', startMs: T0_MS, error: 'x', events: [exceptionEvent(T0_MS)] });
    const stage = mkSpan({ name: 'engine_execute', startMs: T0_MS, endMs: T0_MS + 5000, error: 'ExtractionError', attributes: { 'code.filepath': 'src/codeanatomy/pipeline/stage.py', 'code.lineno': 3 } });
    const out = problems(storeWith({ spans: [inner, stage] }));
    assert.equal(out.length, 1, JSON.stringify(out));
    assert.deepEqual(out[0]!.sources, ['exception_event', 'span_status']);
    assert.equal(out[0]!.file, 'src/codeanatomy/pipeline/build.py', 'the traceback location wins over the span attribute');
  });
});

describe('dataset signals', () => {
  test('the build’s delta_log_health_v1 diagnostic joins the readiness problem of that dataset', T, () => {
    const readiness: ReadinessSection = {
      total: 1,
      issues: [{ dataset: 'raw_symbols', path: '/d', format: 'delta', status: 'missing_delta_log', reason: 'delta_log_missing', source: 'telemetry', required: null, fileCount: null, deltaLogFileCount: 0, checkedAt: '2026-02-14T10:00:01.000Z' }],
      issueCounts: { missing_delta_log: 1 },
      datasets: [],
    };
    const store = storeWith({ logs: [eventLog('delta_log_health_v1', { dataset: 'raw_symbols', delta_log_present: false, delta_log_reason: 'delta_log_missing', 'diagnostic.severity': 'error', 'diagnostic.category': 'delta_protocol' })] });
    const out = problems(store, { readiness });
    assert.equal(out.length, 1, JSON.stringify(out));
    assert.equal(out[0]!.source, 'readiness');
    assert.equal(out[0]!.severity, 'error', 'the build called it an error');
    assert.deepEqual(out[0]!.sources, ['delta_log_health_v1', 'readiness']);
  });
});
