// Running a small Node child (an OTel-instrumented emitter) to completion, with the test
// process's environment minus every OTEL_* variable, plus the given ones.
import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runNodeChild(script: string, o: { args?: string[]; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ChildResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_'))) as Record<string, string>;
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [script, ...(o.args ?? [])], { env: { ...base, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 25_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}
