// `build-diag import`: a bundle's telemetry.otlp.jsonl, imported as a new run, gives the same
// report sections as the original run (the run identity and the warnings aside).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-import-');
after(() => tmp.cleanup());

const SECTIONS = ['telemetry', 'readiness', 'planDiff', 'stalls', 'heartbeats', 'executionMetrics', 'slowSpans', 'stageBreakdown', 'idleGaps', 'criticalPath', 'logs', 'problems'] as const;

test('import of a bundle telemetry file reproduces the original report', { timeout: 90_000 }, async () => {
  const orig = join(tmp.path, 'orig');
  const r = await runCli(['run', '--out', orig, '--grace', '1', '--', process.execPath, EXAMPLE, '--scenario', 'fail', '--speed', '0.3']);
  assert.equal(r.code, 1, r.stderr);
  const imported = join(tmp.path, 'imported');
  const imp = await runCli(['import', '--out', imported, '--format', 'json', join(orig, 'telemetry.otlp.jsonl')]);
  assert.equal(imp.code, 0, imp.stderr);
  const a = JSON.parse(readFileSync(join(orig, 'report.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(imported, 'report.json'), 'utf8'));
  assert.deepEqual(JSON.parse(imp.stdout), b);
  for (const s of SECTIONS) assert.deepEqual(b[s], a[s], s);
  // Our root span carries the outcome: the imported run knows it.
  assert.equal(b.run.outcome, 'failure');
  assert.equal(b.run.rootTraceId, a.run.rootTraceId);
  assert.notEqual(b.run.runId, a.run.runId);
  const run = JSON.parse(readFileSync(join(imported, 'run.json'), 'utf8'));
  assert.ok(run.warnings[0].startsWith('imported from telemetry.otlp.jsonl'));
  assert.ok(existsSync(join(imported, 'report.md')));
  // The imported bundle rebuilds like any other.
  const rep = await runCli(['report', '--format', 'json', imported]);
  assert.equal(rep.code, 0, rep.stderr);
  for (const s of SECTIONS) assert.deepEqual(JSON.parse(rep.stdout)[s], b[s], s);
});

test('a file without our root span: outcome from the reported events, exit status unknown', { timeout: 30_000 }, async () => {
  const file = join(tmp.path, 'ci.jsonl');
  const T = 'abcdef0123456789abcdef0123456789';
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const s = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const lines = [
    { resourceSpans: [{ resource: { attributes: [s('service.name', 'ci')] }, scopeSpans: [{ spans: [{ traceId: T, spanId: '0123456789abcdef', name: 'stage', kind: 1, startTimeUnixNano: now, endTimeUnixNano: now, attributes: [s('api_token', 'CI-SECRET-1')] }] }] }] },
    { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: now, eventName: 'cli_invocation_v1', body: { stringValue: 'cli_invocation_v1' }, attributes: [s('event.name', 'cli_invocation_v1'), { key: 'ok', value: { boolValue: false } }, { key: 'exit_code', value: { intValue: '13' } }] }] }] }] },
  ];
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\nnot json\n');
  const out = join(tmp.path, 'ci');
  const imp = await runCli(['import', '--out', out, file]);
  assert.equal(imp.code, 0, imp.stderr);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(run.outcome, 'failure');
  assert.equal(run.exitCode, null);
  assert.equal(run.reportedExitCode, 13);
  assert.match(run.warnings.join('\n'), /exit status is unknown/);
  assert.match(imp.stderr, /line 3 was skipped/);
  assert.ok(!readFileSync(join(out, 'telemetry.otlp.jsonl'), 'utf8').includes('CI-SECRET-1'), 'imports are redacted too');
  const bad = await runCli(['import', join(tmp.path, 'missing.jsonl')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /cannot read/);
});
