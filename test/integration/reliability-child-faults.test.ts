// The build dies in awkward ways: mid-batch (a request cut off by the exit), by SIGKILL,
// or after closing its stdout. The run still ends with the right outcome, and everything
// the receiver had accepted is in the bundle.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, bundleSpans, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-rel-child-');
after(() => tmp.cleanup());
const FAULTY = join(REPO, 'test', 'fixtures', 'reliability', 'faulty-build.mjs');

async function run(mode: string) {
  const out = join(tmp.path, mode);
  const r = await runCli(['run', '--json', '--out', out, '--grace', '1', '--', process.execPath, FAULTY, mode], { timeoutMs: 60_000 });
  const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  const names = bundleSpans(out).map((s) => s.name);
  const stdio = readFileSync(join(out, 'stdio.log'), 'utf8');
  return { r, info, names, stdio, out };
}

describe('the build dies badly', () => {
  test('crash in the middle of sending a batch', { timeout: 60_000 }, async () => {
    const { r, info, names, stdio } = await run('crash-mid-batch');
    assert.equal(r.code, 3, r.stderr);
    assert.equal(info.outcome, 'failure');
    assert.equal(info.exitCode, 3);
    assert.equal(info.errorType, 'exit_code_3');
    for (let i = 0; i < 3; i++) assert.ok(names.includes(`complete-${i}`), `complete-${i} kept`);
    assert.ok(!names.includes('cut-off'), 'the cut-off request was never accepted');
    assert.ok(names.includes('build.invocation'), 'our root span is there');
    assert.match(stdio, /three batches sent/);
  });

  test('killed with SIGKILL', { timeout: 60_000 }, async () => {
    const { r, info, names, stdio } = await run('sigkill');
    assert.notEqual(r.code, 0);
    assert.equal(info.outcome, 'failure');
    assert.equal(info.signal, 'SIGKILL');
    assert.equal(info.exitCode, null);
    assert.ok(names.includes('before-kill-0') && names.includes('before-kill-1'), names.join(','));
    assert.match(stdio, /about to die/);
  });

  test('closes its stdout early and carries on', { timeout: 60_000 }, async () => {
    const { r, info, names, stdio } = await run('close-stdout');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(info.outcome, 'success');
    assert.ok(names.includes('after-stdout-closed'));
    assert.match(stdio, /last words on stdout/);
    assert.match(stdio, /still talking on stderr/);
  });
});
