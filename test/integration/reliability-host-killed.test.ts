// The host dies mid-run (the CLI is SIGKILLed while the build is sending). The bundle is
// left as it was at that moment; `build-diag report` on it still works, says it is partial,
// and holds what had been received.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { CLI, REPO, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-rel-host-');
const FAULTY = join(REPO, 'test', 'fixtures', 'reliability', 'faulty-build.mjs');
let orphan = 0;
after(() => {
  // The build outlives a SIGKILLed host (nobody is left to stop it): stop it here.
  if (orphan) {
    try {
      process.kill(orphan, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  tmp.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ticks(out: string): number {
  try {
    return (readFileSync(join(out, 'telemetry.otlp.jsonl'), 'utf8').match(/"tick-\d+"/g) ?? []).length;
  } catch {
    return 0;
  }
}

test('SIGKILL of the CLI mid-run: the truncated bundle still gives a (partial) report', { timeout: 60_000 }, async () => {
  const out = join(tmp.path, 'bundle');
  const cli = spawn(process.execPath, [CLI, 'run', '--out', out, '--', process.execPath, FAULTY, 'forever'], { cwd: REPO, stdio: 'ignore', env: { ...process.env, CI: '1' } });
  const exited = new Promise<NodeJS.Signals | null>((r) => cli.on('exit', (_c, s) => r(s)));
  for (let i = 0; i < 300 && ticks(out) < 5; i++) await sleep(50);
  assert.ok(ticks(out) >= 5, 'the build was sending');
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  orphan = run.pid;
  cli.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const received = ticks(out);

  assert.equal(run.outcome, 'running', 'run.json was never finalised');
  assert.equal(existsSync(join(out, 'report.json')), false);
  const md = await runCli(['report', out]);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /\*\*Partial\*\*/);
  assert.match(md.stderr, /partial/);
  const js = await runCli(['report', '--format', 'json', out]);
  assert.equal(js.code, 0, js.stderr);
  const report = JSON.parse(js.stdout);
  assert.equal(report.run.partial, true);
  assert.equal(report.run.outcome, 'running');
  // Everything that reached the file before the kill is counted in the rebuilt report
  // (the root span never ended, so the build's ticks are the only spans).
  assert.ok(report.telemetry.spans >= received, `${report.telemetry.spans} spans in the report, ${received} ticks written`);
  assert.ok(existsSync(join(out, 'report.md')), 'the report was written into the bundle');

  // Killed in the middle of an append: the last line is cut short. Still a report.
  appendFileSync(join(out, 'telemetry.otlp.jsonl'), '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"ab');
  const cut = await runCli(['report', '--format', 'json', out]);
  assert.equal(cut.code, 0, cut.stderr);
  assert.match(cut.stderr, /cut short/);
  assert.equal(JSON.parse(cut.stdout).telemetry.spans, report.telemetry.spans);
});
