// Retention of run bundles: keep the last N runs and at most M bytes of bundles in a runs
// folder, deleting the oldest first. A folder is a bundle when it holds a readable run.json;
// anything else in the folder is never touched. The newest bundle is always kept (even when
// it alone is over the byte budget: it is the run the user is about to look at), and so is
// every folder in `exclude` (runs still recording).
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRunInfo } from './runFile.js';

export interface RetentionPolicy {
  /** Bundles kept, newest first. */
  maxRuns?: number;
  /** Total bytes of the kept bundles. */
  maxBytes?: number;
}

export interface RetentionResult {
  removed: string[];
  keptRuns: number;
  keptBytes: number;
}

/** Folders looked at: a runs folder filled by hand must not stall the caller. */
const MAX_LISTED = 10_000;
const MAX_FILES_PER_BUNDLE = 100_000;

/** Bytes of the files under `dir` (symbolic links are not followed). */
export function folderBytes(dir: string): number {
  let total = 0;
  let files = 0;
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      if (++files > MAX_FILES_PER_BUNDLE) return;
      const p = join(d, n);
      try {
        const st = lstatSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) total += st.size;
      } catch {
        // vanished meanwhile
      }
    }
  };
  walk(dir);
  return total;
}

/** Bundles of a runs folder, newest first (by start time, then run id — UUIDv7 sorts by time). */
export function listBundles(runsDir: string): { dir: string; startedAt: string; runId: string }[] {
  let names: string[];
  try {
    names = readdirSync(runsDir).slice(0, MAX_LISTED);
  } catch {
    return [];
  }
  const out: { dir: string; startedAt: string; runId: string }[] = [];
  for (const n of names) {
    const dir = join(runsDir, n);
    try {
      if (!lstatSync(dir).isDirectory()) continue;
      const info = readRunInfo(dir);
      out.push({ dir, startedAt: info.startedAt, runId: info.runId });
    } catch {
      // not a bundle: never deleted
    }
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
}

export function applyRetention(runsDir: string, policy: RetentionPolicy, exclude: ReadonlySet<string> = new Set()): RetentionResult {
  const maxRuns = policy.maxRuns ?? Number.POSITIVE_INFINITY;
  const maxBytes = policy.maxBytes ?? Number.POSITIVE_INFINITY;
  const removed: string[] = [];
  let keptRuns = 0;
  let keptBytes = 0;
  const excluded = new Set([...exclude].map((d) => resolve(d)));
  const all = listBundles(runsDir);
  // Once one bundle does not fit, every older one goes too: oldest are deleted first, never
  // a newer one in favour of an older, smaller one.
  let cut = false;
  all.forEach((b, i) => {
    const bytes = folderBytes(b.dir);
    const live = excluded.has(resolve(b.dir));
    if (!cut && i > 0 && !(keptRuns < maxRuns && keptBytes + bytes <= maxBytes)) cut = true;
    if (live || i === 0 || !cut) {
      keptRuns++;
      keptBytes += bytes;
      return;
    }
    try {
      rmSync(b.dir, { recursive: true, force: true });
      removed.push(b.dir);
    } catch {
      // in use or not ours to delete: kept
      keptRuns++;
      keptBytes += bytes;
    }
  });
  return { removed, keptRuns, keptBytes };
}
