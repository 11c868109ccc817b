// Retention: keep the last N bundles and at most M bytes, oldest deleted first; never a
// folder that is not a bundle, never the newest, never a live run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyRetention, folderBytes, listBundles } from '../../src/bundle/retention.js';
import { RUN_SCHEMA, type RunInfo } from '../../src/core/run.js';
import { runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-retention-');
after(() => tmp.cleanup());

function fakeBundle(root: string, name: string, startedAt: string, bytes: number): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const info: RunInfo = { schema: RUN_SCHEMA, runId: name, command: 'x', tokenCount: 1, cwd: '/', startedAt, endedAt: startedAt, durationMs: 1, exitCode: 0, signal: null, reportedExitCode: null, outcome: 'success', errorType: null, traceId: '' };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(info));
  writeFileSync(join(dir, 'telemetry.otlp.jsonl'), 'x'.repeat(bytes));
  return dir;
}

test('keeps the last N runs', { timeout: 10_000 }, () => {
  const root = join(tmp.path, 'n');
  for (let i = 1; i <= 5; i++) fakeBundle(root, `r${i}`, `2026-01-0${i}T00:00:00.000Z`, 10);
  mkdirSync(join(root, 'not-a-bundle'));
  const res = applyRetention(root, { maxRuns: 2 });
  assert.deepEqual(res.removed.map((d) => d.split(/[\\/]/).pop()).sort(), ['r1', 'r2', 'r3']);
  assert.deepEqual(readdirSync(root).sort(), ['not-a-bundle', 'r4', 'r5']);
  assert.equal(res.keptRuns, 2);
});

test('keeps at most M bytes, deleting the oldest first, but never the newest or a live run', { timeout: 10_000 }, () => {
  const root = join(tmp.path, 'bytes');
  const sizes = [100, 5000, 100, 100, 20_000];
  sizes.forEach((b, i) => fakeBundle(root, `r${i + 1}`, `2026-02-0${i + 1}T00:00:00.000Z`, b));
  const one = folderBytes(join(root, 'r1'));
  assert.ok(one > 100);
  // r5 (newest) alone is over budget: kept. r4, r3 fit; r2 does not → r2 and everything older go.
  const res = applyRetention(root, { maxBytes: 20_000 + 3 * one }, new Set([join(root, 'r1')]));
  assert.deepEqual(listBundles(root).map((b) => b.runId), ['r5', 'r4', 'r3', 'r1']);
  assert.deepEqual(res.removed.map((d) => d.split(/[\\/]/).pop()), ['r2']);
});

test('build-diag run --keep-runs prunes the runs folder after the run', { timeout: 60_000 }, async () => {
  const runs = join(tmp.path, 'cli', 'runs');
  fakeBundle(runs, 'old1', '2020-01-01T00:00:00.000Z', 10);
  fakeBundle(runs, 'old2', '2020-01-02T00:00:00.000Z', 10);
  const out = join(runs, 'new');
  const r = await runCli(['run', '--out', out, '--grace', '0', '--keep-runs', '2', '--', process.execPath, '-e', 'console.log(1)']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(out, 'report.json')));
  assert.equal(existsSync(join(runs, 'old1')), false);
  assert.equal(existsSync(join(runs, 'old2')), true);
});
