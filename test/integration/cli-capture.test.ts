// Capturing what real builds leave outside our endpoint, through the real CLI: OTLP over gRPC,
// files the build writes (its own telemetry dumps and diagnostics), and the default port.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE, REPO, bundleSpans, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-capture-');
after(() => tmp.cleanup());

test('a build exporting over gRPC is fully captured', { timeout: 60_000 }, async () => {
  const out = join(tmp.path, 'grpc');
  const r = await runCli(['run', '--json', '--out', out, '--protocol', 'grpc', '--grace', '1', '--', process.execPath, EXAMPLE, '--scenario', 'ok', '--speed', '0.3']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.ok(report.telemetry.spans > 10 && report.telemetry.metricPoints > 0 && report.telemetry.logs > 0, JSON.stringify(report.telemetry));
  assert.deepEqual([...report.planDiff.executed].sort(), [...report.planDiff.expected].sort());
  const spans = bundleSpans(out);
  const root = spans.find((s) => s.name === 'build.invocation')!;
  assert.equal(spans.find((s) => s.name === 'build_orchestrator')?.parentSpanId, root.spanId);
});

test('a build that only writes its own telemetry files still gets a full report', { timeout: 60_000 }, async () => {
  const cwd = join(tmp.path, 'files-only');
  const fixtures = join(REPO, 'test', 'fixtures', 'artifacts', 'codeanatomy');
  const script = join(tmp.path, 'write-artifacts.js');
  // The "build": copies the pipeline-shaped files into its output folder, sends no OTLP.
  writeFileSync(script, `require('node:fs').cpSync(${JSON.stringify(fixtures)}, process.cwd(), { recursive: true });`);
  const out = join(tmp.path, 'files-only-bundle');
  mkdirSync(cwd);
  const args = ['run', '--json', '--out', out, '--cwd', cwd, '--grace', '0'];
  for (const g of ['**/run_bundle/**/*.json', '**/run_bundle/**/*.md', '**/diagnostics_report.json']) args.push('--artifacts', g);
  const r = await runCli([...args, '--', process.execPath, script]);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  // The files' own events decide the outcome (the fixture's build reported a failure).
  assert.equal(r.code, report.run.outcome === 'failure' ? 1 : 0, r.stderr);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.ok(run.artifacts.length >= 5, JSON.stringify(run.artifacts));
  for (const a of run.artifacts) assert.match(a.sha256, /^[0-9a-f]{64}$/);
  assert.ok(report.telemetry.spans >= 3, `spans imported from otel_traces.json: ${JSON.stringify(report.telemetry)}`);
  assert.ok(report.problems.some((p: any) => p.source === 'diagnostics_report'), JSON.stringify(report.problems.map((p: any) => p.source)));
  assert.ok(report.buildSays && report.buildSays.rows.length > 0, 'the build says / we measured');
  assert.ok(readFileSync(join(out, 'report.md'), 'utf8').includes('## The build says / we measured'));
  // The bundle is complete on its own: rebuild gives the same report.
  const again = await runCli(['report', '--format', 'json', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout), report);
});

test('spans sent to the default port land in the active run (or the held port is reported)', { timeout: 60_000 }, async () => {
  const out = join(tmp.path, 'default-port');
  const emitter = join(REPO, 'test', 'fixtures', 'children', 'default-port-emit.mjs');
  const r = await runCli(['run', '--json', '--out', out, '--default-ports', '--grace', '1', '--', process.execPath, emitter]);
  const summary = JSON.parse(r.stdout);
  const engine = bundleSpans(out).find((s) => s.name === 'engine.execute');
  if (summary.warnings.some((w: string) => /4318/.test(w))) {
    // Another process holds the port here: reported, not fatal, and the run still finished.
    assert.equal(engine, undefined);
    assert.ok(['success', 'failure'].includes(summary.outcome));
  } else {
    assert.equal(r.code, 0, r.stderr);
    assert.ok(engine, 'the hard-wired exporter\'s span is in the run');
    assert.equal(engine.serviceName, 'codeanatomy_engine');
  }
});

test('secrets in the files a build writes are redacted in the copies and the imported telemetry', { timeout: 60_000 }, async () => {
  const cwd = join(tmp.path, 'secret-files');
  mkdirSync(join(cwd, 'run_bundle', 'r1'), { recursive: true });
  const keySecret = 'KEYSECRET-4b1d9e';
  const bearer = 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJlLXRleHQ';
  const script = join(tmp.path, 'write-secret-files.js');
  const traces = {
    spans: [{
      name: 'extraction', trace_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', span_id: '2222222222222222',
      start_time: '2026-02-10T09:00:00.000000Z', end_time: '2026-02-10T09:00:01.000000Z',
      attributes: { api_key: keySecret, note: `auth header was ${bearer}` }, status: { status_code: 'OK' },
    }],
  };
  const diagnostics = { issues: [{ severity: 'error', check: 'remote_auth', detail: `request sent with ${bearer}` }] };
  writeFileSync(script, `const fs = require('node:fs');
    fs.writeFileSync('run_bundle/r1/otel_traces.json', ${JSON.stringify(JSON.stringify(traces))});
    fs.writeFileSync('diagnostics_report.json', ${JSON.stringify(JSON.stringify(diagnostics))});`);
  const out = join(tmp.path, 'secret-files-bundle');
  const r = await runCli(['run', '--json', '--out', out, '--cwd', cwd, '--grace', '0', '--artifacts', '**/otel_traces.json', '--artifacts', '**/diagnostics_report.json', '--', process.execPath, script]);
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(run.artifacts.length, 2);
  const { readAllFiles } = await import('./helpers/cli.js');
  for (const f of readAllFiles(out)) {
    const text = f.content.toString('utf8');
    assert.ok(!text.includes(keySecret), `key secret in ${f.path}`);
    assert.ok(!text.includes('c2VjcmV0LXBheWxvYWQ'), `bearer token in ${f.path}`);
  }
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.ok(report.problems.some((p: any) => p.source === 'diagnostics_report' && /remote_auth/.test(p.message)), 'the issue is still reported');
  assert.ok(report.telemetry.spans >= 2, 'the span is still imported');
});

test('the codeanatomy profile captures the pipeline\'s files and the default ports without flags', { timeout: 60_000 }, async () => {
  const cwd = join(tmp.path, 'profile');
  mkdirSync(cwd);
  const fixtures = join(REPO, 'test', 'fixtures', 'artifacts', 'codeanatomy');
  const script = join(tmp.path, 'profile-build.js');
  writeFileSync(script, `require('node:fs').cpSync(${JSON.stringify(fixtures)}, process.cwd(), { recursive: true });`);
  const out = join(tmp.path, 'profile-bundle');
  const r = await runCli(['run', '--json', '--out', out, '--cwd', cwd, '--grace', '0', '--profile', 'codeanatomy', '--', process.execPath, script]);
  const summary = JSON.parse(r.stdout);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.ok(run.artifacts.some((a: any) => a.path.endsWith('run_diagnostics_report.json')), JSON.stringify(run.artifacts));
  assert.ok(run.artifacts.some((a: any) => a.path.endsWith('diagnostics_report.json')));
  // The default-port listener ran: either it served, or it said why not.
  const held = summary.warnings.filter((w: string) => /4318|4317/.test(w));
  assert.ok(held.length === 0 || held.every((w: string) => /in use|held|another/i.test(w)), held.join('\n'));
});
