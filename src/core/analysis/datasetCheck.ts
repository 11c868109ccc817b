// Our own dataset readiness check, for builds that do not report readiness themselves (the
// real pipeline never emits dataset_readiness_v1, codeanatomy-telemetry.md §3). Run before
// launch (preflight) and again when a stall is suspected (recheck). Status/reason pairs are
// the pipeline's vocabulary so our states and the build's read the same.
//
// This is the only analysis that touches the file system. It never throws: a permission
// error or an odd file type becomes a state with status `unknown` and a reason.
import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogRecord } from '../model.js';
import type { DatasetState, ReadinessStatus } from '../report/schema.js';
import { READINESS_EVENT, SOURCE_ATTR, ownEvent } from './ownEvents.js';

export const DATASET_FORMATS = ['delta', 'parquet', 'csv', 'dir'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface DatasetDecl {
  name: string;
  path: string;
  format?: DatasetFormat;
  /** Default true: a declared dataset is assumed needed unless said otherwise. */
  required?: boolean;
}

/** Entries visited per check at most: a huge table must not stall the monitor's tick. */
export const MAX_WALK_ENTRIES = 10_000;
const MAX_DEPTH = 16;

export const REASONS: Record<ReadinessStatus, string> = {
  ok: 'ok',
  remote_path: 'remote_scheme',
  missing_location: 'no_dataset_location_configured',
  missing_path: 'path_not_found',
  missing_delta_log: 'delta_log_missing',
  empty_delta_log: 'delta_log_empty',
  empty_path: 'no_files_found',
  unknown: 'unknown',
};

/** Parse the CLI's `--dataset name=path[:format]`. Only a trailing `:delta|parquet|csv|dir`
 * is a format, so `C:\data\x` and `s3://b/k` keep their colons. */
export function parseDatasetFlag(s: string): DatasetDecl {
  const eq = s.indexOf('=');
  if (eq < 0) throw new Error(`--dataset ${JSON.stringify(s)}: expected name=path[:format]`);
  const name = s.slice(0, eq).trim();
  let path = s.slice(eq + 1).trim();
  if (name === '') throw new Error(`--dataset ${JSON.stringify(s)}: the dataset name is empty (expected name=path[:format])`);
  if (/\s/.test(name) || name.length > 200) {
    throw new Error(`--dataset ${JSON.stringify(s)}: the dataset name must be a short word without spaces`);
  }
  let format: DatasetFormat | undefined;
  const m = /:(delta|parquet|csv|dir)$/i.exec(path);
  // `x:csv` where x is a single letter would be a drive letter with a relative name; only
  // strip when something besides a drive is left.
  if (m && !/^[A-Za-z]$/.test(path.slice(0, m.index))) {
    format = m[1]!.toLowerCase() as DatasetFormat;
    path = path.slice(0, m.index);
  }
  if (path === '') throw new Error(`--dataset ${JSON.stringify(s)}: the path is empty (expected name=path[:format])`);
  return format ? { name, path, format } : { name, path };
}

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;

function state(decl: DatasetDecl, source: 'preflight' | 'recheck', now: Date, status: ReadinessStatus, extra: Partial<DatasetState> = {}): DatasetState {
  return {
    dataset: decl.name,
    path: decl.path === '' ? null : decl.path,
    format: decl.format ?? null,
    status,
    reason: REASONS[status],
    source,
    required: decl.required ?? true,
    fileCount: null,
    deltaLogFileCount: null,
    checkedAt: now.toISOString(),
    ...extra,
  };
}

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'error';
}

function statOf(p: string): Stats | { error: string } {
  try {
    return statSync(p);
  } catch (e) {
    return { error: errCode(e) };
  }
}

function readDir(p: string): Dirent[] | { error: string } {
  try {
    return readdirSync(p, { withFileTypes: true });
  } catch (e) {
    return { error: errCode(e) };
  }
}

/** Delta commit files: 20-digit version JSON, or a (multi-part / v2) checkpoint parquet. */
const DELTA_COMMIT = /^\d{20}(\.json|\.checkpoint(\.[^/]+)?\.parquet)$/;

/** Data files under `root` matching `accept`, not descending into `_delta_log`, hidden
 * (`.x`) or underscore (`_x`) folders; bounded by MAX_WALK_ENTRIES. */
function countFiles(root: string, accept: (name: string) => boolean): number {
  let count = 0;
  let visited = 0;
  const stack: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  while (stack.length > 0 && visited < MAX_WALK_ENTRIES) {
    const { dir, depth } = stack.pop()!;
    const entries = readDir(dir);
    if (!Array.isArray(entries)) continue;
    for (const e of entries) {
      if (++visited > MAX_WALK_ENTRIES) break;
      const name = e.name;
      if (name.startsWith('.') || name.startsWith('_')) continue;
      // Symlinked folders are not followed (loops); a symlink to a file counts.
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH) stack.push({ dir: join(dir, name), depth: depth + 1 });
      } else if ((e.isFile() || e.isSymbolicLink()) && accept(name)) count++;
    }
  }
  return count;
}

