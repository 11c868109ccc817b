// The safety policy end to end: a build whose arguments, environment, attributes and output
// hold known secrets; none of them may appear in any file of the bundle, nor in what is
// forwarded to a backend. Also: the capture limits cut what is stored and say so.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReceiver, type Receiver } from '../../src/receiver/index.js';
import { REPO, bundleSpans, readAllFiles, runCli, tempDir } from './helpers/cli.js';

const FIXTURE = join(REPO, 'test', 'fixtures', 'children', 'secrets-emit.mjs');
const ARG_SECRET = 'argv-S3cr3t-7f41c0';
const ENV_SECRET = 'envS3cr3tValue9d22ab';
const FORWARD_TOKEN = 'forward-token-5ac1e9';
const SECRETS = [ARG_SECRET, ENV_SECRET, FORWARD_TOKEN, 'AKIAIOSFODNN7EXAMPLE', 'MIIEpAIBAAKCAQEAsecretkeymaterial'];

const tmp = tempDir('bd-secrets-');
let backend: Receiver | undefined;
after(async () => {
  await backend?.close();
  tmp.cleanup();
});

test('no secret reaches any file of the bundle or the forwarding backend', { timeout: 60_000 }, async () => {
  const forwarded: string[] = [];
  backend = await startReceiver({ token: FORWARD_TOKEN, onExport: (exp) => forwarded.push(JSON.stringify(exp.request)) });
  const out = join(tmp.path, 'run');
  const r = await runCli(
    ['run', '--out', out, '--grace', '1', '--forward', backend.url, '--forward-header', `authorization=Bearer ${FORWARD_TOKEN}`, '--', process.execPath, FIXTURE, ARG_SECRET],
    { env: { SECRET_ENV_VALUE: ENV_SECRET } },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /secrets-emit: done/);
  // The live pass-through is the user's own terminal: it shows the output as printed.
  assert.ok(r.stdout.includes(ENV_SECRET));

  const files = readAllFiles(out);
  assert.ok(files.some((f) => f.path.endsWith('stdio.log')));
  for (const f of files) {
    const text = f.content.toString('utf8');
    for (const s of SECRETS) assert.ok(!text.includes(s), `${s} found in ${f.path}`);
  }
  // What was kept is still useful: the visible attribute, the coloured line, the markers.
  const stdio = readFileSync(join(out, 'stdio.log'), 'utf8');
  assert.ok(stdio.includes('\x1b[33mconnect password=[redacted]\x1b[0m'), stdio);
  const leaky = bundleSpans(out).find((s) => s.name === 'leaky.step')!;
  assert.equal(leaky.attributes['ok'], 'visible-value');
  assert.equal(leaky.attributes['api_key'], '[redacted]');
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.ok(report.warnings.some((w: string) => w.startsWith('redacted: ')), report.warnings.join('\n'));

  // The backend got the same, redacted telemetry (root span included).
  const all = forwarded.join('\n');
  assert.ok(all.includes('leaky.step') && all.includes('build.invocation'), 'telemetry was forwarded');
  for (const s of SECRETS) assert.ok(!all.includes(s), `${s} was forwarded`);
});

test('capture limits cut what is stored and the report says "truncated"; --debug keeps everything', { timeout: 60_000 }, async () => {
  const settings = join(tmp.path, 'settings.json');
  writeFileSync(settings, JSON.stringify({ limits: { maxAttributes: 5, maxValueLength: 50 } }));
  const limited = join(tmp.path, 'limited');
  const r1 = await runCli(['run', '--out', limited, '--grace', '0.5', '--settings', settings, '--', process.execPath, FIXTURE, 'x'], { env: { EMIT_MANY_ATTRS: '20' } });
  assert.equal(r1.code, 0, r1.stderr);
  const wide = bundleSpans(limited).find((s) => s.name === 'wide.step')!;
  assert.equal(Object.keys(wide.attributes).length, 5);
  assert.ok(String(wide.attributes['attr.0']).length <= 50);
  const report = JSON.parse(readFileSync(join(limited, 'report.json'), 'utf8'));
  assert.ok(report.warnings.some((w: string) => w.startsWith('truncated: ') && w.includes('15 attributes')), report.warnings.join('\n'));
  assert.match(readFileSync(join(limited, 'report.md'), 'utf8'), /truncated: /);

  const full = join(tmp.path, 'debug');
  const r2 = await runCli(['run', '--out', full, '--grace', '0.5', '--settings', settings, '--debug', '--', process.execPath, FIXTURE, 'x'], { env: { EMIT_MANY_ATTRS: '20' } });
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(Object.keys(bundleSpans(full).find((s) => s.name === 'wide.step')!.attributes).length, 20);
});
