// The configuration surface through the CLI: what the child really gets (its environment,
// dumped by the child itself), `build-diag config`, and errors before launch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-config-cli-');
after(() => tmp.cleanup());

const DUMP = "require('fs').writeFileSync(process.argv[1], JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(OTEL_|HAMILTON_|CODEANATOMY_)/.test(k)))))";

test('precedence reaches the child: profile < user env < --settings < flags', { timeout: 60_000 }, async () => {
  const settings = join(tmp.path, 'settings.json');
  writeFileSync(settings, JSON.stringify({ otel: { profile: 'codeanatomy', spanBatch: { scheduleDelayMs: 200, maxQueueSize: 999 }, metricExportIntervalMs: 1234, serviceName: 'from-settings' }, hamilton: { projectId: 5, dagName: 'dag-x' } }));
  const dump = join(tmp.path, 'env.json');
  const r = await runCli(
    ['run', '--out', join(tmp.path, 'b1'), '--grace', '0', '--settings', settings, '--sampler', 'always_on', '--otel', 'OTEL_BSP_MAX_QUEUE_SIZE=4096', '--', process.execPath, '-e', DUMP, dump],
    { env: { OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_BLRP_SCHEDULE_DELAY: '60', OTEL_SERVICE_NAME: 'from-user' } },
  );
  assert.equal(r.code, 0, r.stderr);
  const env = JSON.parse(readFileSync(dump, 'utf8'));
  assert.equal(env.CODEANATOMY_DIAGNOSTICS_SINK, 'otel', 'profile from settings');
  assert.equal(env.OTEL_BLRP_SCHEDULE_DELAY, '60', 'user env over profile');
  assert.equal(env.OTEL_BSP_SCHEDULE_DELAY, '200', 'settings over user env');
  assert.equal(env.OTEL_SERVICE_NAME, 'from-settings');
  assert.equal(env.OTEL_METRIC_EXPORT_INTERVAL, '1234');
  assert.equal(env.OTEL_BSP_MAX_QUEUE_SIZE, '4096', 'flag over settings');
  assert.equal(env.OTEL_TRACES_SAMPLER, 'always_on');
  assert.equal(env.HAMILTON_PROJECT_ID, '5');
  assert.equal(env.HAMILTON_DAG_NAME, 'dag-x');
  assert.match(env.OTEL_EXPORTER_OTLP_ENDPOINT, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test('build-diag config shows every variable with its origin, secrets masked', { timeout: 30_000 }, async () => {
  const r = await runCli(['config', '--json', '--sampler', 'always_on', '--forward', 'http://127.0.0.1:1', '--forward-header', 'x-api-key=FWD-SECRET'], {
    env: { OTEL_EXPORTER_OTLP_HEADERS: 'api-key=USER-SECRET', OTEL_SERVICE_NAME: 'mine' },
  });
  assert.equal(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  const by = new Map(c.variables.map((v: any) => [v.name, v]));
  assert.equal((by.get('OTEL_TRACES_SAMPLER') as any).source, 'flag');
  assert.equal((by.get('OTEL_SERVICE_NAME') as any).source, 'your environment');
  assert.equal((by.get('OTEL_BSP_SCHEDULE_DELAY') as any).source, 'profile generic');
  assert.ok(!r.stdout.includes('USER-SECRET') && !r.stdout.includes('FWD-SECRET'));
  assert.deepEqual(c.forward.headers, ['x-api-key']);
  const text = await runCli(['config', '--profile', 'codeanatomy']);
  assert.match(text.stdout, /CODEANATOMY_DIAGNOSTICS_SINK\s+otel\s+profile codeanatomy/);
});

test('invalid settings or config files stop the launch before anything is created', { timeout: 30_000 }, async () => {
  const out = join(tmp.path, 'never');
  const bad = await runCli(['run', '--out', out, '--otel', 'OTEL_METRIC_EXPORT_INTERVAL=soon', '--', process.execPath, '-e', '1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /OTEL_METRIC_EXPORT_INTERVAL takes a whole number/);
  const cfg = join(tmp.path, 'bad.yaml');
  writeFileSync(cfg, 'file_format: "1.0"\ntracer_provider:\n  processors: nope\n');
  const badFile = await runCli(['run', '--out', out, '--otel-config', cfg, '--', process.execPath, '-e', '1']);
  assert.equal(badFile.code, 2);
  assert.match(badFile.stderr, /OTEL_CONFIG_FILE .*bad\.yaml.* is not a valid OpenTelemetry configuration file/);
  const settings = join(tmp.path, 'typo.json');
  writeFileSync(settings, JSON.stringify({ otel: { samplr: 'x' } }));
  const typo = await runCli(['run', '--out', out, '--settings', settings, '--', process.execPath, '-e', '1']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /typo\.json\.otel/);
  assert.equal(existsSync(out), false);
});

test('trace URL template becomes a link in report.md, run.json and report.json', { timeout: 30_000 }, async () => {
  const out = join(tmp.path, 'linked');
  const r = await runCli(['run', '--out', out, '--grace', '0', '--trace-url', 'https://tempo.example/explore?trace={traceId}', '--', process.execPath, '-e', '1']);
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.deepEqual(run.links, [{ label: 'Trace', url: `https://tempo.example/explore?trace=${run.traceId}` }]);
  assert.ok(readFileSync(join(out, 'report.md'), 'utf8').includes(`- [Trace](https://tempo.example/explore?trace=${run.traceId})`));
  // report.json carries it for the panel and the HTML report (its Overview renders it).
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.deepEqual(report.run.links, run.links);
});
