// Parsing the pipeline's own files (docs/artifacts.md): otel_*.json in the pipeline's shape
// (spans without parent ids, kind, scope or resource) and as standard OTLP/JSON,
// diagnostics_report.json → Problems, run_diagnostics_report.json → the build's figures,
// and the "build says / we measured" comparison. Nothing here may throw on odd input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import {
  ARTIFACT_PATH_KEY,
  CODEANATOMY_ARTIFACT_GLOBS,
  RECEIVED_VIA_KEY,
  artifactKind,
  buildSaysRows,
  compareBuildSays,
  normalizeHexId,
  parseDiagnosticsReport,
  parsePipelineOtelFile,
  parseRunDiagnosticsReport,
  pipelineOtelToOtlp,
  toUnixNanos,
} from '../../src/core/artifacts/index.js';
import { spansToOtlp } from '../../src/core/otlp/index.js';
import { buildReport } from '../../src/core/report/build.js';
import { RunStore } from '../../src/core/store.js';
import { ProblemSchema } from '../../src/core/report/schema.js';
import { runInfo } from './helpers/telemetry.js';

const DIR = resolve('test/fixtures/artifacts/codeanatomy');
const RUN = join(DIR, 'run_bundle/0195f3a2-7c1e-7d2a-9b1f-3c4d5e6f7a8b');
const read = (p: string): string => readFileSync(p, 'utf8');

