// Run history on disk: the bundles under `<workspace>/.build-diagnostics/runs`, newest
// first, pruned to `historySize`. The folder ignores itself in git through a generated
// `.gitignore`. Pure node (no `vscode`); the views read it again after a window reload.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRunInfo } from '../bundle/runFile.js';
import { REPORT_JSON } from '../bundle/writer.js';
import type { RunInfo } from '../core/run.js';
import type { Report } from '../core/report/schema.js';
import { lazy } from '../core/lazy.js';
import { HISTORY_DIR } from './buildSpec.js';

// Built when a report is first read (the report schema is large), not on activation.
const reportSchema = lazy(() => require('../core/report/schema.js') as typeof import('../core/report/schema.js'));

export interface HistoryEntry {
  dir: string;
  info: RunInfo;
}

/** Bundles whose report.json is bigger are not opened by the views (the CLI still can). */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;
/** Folders looked at per listing: a runs folder filled by hand must not freeze the host. */
const MAX_LISTED = 5000;

export function historyRoot(workspaceRoot: string): string {
  return resolve(workspaceRoot, HISTORY_DIR);
}

export function ensureHistoryDir(workspaceRoot: string): string {
  const runs = historyRoot(workspaceRoot);
  mkdirSync(runs, { recursive: true });
  const ignore = join(runs, '..', '.gitignore');
  if (!existsSync(ignore)) {
    writeFileSync(ignore, '# Written by Build Diagnostics: run bundles are local files, never committed.\n*\n');
  }
  return runs;
}

/** Newest first. Folders that are not bundles are skipped, never deleted. */
export function listRuns(workspaceRoot: string): HistoryEntry[] {
  const runs = historyRoot(workspaceRoot);
  let names: string[];
  try {
    names = readdirSync(runs).slice(0, MAX_LISTED);
  } catch {
    return [];
  }
  const out: HistoryEntry[] = [];
  for (const name of names) {
    const dir = join(runs, name);
    try {
      out.push({ dir, info: readRunInfo(dir) });
    } catch {
      // not a bundle (or being written right now): not part of the history
    }
  }
  return out.sort((a, b) => b.info.startedAt.localeCompare(a.info.startedAt) || b.dir.localeCompare(a.dir));
}

export function readReport(dir: string): Report | undefined {
  const file = join(dir, REPORT_JSON);
  try {
    if (statSync(file).size > MAX_REPORT_BYTES) return undefined;
    const r = reportSchema().ReportSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Deletes the oldest bundles beyond `keep`; never one listed in `exclude` (live runs). */
export function pruneHistory(workspaceRoot: string, keep: number, exclude: ReadonlySet<string> = new Set()): string[] {
  const removed: string[] = [];
  const all = listRuns(workspaceRoot).filter((e) => !exclude.has(resolve(e.dir)));
  for (const e of all.slice(Math.max(0, keep))) {
    rmSync(e.dir, { recursive: true, force: true });
    removed.push(e.dir);
  }
  return removed;
}

export function clearHistory(workspaceRoot: string, exclude: ReadonlySet<string> = new Set()): string[] {
  return pruneHistory(workspaceRoot, 0, exclude);
}
