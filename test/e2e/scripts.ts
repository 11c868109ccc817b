// Runs one of the scripts/e2e/*.mjs helpers in a child Node process: progress (stderr)
// is passed through so a slow first-time setup shows what it is doing; stdout is returned.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export function runScript(script: string, args: string[], timeoutMs = 20 * 60_000): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.length > 100_000) err = err.slice(-50_000);
      process.stderr.write(b);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) res(out);
      else rej(new Error(`${script} failed (exit ${code}):\n${err.slice(-6000)}`));
    });
  });
}
