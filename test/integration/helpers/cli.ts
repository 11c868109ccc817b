// Running the real `build-diag` CLI (the built bundle) in a child process, as a user does.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..', '..');
export const CLI = join(REPO, 'bin', 'build-diag.js');
export const EXAMPLE = join(REPO, 'examples', 'semantic-pipeline', 'pipeline.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onSpawn?: (pid: number) => void } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, CI: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`build-diag ${args.join(' ')} timed out\nstdout:${stdout}\nstderr:${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    if (child.pid) opts.onSpawn?.(child.pid);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

export function tempDir(prefix = 'bd-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Every OTLP/JSON request line of a bundle. */
export function readTelemetry(bundle: string): Record<string, unknown>[] {
  return readFileSync(join(bundle, 'telemetry.otlp.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  serviceName?: string;
  attributes: Record<string, unknown>;
}

/** Spans of a bundle, flattened, with their service name. */
export function bundleSpans(bundle: string): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const req of readTelemetry(bundle)) {
    for (const rs of (req.resourceSpans as any[]) ?? []) {
      const svc = (rs.resource?.attributes ?? []).find((a: any) => a.key === 'service.name')?.value?.stringValue;
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          const attributes: Record<string, unknown> = {};
          for (const a of s.attributes ?? []) attributes[a.key] = Object.values(a.value ?? {})[0];
          out.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, serviceName: svc, attributes });
        }
      }
    }
  }
  return out;
}

/** All files of a folder, recursively, with their contents. */
export function readAllFiles(dir: string): { path: string; content: Buffer }[] {
  const out: { path: string; content: Buffer }[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) out.push(...readAllFiles(p));
    else out.push({ path: p, content: readFileSync(p) });
  }
  return out;
}
