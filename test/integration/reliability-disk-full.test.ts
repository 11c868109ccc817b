// The bundle's disk fills mid-run. A clear warning (in run.json, the report and the live
// events), the build runs to its end, and the telemetry keeps arriving in memory for the
// live views. Two ways: a write error injected at the file layer (anywhere), and a real
// full tmpfs (where this runs as root and may mount one).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BuildSession } from '../../src/launch/session.js';
import type { BundleFs } from '../../src/bundle/writer.js';
import { REPO, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-rel-disk-');
after(() => tmp.cleanup());
const FAULTY = join(REPO, 'test', 'fixtures', 'reliability', 'faulty-build.mjs');

/** A file layer that behaves like a disk with `capacity` free bytes for the appends. */
function fullDisk(capacity: number): BundleFs & { failures: number } {
  let used = 0;
  const fs = {
    failures: 0,
    openSync,
    closeSync,
    writeSync: (fd: number, data: string | Uint8Array) => {
      const n = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      if (used + n > capacity) {
        fs.failures++;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      }
      used += n;
      return writeSync(fd, data as never);
    },
  };
  return fs;
}

describe('the bundle disk fills up', () => {
  test('a write error at the file layer: warned once, the build goes on, telemetry stays in memory', { timeout: 60_000 }, async () => {
    const out = join(tmp.path, 'injected');
    const fs = fullDisk(4096);
    const session = new BuildSession({ argv: [process.execPath, FAULTY, 'steady'], cwd: REPO, outDir: out, graceS: 0.5, bundleFs: fs, userEnv: process.env });
    const warnings: string[] = [];
    let ingestsAfterFailure = 0;
    session.on((e) => {
      if (e.type === 'warning') warnings.push(e.message);
      if (e.type === 'ingest' && warnings.length > 0) ingestsAfterFailure++;
    });
    const result = await session.run();

    assert.equal(result.info.outcome, 'success', 'the build was not disturbed');
    assert.equal(result.exitCode, 0);
    const diskWarnings = warnings.filter((w) => /ENOSPC/.test(w));
    assert.equal(diskWarnings.length, 1, `one clear warning: ${warnings.join(' | ')}`);
    assert.match(diskWarnings[0]!, /telemetry stays in memory/);
    assert.ok(fs.failures >= 1);
    assert.ok(ingestsAfterFailure > 0, 'the live view kept receiving data after the failure');
    // Everything the build sent is in memory, although the file holds only the beginning.
    const names = new Set(session.store.spans.map((s) => s.name));
    for (let i = 0; i < 20; i++) assert.ok(names.has(`step-${i}`), `step-${i} in memory`);
    const stdoutLines = session.store.logs.filter((l) => l.source === 'stdout').length;
    assert.equal(stdoutLines, 20);
    // run.json and the report (written outside the failing appends here) say so.
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    assert.ok(run.warnings.some((w: string) => /ENOSPC/.test(w)), 'run.json warns');
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /ENOSPC/);
    assert.ok(result.report.warnings.some((w) => /ENOSPC/.test(w)), 'report.json warns');
  });

  test('a real full file system (tmpfs): the CLI finishes, warns and exits with the build’s code', { timeout: 60_000 }, async () => {
    // Mounting needs root on Linux: the test suite runs as root here and in CI.
    const mnt = join(tmp.path, 'small-disk');
    mkdirSync(mnt, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt]);
    try {
      const r = await runCli(['run', '--json', '--out', join(mnt, 'run'), '--grace', '0.5', '--', process.execPath, FAULTY, 'steady']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /ENOSPC/, 'a clear warning');
      const summary = JSON.parse(r.stdout);
      assert.equal(summary.outcome, 'success');
    } finally {
      execFileSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });
});
