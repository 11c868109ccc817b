// Ctrl-C on the CLI cancels the build cleanly: the whole process tree goes, the run is
// recorded as cancelled, the CLI exits 130.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-cli-cancel-');
after(() => tmp.cleanup());

/** Alive and not a zombie (a killed process whose parent has not reaped it yet is gone for
 * every practical purpose; in a container PID 1 may reap late or never). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

test('SIGINT to the CLI stops a build that ignores SIGINT and has a grandchild', { timeout: 60_000 }, async () => {
  const pidFile = join(tmp.path, 'pids');
  const script = join(tmp.path, 'stubborn.js');
  writeFileSync(
    script,
    `const { spawn } = require('node:child_process');
     process.on('SIGINT', () => {});
     const g = spawn(process.execPath, ['-e', "process.on('SIGINT',()=>{});process.on('SIGTERM',()=>{});setInterval(()=>{},1000)"], { stdio: 'ignore' });
     require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, process.pid + ' ' + g.pid);
     console.log('ready');
     setInterval(() => {}, 1000);`,
  );
  const out = join(tmp.path, 'bundle');
  let cliPid = 0;
  const running = runCli(['run', '--json', '--out', out, '--grace', '0', '--', process.execPath, script], { onSpawn: (p) => (cliPid = p) });
  // wait for the build to be up
  const deadline = Date.now() + 20_000;
  let pids: number[] = [];
  while (Date.now() < deadline) {
    try {
      pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
      if (pids.length === 2) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(pids.length, 2, 'build started');
  process.kill(cliPid, 'SIGINT');
  const r = await running;
  assert.equal(r.code, 130, r.stderr);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(run.outcome, 'cancelled');
  for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} survived`);
});

test('a cancel asked for before the child exists still stops the build', { timeout: 60_000 }, async () => {
  const { BuildSession } = await import('../../src/launch/session.js');
  const session = new BuildSession({ argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], cwd: tmp.path, outDir: join(tmp.path, 'early'), graceS: 0 });
  const running = session.run();
  await session.cancel();
  const result = await running;
  assert.equal(result.info.outcome, 'cancelled');
  assert.equal(result.exitCode, 130);
  assert.ok(result.info.pid && !alive(result.info.pid), 'the child is gone');
});
