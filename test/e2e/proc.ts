// Child-process and temp-dir bookkeeping for the e2e harness: nothing it starts may
// outlive the test process, even when a test fails or the runner kills the file.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Screenshots and logs kept for people to look at after a run (git-ignored). */
export const OUTPUT_DIR = join(resolve(__dirname, '..', '..'), 'test-output', 'e2e');

export const live = new Set<{ pid: number; dir: string }>();
let exitHooked = false;
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}
export function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const p of live) {
      if (p.pid > 0) killGroup(p.pid, 'SIGKILL');
      try { rmSync(p.dir, { recursive: true, force: true }); } catch { /* best effort */ }
    }
  });
  // 'exit' does not run on a fatal signal unless someone handles it.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));
  }
}

/**
 * A temp folder to open as the workspace, with the given files (relative path -> text).
 * Removed by the exit handler too, so a killed test run leaves nothing behind.
 */
export function createWorkspace(files: Record<string, string> = {}): { path: string; remove(): void } {
  hookExit();
  const path = mkdtempSync(join(tmpdir(), 'bd-e2e-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    const file = join(path, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const entry = { pid: 0, dir: path };
  live.add(entry);
  return {
    path,
    remove() {
      live.delete(entry);
      rmSync(path, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export function httpStatus(url: string): Promise<number> {
  return new Promise((res) => {
    const req = request(url, { method: 'GET', timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode ?? 0);
    });
    req.on('error', () => res(0));
    req.on('timeout', () => { req.destroy(); res(0); });
    req.end();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Run from a VS Code terminal, the VSCODE_* variables (VSCODE_IPC_HOOK_CLI above all)
// would make code-server hand our commands to that other instance instead.
export function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VSCODE_')) env[k] = v;
  return env;
}

export function runToEnd(cmd: string, args: string[], logFile: string, timeoutMs: number): Promise<void> {
  return new Promise((res, rej) => {
    const fd = openSync(logFile, 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: true, env: serverEnv() });
    closeSync(fd);
    const timer = setTimeout(() => { killGroup(child.pid ?? 0, 'SIGKILL'); rej(new Error(`timed out: ${args.join(' ')}`)); }, timeoutMs);
    child.on('error', rej);
    child.on('exit', (code) => {
      clearTimeout(timer);
      code === 0 ? res() : rej(new Error(`\`${args.join(' ')}\` exited ${code}:\n${readFileSync(logFile, 'utf8').slice(-4000)}`));
    });
  });
}

