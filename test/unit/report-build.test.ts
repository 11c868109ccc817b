import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rehearseReports, writeReports } from '../../src/bundle/reports.js';
import type { RunInfo } from '../../src/core/run.js';
import { ingestJsonLines } from '../../src/bundle/reader.js';
import { logsToOtlp, spansToOtlp } from '../../src/core/otlp/index.js';
import { buildReport } from '../../src/core/report/build.js';
import { ReportSchema } from '../../src/core/report/schema.js';
import { RunStore } from '../../src/core/store.js';
import { ROOT, failingRunBatches, failingRunInfo, failingRunStore } from '../fixtures/report/failing-run.js';
import { runInfo } from './helpers/telemetry.js';

const T = { timeout: 30_000 };

describe('buildReport', () => {
  test('passes ReportSchema.parse and holds every section', T, () => {
    const report = buildReport({ store: failingRunStore(), run: failingRunInfo(), workspaceRoot: ROOT });
    const parsed = ReportSchema.parse(report);
    assert.equal(parsed.schema, 'build-diagnostics/report@1');
    assert.equal(report.run.outcome, 'failure');
    assert.equal(report.run.reportedExitCode, 21);
    assert.equal(report.run.traceIds.length, 4);
    assert.deepEqual(report.run.traceIds, [...report.run.traceIds].sort());
    // The failure: one problem at the workspace frame, all signals merged.
    const errors = report.problems.filter((p) => p.severity === 'error');
    assert.equal(errors.length, 1, JSON.stringify(report.problems, null, 2));
    assert.equal(errors[0]!.file, 'src/codeanatomy/engine/execute.py');
    assert.equal(errors[0]!.line, 88);
    assert.deepEqual(errors[0]!.sources, ['build.failure', 'cli_invocation_v1', 'exception_event', 'traceback']);
    assert.ok(report.problems.some((p) => p.source === 'readiness'));
    assert.ok(report.problems.some((p) => p.source === 'stall'));
    // Sections from both halves of the engine are present.
    assert.equal(report.readiness.issues[0]?.dataset, 'ast_files');
    assert.equal(report.stalls.length, 1);
    assert.equal(report.executionMetrics.plans.length, 1);
    assert.equal(report.heartbeats.count, 3);
    assert.deepEqual(report.stageBreakdown.map((s) => s.stage), ['engine_execute', 'extraction']);
    assert.deepEqual(report.idleGaps.map((g) => g.gapS), [12]);
    assert.equal(report.criticalPath[0]?.name, 'engine_execute');
    assert.equal(report.logs.byStream['stderr'], 9);
    assert.deepEqual(report.warnings, ['example warning with a | pipe']);
  });

  test('deterministic: two stores fed the same data give the same report', T, () => {
    const a = buildReport({ store: failingRunStore(), run: failingRunInfo(), workspaceRoot: ROOT });
    const b = buildReport({ store: failingRunStore(), run: failingRunInfo(), workspaceRoot: ROOT });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });

  test('rebuilt from OTLP/JSON lines (as `build-diag report` reads a bundle): same report', T, () => {
    const batches = failingRunBatches({ withMetrics: false });
    const live = new RunStore();
    const lines: string[] = [];
    for (const b of batches) {
      live.ingest(b, 0);
      if (b.spans.length) lines.push(JSON.stringify(spansToOtlp(b.spans)));
      if (b.logs.length) lines.push(JSON.stringify(logsToOtlp(b.logs)));
    }
    const reread = new RunStore();
    const warnings: string[] = [];
    ingestJsonLines(lines.join('\n') + '\n', reread, warnings, 'telemetry.otlp.jsonl');
    assert.deepEqual(warnings, []);
    const run = failingRunInfo();
    const a = buildReport({ store: live, run, workspaceRoot: ROOT });
    const b = buildReport({ store: reread, run, workspaceRoot: ROOT });
    assert.deepEqual(b, a);
  });

  test('an empty running store still gives a valid report', T, () => {
    const run = runInfo({ outcome: 'running', endedAt: null, durationMs: null, exitCode: null });
    const report = buildReport({ store: new RunStore(), run, workspaceRoot: '/nowhere', partial: true });
    ReportSchema.parse(report);
    assert.equal(report.run.partial, true);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.criticalPath, []);
  });
});

describe('rehearseReports (the session runs it during the build)', () => {
  test('writes nothing and changes nothing: the final reports equal those of a run never rehearsed', T, () => {
    const batches = failingRunBatches();
    const half = Math.ceil(batches.length / 2);
    const rehearsed = new RunStore();
    for (const b of batches.slice(0, half)) rehearsed.ingest(b, 0);
    const running: RunInfo = { ...failingRunInfo(), outcome: 'running', endedAt: null, durationMs: null, exitCode: null };
    const before = rehearsed.spans.length + rehearsed.logs.length + rehearsed.metrics.length;
    rehearseReports({ store: rehearsed, run: running, workspaceRoot: ROOT });
    assert.equal(rehearsed.spans.length + rehearsed.logs.length + rehearsed.metrics.length, before);
    for (const b of batches.slice(half)) rehearsed.ingest(b, 0);

    const dirs = [mkdtempSync(join(tmpdir(), 'bd-rehearsed-')), mkdtempSync(join(tmpdir(), 'bd-plain-'))];
    try {
      writeReports({ dir: dirs[0]! }, { store: rehearsed, run: failingRunInfo(), workspaceRoot: ROOT });
      writeReports({ dir: dirs[1]! }, { store: failingRunStore(), run: failingRunInfo(), workspaceRoot: ROOT });
      const files = dirs.map((d) => readdirSync(d).sort());
      assert.deepEqual(files[0], files[1]);
      assert.ok(files[0]!.includes('report.json') && files[0]!.includes('report.md'), files[0]!.join(', '));
      // The HTML page's CSP nonce is new for every page.
      const read = (d: string, f: string) => readFileSync(join(d, f), 'utf8').replace(/nonce(-|=")[A-Za-z0-9+/=]+/g, 'nonce$1N');
      for (const f of files[0]!) assert.ok(read(dirs[0]!, f) === read(dirs[1]!, f), `${f} differs`);
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});
