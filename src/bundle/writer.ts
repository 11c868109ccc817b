// The run bundle on disk, written as data arrives so that a crash of the host loses at most
// the batch being written. Layout (docs/bundle.md):
//   run.json              RunInfo, written at start and rewritten (atomically) at the end
//   telemetry.otlp.jsonl  one OTLP/JSON Export*ServiceRequest per line (the Collector
//                         file-exporter format): the build's telemetry, our root span,
//                         stdout/stderr lines as log records, our monitor's observations
//   stdio.log             the child's stdout and stderr bytes, as the user saw them
//   report.json / .md / .html   written at the end, rebuilt by `build-diag report`
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunInfo } from '../core/run.js';

export const RUN_FILE = 'run.json';
export const TELEMETRY_FILE = 'telemetry.otlp.jsonl';
export const STDIO_FILE = 'stdio.log';
export const REPORT_JSON = 'report.json';
export const REPORT_MD = 'report.md';
export const REPORT_HTML = 'report.html';

export class BundleError extends Error {}

/** Low-level file operations, injectable so tests can simulate a full disk. */
export interface BundleFs {
  openSync: typeof openSync;
  writeSync: (fd: number, data: string | Uint8Array) => number;
  closeSync: typeof closeSync;
}
const realFs: BundleFs = { openSync, writeSync: (fd, d) => writeSync(fd, d as never), closeSync };

export class BundleWriter {
  private telemetryFd: number | undefined;
  private stdioFd: number | undefined;
  private failed: string | undefined;
  private readonly onError: (message: string) => void;
  readonly dir: string;
  private bytesWritten = 0;
  /** After create(): a failing write no longer throws (the run must go on), it is reported. */
  private opened = false;

  private constructor(dir: string, private readonly fs: BundleFs, onError: (message: string) => void) {
    this.dir = dir;
    this.onError = onError;
  }

  /** Create the bundle folder and its files. Throws BundleError with a readable message
   * when the folder cannot be created or written. */
  static create(dir: string, info: RunInfo, opts: { fs?: BundleFs; onError?: (m: string) => void } = {}): BundleWriter {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new BundleError(`cannot create the run folder ${dir}: ${describe(e)}`);
    }
    const w = new BundleWriter(dir, opts.fs ?? realFs, opts.onError ?? (() => {}));
    try {
      w.writeRunInfo(info);
      w.telemetryFd = w.fs.openSync(join(dir, TELEMETRY_FILE), 'a');
      w.stdioFd = w.fs.openSync(join(dir, STDIO_FILE), 'a');
    } catch (e) {
      throw new BundleError(`cannot write the run folder ${dir}: ${describe(e)}`);
    }
    w.opened = true;
    return w;
  }

  /** The first write error, if any: from then on nothing more is written (telemetry stays
   * in memory for the live views). */
  get error(): string | undefined {
    return this.failed;
  }

  get telemetryBytes(): number {
    return this.bytesWritten;
  }

  appendRequest(request: unknown): void {
    if (this.telemetryFd === undefined || this.failed) return;
    const line = JSON.stringify(request) + '\n';
    this.write(this.telemetryFd, line, TELEMETRY_FILE);
    this.bytesWritten += line.length;
  }

  /** A line serialized elsewhere (UTF-8, newline included): the ingest worker's. */
  appendLine(line: Uint8Array): void {
    if (this.telemetryFd === undefined || this.failed) return;
    this.write(this.telemetryFd, line, TELEMETRY_FILE);
    this.bytesWritten += line.length;
  }

  appendStdio(chunk: Uint8Array): void {
    if (this.stdioFd === undefined || this.failed) return;
    this.write(this.stdioFd, chunk, STDIO_FILE);
  }

  private write(fd: number, data: string | Uint8Array, file: string): void {
    try {
      this.fs.writeSync(fd, data);
    } catch (e) {
      this.fail(file, e);
    }
  }

  /** The first failure is reported; later ones (the same full disk) only keep it. */
  private fail(file: string, e: unknown): void {
    if (this.failed) return;
    this.failed = `writing ${file} in ${this.dir} failed (${describe(e)}); the run goes on and its telemetry stays in memory, but the bundle is incomplete`;
    this.onError(this.failed);
  }

  /** Atomic rewrite of run.json (write a temporary file, then rename over). Once the bundle
   * is open, a failure (disk full) is reported through onError instead of thrown. */
  writeRunInfo(info: RunInfo): void {
    const path = join(this.dir, RUN_FILE);
    try {
      writeAtomic(path, JSON.stringify(info, null, 2) + '\n');
    } catch (e) {
      if (!this.opened) throw e;
      removeQuietly(`${path}.${process.pid}.tmp`);
      this.fail(RUN_FILE, e);
    }
  }

  writeFile(name: string, content: string): void {
    writeAtomic(join(this.dir, name), content);
  }

  close(): void {
    for (const fd of [this.telemetryFd, this.stdioFd]) {
      if (fd === undefined) continue;
      try {
        fsyncSync(fd);
      } catch {
        // fsync is best effort (some file systems refuse it)
      }
      try {
        this.fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.telemetryFd = undefined;
    this.stdioFd = undefined;
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // nothing more to do on a failing disk
  }
}

export function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

export function describe(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    const err = e as NodeJS.ErrnoException;
    return `${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}`;
  }
  return e instanceof Error ? e.message : String(e);
}
