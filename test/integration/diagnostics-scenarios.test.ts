// The diagnostics engine on the real example build, through the real CLI: the acceptance
// scenarios of the diagnostics issue (stall, fail, ok).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE, REPO, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-scenarios-');
after(() => tmp.cleanup());

function report(out: string) {
  return JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
}

test('stall: the monitor reports the stall in time, naming the blocking dataset', { timeout: 90_000 }, async () => {
  const out = join(tmp.path, 'stall');
  const threshold = 3;
  const r = await runCli([
    'run', '--out', out, '--stall-threshold', String(threshold), '--grace', '1',
    '--', process.execPath, EXAMPLE, '--scenario', 'stall', '--speed', '0.3', '--stall-seconds', '7',
  ]);
  assert.equal(r.code, 1, r.stderr);
  const rep = report(out);
  const stall = rep.stalls.find((s: any) => s.source === 'monitor');
  assert.ok(stall, `a monitor stall: ${JSON.stringify(rep.stalls)}`);
  const detectedAfterS = (Date.parse(stall.startedAt) - Date.parse(stall.lastProgressAt)) / 1000;
  assert.ok(detectedAfterS >= threshold, `not before the threshold (${detectedAfterS}s)`);
  assert.ok(detectedAfterS <= threshold + 2, `within threshold + 2 s of the last progress (${detectedAfterS}s)`);
  assert.deepEqual(stall.blockers, ['raw_symbols']);
  assert.ok(stall.pendingTasks.includes('cpg_symbol_edges'));
  assert.equal(stall.cpuBusy, false, 'the stalled build is idle');
  assert.ok(rep.planDiff.missing.includes('cpg_symbol_edges'));
  assert.equal(rep.planDiff.reasons.cpg_symbol_edges, 'blocked_by_dataset');
  assert.deepEqual(rep.planDiff.blockedBy.cpg_symbol_edges, ['raw_symbols']);
  // The live view said so while it happened.
  assert.match(r.stderr, /\[build-diag\] stall: no progress for .*blocked by raw_symbols/);
});

test('fail: outcome failure and a problem at the example file and line', { timeout: 90_000 }, async () => {
  const out = join(tmp.path, 'fail');
  const r = await runCli(['run', '--out', out, '--grace', '1', '--', process.execPath, EXAMPLE, '--scenario', 'fail', '--speed', '0.3']);
  assert.equal(r.code, 1, r.stderr);
  const rep = report(out);
  assert.equal(rep.run.outcome, 'failure');
  const located = rep.problems.filter((p: any) => p.severity === 'error' && p.file);
  assert.ok(located.length > 0, JSON.stringify(rep.problems, null, 1));
  const p = located[0];
  const abs = p.file.startsWith('/') ? p.file : join(REPO, p.file);
  assert.ok(abs.startsWith(join(REPO, 'examples', 'semantic-pipeline', 'src')), `inside the example workspace: ${p.file}`);
  // The line the problem names really holds the failing code.
  const line = readFileSync(abs, 'utf8').split('\n')[p.line - 1] ?? '';
  assert.match(line, /\braise\b/, `line ${p.line} of ${p.file}: ${line}`);
  assert.ok(p.related.length >= 2, 'outer frames as related locations');
  assert.ok(rep.planDiff.failed.length + rep.planDiff.missing.length > 0);
});

test('ok: no problems, no stalls, every expected task executed', { timeout: 90_000 }, async () => {
  const out = join(tmp.path, 'ok');
  const r = await runCli(['run', '--out', out, '--stall-threshold', '3', '--grace', '1', '--', process.execPath, EXAMPLE, '--scenario', 'ok', '--speed', '0.3']);
  assert.equal(r.code, 0, r.stderr);
  const rep = report(out);
  assert.equal(rep.run.outcome, 'success');
  assert.deepEqual(rep.problems, []);
  assert.deepEqual(rep.stalls, []);
  assert.ok(rep.planDiff.expected.length >= 4);
  assert.deepEqual([...rep.planDiff.executed].sort(), [...rep.planDiff.expected].sort());
  assert.deepEqual(rep.planDiff.missing, []);
});
