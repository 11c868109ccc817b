// History retention across hundreds of runs: after every run the runs folder holds at most
// `maxRuns` bundles and `maxBytes` bytes of them (the newest is always kept), the oldest go
// first, and nothing that is not a bundle is ever touched. Bundles are written by the real
// BundleWriter with sizes that vary like real runs; a few real CLI runs close the loop.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BundleWriter } from '../../src/bundle/writer.js';
import { applyRetention, folderBytes, listBundles } from '../../src/bundle/retention.js';
import { RUN_SCHEMA, uuidv7, type RunInfo } from '../../src/core/run.js';
import { runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-rel-retention-');
after(() => tmp.cleanup());

function info(runId: string, startedAt: string): RunInfo {
  return { schema: RUN_SCHEMA, runId, command: 'node', tokenCount: 2, cwd: tmp.path, startedAt, endedAt: startedAt, durationMs: 1, exitCode: 0, signal: null, reportedExitCode: null, outcome: 'success', errorType: null, traceId: '' };
}

/** Deterministic sizes: mostly small runs, now and then a big one. */
function sizeOf(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  const r = x - Math.floor(x);
  return r < 0.1 ? 200_000 + Math.floor(r * 1_000_000) : 1_000 + Math.floor(r * 20_000);
}

test('300 runs: run-count and byte limits hold after every run', { timeout: 120_000 }, () => {
  const runs = join(tmp.path, 'runs');
  mkdirSync(runs, { recursive: true });
  // Things in the runs folder that are not bundles must survive everything.
  mkdirSync(join(runs, 'notes'));
  writeFileSync(join(runs, 'notes', 'keep.txt'), 'mine');
  writeFileSync(join(runs, 'README'), 'not a bundle');
  const policy = { maxRuns: 25, maxBytes: 600_000 };
  const t0 = Date.UTC(2026, 0, 1);
  let removedTotal = 0;
  for (let i = 0; i < 300; i++) {
    const runId = uuidv7();
    const dir = join(runs, runId);
    const w = BundleWriter.create(dir, info(runId, new Date(t0 + i * 60_000).toISOString()));
    w.appendStdio(Buffer.alloc(sizeOf(i), 0x61));
    w.appendRequest({ resourceSpans: [] });
    w.close();
    const res = applyRetention(runs, policy, new Set([dir]));
    removedTotal += res.removed.length;

    const left = listBundles(runs);
    assert.ok(left.length <= policy.maxRuns, `run ${i}: ${left.length} bundles kept`);
    assert.equal(left[0]!.runId, runId, `run ${i}: the newest is kept`);
    const bytes = left.reduce((n, b) => n + folderBytes(b.dir), 0);
    assert.ok(bytes <= policy.maxBytes || left.length === 1, `run ${i}: ${bytes} bytes kept`);
    assert.equal(res.keptRuns, left.length);
    // Oldest first: what is left is a contiguous block of the most recent runs.
    const starts = left.map((b) => Date.parse(b.startedAt));
    for (let k = 1; k < starts.length; k++) assert.equal(starts[k - 1]! - starts[k]!, 60_000, `run ${i}: no gaps in what was kept`);
  }
  assert.ok(removedTotal >= 300 - policy.maxRuns, 'old runs were removed along the way');
  assert.ok(existsSync(join(runs, 'notes', 'keep.txt')) && existsSync(join(runs, 'README')), 'non-bundles untouched');
  assert.equal(readdirSync(runs).length, listBundles(runs).length + 2);
});

test('real CLI runs honour --keep-runs', { timeout: 60_000 }, async () => {
  const cwd = join(tmp.path, 'cli');
  mkdirSync(cwd, { recursive: true });
  for (let i = 0; i < 4; i++) {
    const r = await runCli(['run', '--keep-runs', '2', '--grace', '0', '--', process.execPath, '-e', 'console.log(1)'], { cwd });
    assert.equal(r.code, 0, r.stderr);
  }
  const left = listBundles(join(cwd, '.build-diagnostics', 'runs'));
  assert.equal(left.length, 2);
});
