import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { spawnBuild, LaunchError, type SpawnedBuild } from '../../src/launch/process.js';

const REPO = resolve(__dirname, '../..');
const CHILDREN = resolve(__dirname, '../fixtures/children');
const tmp = mkdtempSync(join(tmpdir(), 'launch-process-'));
const env = { ...process.env } as Record<string, string>;
const spawned: SpawnedBuild[] = [];
const strays = new Set<number>();

after(async () => {
  // Belt and braces: nothing a test started may survive it, even when an assert failed.
  await Promise.all(spawned.map((b) => b.cancel({ intGraceMs: 100, termGraceMs: 100 })));
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** Alive = signalable and not a zombie (an exited process waiting for init to reap it). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

function start(argv: string[], extra: Partial<Parameters<typeof spawnBuild>[0]> = {}): SpawnedBuild {
  const b = spawnBuild({ argv, cwd: tmp, env, ...extra });
  spawned.push(b);
  return b;
}

/** Collects stdout text and resolves once `pred` holds for it. */
function waitForOutput(b: SpawnedBuild, pred: (text: string) => boolean): Promise<string> {
  return new Promise((resolveText, reject) => {
    let text = '';
    const onData = (c: Buffer): void => {
      text += c.toString('utf8');
      if (pred(text)) {
        b.stdout.removeListener('data', onData);
        resolveText(text);
      }
    };
    b.stdout.on('data', onData);
    b.stdout.once('end', () => (pred(text) ? resolveText(text) : reject(new Error(`stdout ended: ${text}`))));
  });
}

function pidOf(text: string, label: string): number {
  const m = new RegExp(`^${label} (\\d+)$`, 'm').exec(text);
  assert.ok(m, `no "${label} <pid>" line in ${JSON.stringify(text)}`);
  const pid = Number(m[1]);
  strays.add(pid);
  return pid;
}

describe('spawnBuild cancellation', () => {
  test('child ignoring SIGINT with a setsid grandchild ignoring SIGTERM: nothing survives cancel()', { timeout: 30000 }, async () => {
    const b = start([process.execPath, join(CHILDREN, 'proc-stubborn.mjs')]);
    const text = await waitForOutput(b, (t) => /^child \d+$/m.test(t) && /^grandchild \d+$/m.test(t));
    const child = pidOf(text, 'child');
    const grandchild = pidOf(text, 'grandchild');
    assert.equal(child, b.pid);
    assert.ok(isAlive(grandchild));
    await b.cancel({ intGraceMs: 300, termGraceMs: 300 });
    assert.equal(isAlive(child), false, 'child survived');
    assert.equal(isAlive(grandchild), false, 'grandchild survived');
    const exit = await b.exited;
    // SIGINT was ignored, so SIGTERM is what ended the child.
    assert.equal(exit.signal, 'SIGTERM');
    assert.equal(exit.code, null);
  });

  test('a grandchild whose parent exited (re-parented to init) is still found', { timeout: 30000 }, async () => {
    const b = start([process.execPath, join(CHILDREN, 'proc-doublefork.mjs'), '1500'], { trackIntervalMs: 200 });
    const text = await waitForOutput(b, (t) => /^grandchild \d+$/m.test(t) && t.includes('intermediate-exited'));
    const grandchild = pidOf(text, 'grandchild');
    assert.ok(isAlive(grandchild));
    await b.cancel({ intGraceMs: 200, termGraceMs: 200 });
    assert.equal(isAlive(grandchild), false, 'grandchild survived');
    assert.equal(isAlive(b.pid), false);
  });

  test('after the root exits, a leftover daemon is reaped before exited resolves', { timeout: 30000 }, async () => {
    const b = start([process.execPath, join(CHILDREN, 'proc-daemon.mjs')], { reapGraceMs: 300 });
    const out = waitForOutput(b, (t) => /^grandchild \d+$/m.test(t));
    const exit = await b.exited;
    const grandchild = pidOf(await out, 'grandchild');
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(isAlive(grandchild), false, 'daemon grandchild survived');
  });

  test('a host that exits abruptly takes the build tree with it', { timeout: 30000 }, async () => {
    const host = spawn(process.execPath, ['--import', 'tsx', join(CHILDREN, 'proc-host.ts')], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    host.stdout.on('data', (c: Buffer) => (text += c.toString()));
    const [code] = (await once(host, 'exit')) as [number | null];
    assert.equal(code, 0);
    const child = pidOf(text, 'child');
    const grandchild = pidOf(text, 'grandchild');
    // SIGKILL was sent synchronously; give the kernel and init a moment to reap.
    for (let i = 0; i < 100 && (isAlive(child) || isAlive(grandchild)); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(child), false, 'child survived its host');
    assert.equal(isAlive(grandchild), false, 'grandchild survived its host');
  });

  test('cancel after exit resolves at once', { timeout: 10000 }, async () => {
    const b = start([process.execPath, '-e', 'process.exit(0)']);
    await b.exited;
    await b.cancel();
    assert.equal(isAlive(b.pid), false);
  });
});

describe('spawnBuild basics', () => {
  test('exit code, env and stdout pass through', { timeout: 10000 }, async () => {
    const b = start([process.execPath, '-e', 'console.log(process.env.LAUNCH_TEST_VAR); process.exit(3)'], {
      env: { ...env, LAUNCH_TEST_VAR: 'hello-env' },
    });
    const text = await waitForOutput(b, (t) => t.includes('\n'));
    assert.equal(text.trim(), 'hello-env');
    assert.deepEqual(await b.exited, { code: 3, signal: null });
  });

  test('a command found on PATH runs, with no shell interpretation of arguments', { timeout: 10000 }, async () => {
    const b = start(['echo', '$HOME', '*']);
    const text = await waitForOutput(b, (t) => t.includes('\n'));
    assert.equal(text, '$HOME *\n');
    await b.exited;
  });

  test('shell: true runs through /bin/sh', { timeout: 10000 }, async () => {
    const b = start(['echo', '"$LAUNCH_TEST_VAR"'], { shell: true, env: { ...env, LAUNCH_TEST_VAR: 'via-shell' } });
    const text = await waitForOutput(b, (t) => t.includes('\n'));
    assert.equal(text, 'via-shell\n');
    await b.exited;
  });
});

describe('spawnBuild launch errors', () => {
  test('missing command → LaunchError naming it', () => {
    assert.throws(
      () => start(['no-such-command-xyz-123', '--secret-arg']),
      (e: unknown) => e instanceof LaunchError && e.code === 'ENOENT' && e.message === 'command not found: no-such-command-xyz-123 (searched PATH)',
    );
  });

  test('missing command given as a path → LaunchError', () => {
    assert.throws(
      () => start(['./nope.sh']),
      (e: unknown) => e instanceof LaunchError && e.code === 'ENOENT' && e.message === 'command not found: ./nope.sh',
    );
  });

  test('non-executable file → LaunchError EACCES', () => {
    const file = join(tmp, 'not-exec.sh');
    writeFileSync(file, '#!/bin/sh\necho hi\n');
    chmodSync(file, 0o644);
    assert.throws(
      () => start(['./not-exec.sh']),
      (e: unknown) => e instanceof LaunchError && e.code === 'EACCES' && /permission denied: \.\/not-exec\.sh/.test(e.message),
    );
  });

  test('non-existent cwd → LaunchError', () => {
    const cwd = join(tmp, 'does-not-exist');
    assert.throws(
      () => start(['echo', 'x'], { cwd }),
      (e: unknown) => e instanceof LaunchError && e.code === 'ENOCWD' && e.message === `working directory does not exist: ${cwd}`,
    );
  });

  test('cwd that is a file → LaunchError', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    assert.throws(
      () => start(['echo', 'x'], { cwd: file }),
      (e: unknown) => e instanceof LaunchError && e.code === 'ENOCWD' && /not a directory/.test(e.message),
    );
  });

  test('empty argv → LaunchError', () => {
    assert.throws(() => start([]), (e: unknown) => e instanceof LaunchError && e.code === 'EEMPTY');
  });
});