const ACCEPT: Record<Exclude<DatasetFormat, 'delta'>, (n: string) => boolean> = {
  parquet: (n) => /\.(parquet|parq)$/i.test(n),
  csv: (n) => /\.(csv|tsv)(\.gz|\.bz2|\.zst)?$/i.test(n),
  dir: () => true,
};

function resolvePath(p: string, cwd: string): string {
  if (/^file:\/\//i.test(p)) return fileURLToPath(p);
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(cwd, p);
}

/** Check one declared dataset. Never throws. */
export function checkDataset(decl: DatasetDecl, cwd: string, source: 'preflight' | 'recheck', now: Date = new Date()): DatasetState {
  try {
    const raw = decl.path.trim();
    if (raw === '') return state(decl, source, now, 'missing_location');
    if (REMOTE.test(raw) && !/^file:/i.test(raw)) return state(decl, source, now, 'remote_path');
    const abs = resolvePath(raw, cwd);
    const st = statOf(abs);
    if ('error' in st) {
      if (st.error === 'ENOENT' || st.error === 'ENOTDIR') return state(decl, source, now, 'missing_path');
      return state(decl, source, now, 'unknown', { reason: `stat_failed: ${st.error}` });
    }
    let format = decl.format;
    if (format === undefined) {
      // Undeclared format: a folder with a _delta_log is a Delta table, else a plain folder.
      const log = st.isDirectory() ? statOf(join(abs, '_delta_log')) : undefined;
      format = log && !('error' in log) && log.isDirectory() ? 'delta' : 'dir';
    }
    const withFormat = { format };
    if (format === 'delta') {
      if (!st.isDirectory()) return state(decl, source, now, 'missing_delta_log', withFormat);
      const entries = readDir(join(abs, '_delta_log'));
      if (!Array.isArray(entries)) {
        if (entries.error === 'ENOENT' || entries.error === 'ENOTDIR') return state(decl, source, now, 'missing_delta_log', withFormat);
        return state(decl, source, now, 'unknown', { ...withFormat, reason: `delta_log_unreadable: ${entries.error}` });
      }
      let commits = 0;
      for (const e of entries.slice(0, MAX_WALK_ENTRIES)) if (DELTA_COMMIT.test(e.name)) commits++;
      const fileCount = countFiles(abs, ACCEPT.parquet);
      const counts = { ...withFormat, deltaLogFileCount: commits, fileCount };
      return state(decl, source, now, commits === 0 ? 'empty_delta_log' : 'ok', counts);
    }
    if (st.isFile()) return state(decl, source, now, 'ok', { ...withFormat, fileCount: 1 });
    if (!st.isDirectory()) return state(decl, source, now, 'unknown', { ...withFormat, reason: 'not_a_file_or_directory' });
    const listing = readDir(abs);
    if (!Array.isArray(listing)) return state(decl, source, now, 'unknown', { ...withFormat, reason: `unreadable: ${listing.error}` });
    const fileCount = countFiles(abs, ACCEPT[format]);
    return state(decl, source, now, fileCount === 0 ? 'empty_path' : 'ok', { ...withFormat, fileCount });
  } catch (e) {
    return state(decl, source, now, 'unknown', { reason: `check_failed: ${errCode(e)}` });
  }
}

/** Blocking = neither ok nor remote (we cannot check remote paths, the build can). */
export function isBlocking(status: ReadinessStatus): boolean {
  return status !== 'ok' && status !== 'remote_path';
}

/** Our dataset_readiness_v1 record for a state (WARN when it blocks). */
export function readinessEvent(s: DatasetState): LogRecord {
  const local = s.status !== 'remote_path' && s.status !== 'missing_location' && s.status !== 'unknown';
  const timeMs = s.checkedAt ? Date.parse(s.checkedAt) : Date.now();
  return ownEvent(READINESS_EVENT, Number.isFinite(timeMs) ? timeMs : Date.now(), isBlocking(s.status) ? 'WARN' : 'INFO', {
    dataset: s.dataset,
    path: s.path,
    format: s.format,
    status: s.status,
    reason: s.reason,
    path_exists: local ? s.status !== 'missing_path' : undefined,
    delta_log_present: s.format === 'delta' && local && s.status !== 'missing_path' ? s.status !== 'missing_delta_log' : undefined,
    delta_log_file_count: s.deltaLogFileCount,
    file_count: s.fileCount,
    [SOURCE_ATTR]: s.source === 'telemetry' ? undefined : s.source,
    required: s.required,
  });
}
