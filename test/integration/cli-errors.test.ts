// Bad input to the CLI: one clear line and a non-zero exit, nothing half-made left behind.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-cli-err-');
after(() => tmp.cleanup());

test('a missing command is one clear line and exit 127, no bundle left', { timeout: 30_000 }, async () => {
  const out = join(tmp.path, 'missing');
  const r = await runCli(['run', '--out', out, '--', 'no-such-build-command-xyz', '--flag']);
  assert.equal(r.code, 127);
  assert.match(r.stderr, /^build-diag: command not found: no-such-build-command-xyz/m);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(existsSync(out), false);
});

test('an unwritable --out is one clear line and a non-zero exit', { timeout: 30_000 }, async () => {
  // Root ignores directory permissions; a path below a regular file fails for everyone.
  const out = join(process.execPath, 'cannot', 'be', 'here');
  const r = await runCli(['run', '--out', out, '--', process.execPath, '-e', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^build-diag: cannot create the run folder .*here/m);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('a bad flag names the flag and exits 2', { timeout: 30_000 }, async () => {
  const r = await runCli(['run', '--stall-treshold', '3', '--', 'true']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown option '--stall-treshold'/);
});

test('a bad number is reported with the flag name', { timeout: 30_000 }, async () => {
  const r = await runCli(['run', '--stall-threshold', 'soon', '--', 'true']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--stall-threshold takes a number of seconds/);
});

test('no command after -- is a usage error', { timeout: 30_000 }, async () => {
  const r = await runCli(['run', '--json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no command given/);
});

test('report on a folder that is not a bundle says so', { timeout: 30_000 }, async () => {
  const r = await runCli(['report', tmp.path]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not a run bundle: .* has no run\.json/);
});

test('a non-zero exit status is passed through', { timeout: 30_000 }, async () => {
  const out = join(tmp.path, 'exit3');
  const r = await runCli(['run', '--json', '--out', out, '--grace', '0', '--', process.execPath, '-e', 'process.exit(3)']);
  assert.equal(r.code, 3);
  const s = JSON.parse(r.stdout);
  assert.equal(s.outcome, 'failure');
  assert.equal(s.exitCode, 3);
  assert.equal(s.errorType, 'exit_code_3');
});

test('a declared dataset that is not ready is reported before the build starts; --require-datasets refuses to launch', { timeout: 60_000 }, async () => {
  const raw = join(REPO, 'examples', 'semantic-pipeline', 'data', 'extract', 'raw_symbols');
  const marker = join(tmp.path, 'launched');
  const build = [process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`];
  const warnOut = join(tmp.path, 'warn');
  const warned = await runCli(['run', '--out', warnOut, '--grace', '0', '--dataset', `raw_symbols=${raw}:delta`, '--', ...build]);
  assert.match(warned.stderr, /preflight: dataset raw_symbols missing_delta_log/);
  assert.ok(existsSync(marker), 'by default the build still runs');
  const report = JSON.parse(readFileSync(join(warnOut, 'report.json'), 'utf8'));
  assert.deepEqual(report.readiness.issues.map((d: any) => [d.dataset, d.status, d.source]), [['raw_symbols', 'missing_delta_log', 'preflight']]);

  rmSync(marker);
  const refuseOut = join(tmp.path, 'refuse');
  const refused = await runCli(['run', '--out', refuseOut, '--require-datasets', '--dataset', `raw_symbols=${raw}:delta`, '--', ...build]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^build-diag: required dataset\(s\) not ready: raw_symbols \(missing_delta_log/m);
  assert.equal(existsSync(marker), false, 'the build was not launched');
  assert.equal(existsSync(refuseOut), false, 'no bundle');
});
