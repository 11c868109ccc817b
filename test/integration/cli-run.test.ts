// The foundation loop end to end: the real CLI launches the real example build (OTel Node SDK
// exporters in a real child process), receives its telemetry, keeps the bundle.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE, bundleSpans, readTelemetry, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-cli-run-');
after(() => tmp.cleanup());

function runJson(out: string, args: string[]) {
  return runCli(['run', '--json', '--out', out, '--grace', '1', ...args]);
}

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  describe(`ok scenario over ${protocol}`, () => {
    const out = join(tmp.path, protocol.replace('/', '-'));
    let result: Awaited<ReturnType<typeof runCli>>;

    test('runs and succeeds', { timeout: 60_000 }, async () => {
      result = await runJson(out, ['--protocol', protocol, '--', process.execPath, EXAMPLE, '--scenario', 'ok', '--speed', '0.3']);
      assert.equal(result.code, 0, result.stderr);
      const summary = JSON.parse(result.stdout);
      assert.equal(summary.outcome, 'success');
      assert.equal(summary.exitCode, 0);
      assert.equal(summary.bundle, out);
    });

    test('traces, logs and metrics from the child are in the bundle', () => {
      const lines = readTelemetry(out);
      const kinds = new Set(lines.map((l) => Object.keys(l)[0]));
      assert.ok(kinds.has('resourceSpans'), 'spans');
      assert.ok(kinds.has('resourceLogs'), 'logs');
      assert.ok(kinds.has('resourceMetrics'), 'metrics');
      const metricNames = lines
        .flatMap((l: any) => l.resourceMetrics ?? [])
        .flatMap((rm: any) => rm.scopeMetrics.flatMap((sm: any) => sm.metrics.map((m: any) => m.name)));
      assert.ok(metricNames.includes('codeanatomy.stage.duration'), `metrics: ${[...new Set(metricNames)].join(', ')}`);
    });

    test("the child's spans sit under the build.invocation root span", () => {
      const spans = bundleSpans(out);
      const root = spans.find((s) => s.name === 'build.invocation');
      assert.ok(root, 'root span stored');
      assert.equal(root.serviceName, 'build-diagnostics');
      assert.equal(root.parentSpanId, undefined);
      const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
      assert.equal(run.traceId, root.traceId);
      const orchestrator = spans.find((s) => s.name === 'build_orchestrator');
      assert.ok(orchestrator, 'pipeline root span stored');
      assert.equal(orchestrator.traceId, root.traceId);
      assert.equal(orchestrator.parentSpanId, root.spanId);
      assert.equal(root.attributes['cicd.pipeline.result'], 'success');
    });

    test('run.json holds the documented fields', () => {
      const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
      assert.equal(run.schema, 'build-diagnostics/run@1');
      assert.match(run.runId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(run.command, 'node');
      assert.equal(run.tokenCount, 6);
      assert.equal(run.outcome, 'success');
      assert.equal(run.exitCode, 0);
      assert.equal(run.signal, null);
      assert.equal(run.reportedExitCode, 0);
      assert.equal(run.errorType, null);
      assert.ok(Date.parse(run.endedAt) >= Date.parse(run.startedAt));
      assert.ok(run.durationMs > 0);
      for (const f of ['stdio.log', 'report.json', 'report.md']) assert.ok(existsSync(join(out, f)), f);
    });

    test('stderr lines became log records, trace-correlated where the line carried ids', () => {
      const records = readTelemetry(out)
        .flatMap((l: any) => l.resourceLogs ?? [])
        .flatMap((rl: any) => rl.scopeLogs.filter((sl: any) => sl.scope?.name === 'build-diagnostics.stdio').flatMap((sl: any) => sl.logRecords));
      assert.ok(records.length > 0, 'stdio records');
      const correlated = records.filter((r: any) => r.traceId && r.spanId);
      assert.ok(correlated.length > 0, 'some lines carry [trace_id=… span_id=…]');
      const stream = records[0].attributes.find((a: any) => a.key === 'log.iostream');
      assert.ok(stream, 'log.iostream attribute');
    });
  });
}

test('exit 0 with cli_invocation_v1.exit_code 13 is a failure: CLI exits 1', { timeout: 60_000 }, async () => {
  const out = join(tmp.path, 'fail');
  const r = await runJson(out, ['--', process.execPath, EXAMPLE, '--scenario', 'fail', '--speed', '0.3']);
  assert.equal(r.code, 1, r.stderr);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(run.outcome, 'failure');
  assert.equal(run.exitCode, 0);
  assert.equal(run.reportedExitCode, 13);
  assert.ok(run.errorType, 'error type recorded');
  const root = bundleSpans(out).find((s) => s.name === 'build.invocation');
  assert.equal(root?.attributes['cicd.pipeline.result'], 'failure');
});

test('a secret in the arguments or the environment appears nowhere in the bundle', { timeout: 60_000 }, async () => {
  const out = join(tmp.path, 'secret');
  const argSecret = 'ARGSECRET-6f1c2b9e';
  const envSecret = 'ENVSECRET-93ad77c0';
  const r = await runCli(['run', '--out', out, '--grace', '1', '--', process.execPath, EXAMPLE, '--scenario', 'ok', '--speed', '0.2', '--api-key', argSecret], {
    env: { MY_SERVICE_PASSWORD: envSecret, SOME_TOKEN: envSecret },
  });
  assert.equal(r.code, 0, r.stderr);
  const { readAllFiles } = await import('./helpers/cli.js');
  const files = readAllFiles(out);
  assert.ok(files.length >= 5);
  for (const f of files) {
    const text = f.content.toString('latin1');
    assert.ok(!text.includes(argSecret), `argument secret leaked into ${f.path}`);
    assert.ok(!text.includes(envSecret), `environment secret leaked into ${f.path}`);
  }
  assert.ok(!r.stdout.includes(argSecret) && !r.stderr.includes(envSecret));
});
