// The README's first command: `npm run demo` runs the example build under build-diag and
// prints the summary and the bundle path; `build-diag report` works on that bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli } from './helpers/cli.js';

test('npm run demo succeeds and its bundle can be reported on', { timeout: 120_000 }, async () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const demo = spawnSync(npm, ['run', '--silent', 'demo'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 100_000 });
  assert.equal(demo.status, 0, demo.stderr);
  const output = demo.stdout + demo.stderr;
  assert.match(output, /build-diag: SUCCESS in [\d.]+s \(exit 0\)/);
  assert.match(output, /tasks: (\d+)\/\1 executed/);
  const bundle = /bundle: (.+)$/m.exec(output)?.[1]?.trim();
  assert.ok(bundle && existsSync(join(bundle, 'run.json')), `bundle path printed: ${bundle}`);
  try {
    const original = JSON.parse(readFileSync(join(bundle, 'report.json'), 'utf8'));
    const rep = await runCli(['report', '--format', 'json', bundle]);
    assert.equal(rep.code, 0, rep.stderr);
    assert.deepEqual(JSON.parse(rep.stdout), original);
  } finally {
    rmSync(bundle, { recursive: true, force: true });
  }
});