describe('pipeline otel_*.json', () => {
  test('spans in the pipeline shape become normalized spans', () => {
    const batch = parsePipelineOtelFile(read(join(RUN, 'otel_traces.json')), 'traces', { defaultResource: { 'service.name': 'codeanatomy' }, label: 'artifacts/x/otel_traces.json' });
    assert.equal(batch.spans.length, 5);
    const ext = batch.spans.find((s) => s.name === 'extraction')!;
    assert.equal(ext.traceId, '0a1b2c3d4e5f60718293a4b5c6d7e8f9');
    assert.equal(ext.spanId, '1111111111111111');
    assert.equal(ext.parentSpanId, undefined);
    assert.equal(ext.kind, 0);
    assert.equal(ext.startNs, 1770714000000000000n);
    assert.equal(ext.endNs, 1770714012500000000n);
    assert.equal(ext.attributes['codeanatomy.stage'], 'extraction');
    assert.equal(ext.attributes['duration_s'], 12.5);
    assert.equal(ext.attributes['codeanatomy.slow'], true);
    assert.deepStrictEqual(ext.status, { code: 1 });
    assert.deepStrictEqual(ext.events.map((e) => e.name), ['stage.start', 'stage.end']);
    assert.equal(ext.scope.name, 'codeanatomy');
    assert.equal(ext.resource.attributes['service.name'], 'codeanatomy');
    assert.equal(ext.resource.attributes[RECEIVED_VIA_KEY], 'artifact');
    assert.equal(ext.resource.attributes[ARTIFACT_PATH_KEY], 'artifacts/x/otel_traces.json');
    const failed = batch.spans.find((s) => s.name === 'engine_execute')!;
    assert.deepStrictEqual(failed.status, { code: 2, message: 'DataFusionError: table cst_refs has no delta log' });
    assert.equal(failed.events[0]!.attributes['exception.type'], 'DataFusionError');
  });

  test('logs: 0x ids, ISO times with microseconds, event names; empty ids mean none', () => {
    const batch = parsePipelineOtelFile(read(join(RUN, 'otel_logs.json')), 'logs');
    assert.equal(batch.logs.length, 5);
    const first = batch.logs[0]!;
    assert.equal(first.timeNs, 1770714000000100000n);
    assert.equal(first.traceId, '0a1b2c3d4e5f60718293a4b5c6d7e8f9');
    assert.equal(first.spanId, '1111111111111111');
    assert.equal(first.eventName, 'build.phase.start');
    assert.equal(first.severityNumber, 9);
    assert.equal(first.source, 'otlp');
    const failure = batch.logs.find((l) => l.eventName === 'build.failure')!;
    assert.equal(failure.traceId, undefined);
    assert.equal(batch.logs.find((l) => l.severityText === 'WARNING')!.severityNumber, 13);
  });

  test('metrics in the Python SDK nesting: histogram, monotonic sum, gauge', () => {
    const batch = parsePipelineOtelFile(read(join(RUN, 'otel_metrics.json')), 'metrics');
    const byName = new Map(batch.metrics.map((p) => [p.name, p]));
    const h = byName.get('codeanatomy.stage.duration')!;
    assert.ok(h.kind === 'histogram');
    assert.equal(h.count, 1);
    assert.equal(h.sum, 12.5);
    assert.deepStrictEqual(h.bucketCounts, [0, 0, 1, 0]);
    assert.equal(h.scope.name, 'codeanatomy.obs');
    assert.equal(h.resource.attributes['service.name'], 'codeanatomy');
    const c = byName.get('codeanatomy.error.count')!;
    assert.ok(c.kind === 'sum' && c.isMonotonic === true && c.value === 1);
    const g = byName.get('codeanatomy.dataset.rows')!;
    assert.ok(g.kind === 'gauge' && g.value === 1200);
  });

  test('standard OTLP/JSON (one request or JSON lines) is accepted as well', () => {
    const spans = parsePipelineOtelFile(read(join(RUN, 'otel_traces.json')), 'traces').spans;
    const otlp = spansToOtlp(spans);
    const again = parsePipelineOtelFile(JSON.stringify(otlp), 'traces');
    assert.deepStrictEqual(again.spans.map((s) => [s.traceId, s.spanId, s.name]), spans.map((s) => [s.traceId, s.spanId, s.name]));
    const lines = `${JSON.stringify(otlp)}\n${JSON.stringify(otlp)}\n`;
    assert.equal(parsePipelineOtelFile(lines, 'traces').spans.length, spans.length * 2);
  });

  test('bad items are skipped with a warning, the rest kept; junk never throws', () => {
    const r = pipelineOtelToOtlp(
      [
        { name: 'no ids', start_time: 1 },
        { name: 'ok', trace_id: 'ab', span_id: 'cd', start_time_unix_nano: '1770714000000000000' },
        { name: 'no start', trace_id: 'ab', span_id: 'cd' },
        'junk',
      ],
      'traces',
    );
    assert.equal(r.items, 1);
    assert.equal(r.rejected, 2);
    assert.equal(r.warnings.length, 2);
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('traces', 'logs', 'metrics' as const), (v, kind) => {
        const b = parsePipelineOtelFile(v, kind);
        assert.ok(Array.isArray(b.spans) && Array.isArray(b.logs) && Array.isArray(b.metrics));
        parsePipelineOtelFile(JSON.stringify(v).slice(0, 40), kind);
      }),
      { numRuns: 300 },
    );
  });

  test('ids and times in the spellings files use', () => {
    assert.equal(normalizeHexId('0xABC', 8), '0000000000000abc');
    assert.equal(normalizeHexId('0x' + '0'.repeat(32), 16), undefined);
    assert.equal(normalizeHexId('xyz', 8), undefined);
    assert.equal(normalizeHexId('1'.repeat(17), 8), undefined);
    assert.equal(toUnixNanos(1770714000), '1770714000000000000');
    assert.equal(toUnixNanos(1770714000.5), '1770714000500000000');
    assert.equal(toUnixNanos(1770714000123), '1770714000123000000');
    assert.equal(toUnixNanos('1770714000123456789'), '1770714000123456789');
    assert.equal(toUnixNanos('2026-02-10T09:00:00.123456789Z'), '1770714000123456789');
    assert.equal(toUnixNanos('2026-02-10T10:00:00+01:00'), '1770714000000000000');
    assert.equal(toUnixNanos('yesterday'), undefined);
    assert.equal(toUnixNanos(-1), undefined);
  });
});

describe('diagnostics_report.json', () => {
  test('issues become Problems with check and detail, severity mapped', () => {
    const problems = parseDiagnosticsReport(JSON.parse(read(join(DIR, 'build/diagnostics_report.json'))));
    assert.equal(problems.length, 3);
    for (const p of problems) ProblemSchema.parse(p);
    assert.deepStrictEqual(
      problems.map((p) => [p.severity, p.message, p.source]),
      [
        ['error', 'delta_protocol: cpg_nodes: reader feature deletionVectors is not supported', 'diagnostics_report'],
        ['warning', 'scan_pruning: cst_refs: 0 of 120 files pruned', 'diagnostics_report'],
        ['warning', 'dataset_readiness: cst_refs: delta_log_missing (build/cst_refs)', 'diagnostics_report'],
      ],
    );
  });

  test('odd shapes: no issues, non-objects, missing fields, huge details', () => {
    assert.deepStrictEqual(parseDiagnosticsReport(null), []);
    assert.deepStrictEqual(parseDiagnosticsReport({ issues: 'x' }), []);
    const p = parseDiagnosticsReport({ issues: [1, null, { severity: 'ERROR' }, { check: 'c', detail: { a: 1 } }, { check: 'big', detail: 'x'.repeat(10_000) }] });
    assert.deepStrictEqual(p.map((x) => [x.severity, x.message.slice(0, 20)]), [['error', 'check'], ['warning', 'c: {"a":1}'], ['warning', 'big: xxxxxxxxxxxxxxx']]);
    assert.ok(p[2]!.message.length <= 2000);
  });
});

describe('run_diagnostics_report.json: the build says / we measured', () => {
  const figures = parseRunDiagnosticsReport(JSON.parse(read(join(RUN, 'run_diagnostics_report.json'))));

  test('figures are read, JSON-string task lists included', () => {
    assert.deepStrictEqual(figures.planDiff, { expected: 3, executed: 1, missing: 2, unexpected: 0, missingTasks: ['cpg_edges', 'cpg_props'], unexpectedTasks: [] });
    assert.deepStrictEqual(figures.readiness, { total: 2, issueCount: 1, issues: [{ dataset: 'cst_refs', status: 'missing_delta_log', reason: 'delta_log_missing' }] });
    assert.equal(figures.idleGaps?.count, 1);
    assert.equal(figures.idleGaps?.gaps[0]!.startedAt, '2026-02-10T09:00:12.500Z');
    assert.deepStrictEqual(figures.slowestSpans?.[0], { name: 'engine_execute', durationMs: 39500 });
    assert.equal(figures.spanCount, 5);
    assert.equal(figures.logCount, 5);
    const empty = parseRunDiagnosticsReport('nonsense');
    assert.deepStrictEqual(empty, { planDiff: null, readiness: null, idleGaps: null, slowestSpans: null, spanCount: null, logCount: null });
  });

  test('compared with our report built from the same files: agreements are silent, disagreements get a line', () => {
    const store = new RunStore();
    store.ingest(parsePipelineOtelFile(read(join(RUN, 'otel_traces.json')), 'traces'));
    store.ingest(parsePipelineOtelFile(read(join(RUN, 'otel_logs.json')), 'logs'));
    const report = buildReport({ store, run: runInfo({ outcome: 'failure', traceId: '' }), workspaceRoot: '/work/repo' });
    // We measure the same plan (3 expected, 1 executed, 2 missing), slowest span and idle gap;
    // readiness we could not check (no datasets declared): that is the disagreement.
    assert.deepStrictEqual([...report.planDiff.missing].sort(), ['cpg_edges', 'cpg_props']);
    const lines = compareBuildSays(figures, report);
    assert.deepStrictEqual(lines, ['dataset readiness: the build says 1 dataset(s) not ready, we found 0', 'dataset readiness: only the build flags cst_refs']);
    const rows = buildSaysRows(figures, report);
    assert.deepStrictEqual(
      rows.map((r) => [r.figure, r.buildSays, r.weMeasured, r.agree]),
      [
        ['expected tasks', '3', '3', true],
        ['executed tasks', '1', '1', true],
        ['missing tasks', '2', '2', true],
        ['unexpected tasks', '0', '0', true],
        ['datasets not ready', '1', '0', false],
        ['idle gaps ≥ 5 s', '1', '1', true],
        ['slowest span', 'engine_execute (39.5 s)', 'engine_execute (39.5 s)', true],
      ],
    );
    // A build that claims other figures gets one line per disagreement.
    const other = { ...figures, planDiff: { ...figures.planDiff!, missing: 5, missingTasks: ['cpg_edges', 'ghost'] }, idleGaps: { count: 0, totalS: 0, gaps: [] }, slowestSpans: [{ name: 'extraction', durationMs: 1 }] };
    const l2 = compareBuildSays(other, report);
    assert.ok(l2.includes('plan vs execution: the build says 5 missing task(s), we measured 2 (cpg_edges, cpg_props)'), l2.join('\n'));
    assert.ok(l2.includes('plan vs execution: the build lists as missing ghost, which we did not find missing'));
    assert.ok(l2.includes('idle gaps ≥ 5 s: the build says 0, we measured 1'));
    assert.ok(l2.some((l) => l.startsWith('slowest span: the build says extraction')));
  });
});

test('artifact kinds and the codeanatomy globs', () => {
  assert.equal(artifactKind('artifacts/run_bundle/x/otel_logs.json'), 'otel_logs');
  assert.equal(artifactKind('a\\b\\diagnostics_report.json'), 'diagnostics_report');
  assert.equal(artifactKind('run_diagnostics_report.md'), 'run_diagnostics_report_md');
  assert.equal(artifactKind('notes.txt'), 'other');
  assert.ok(CODEANATOMY_ARTIFACT_GLOBS.includes('**/run_bundle/**/otel_traces.json'));
});
