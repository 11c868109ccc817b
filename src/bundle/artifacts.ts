// The build's own files (run_diagnostics_report.json, otel_*.json, diagnostics_report.json
// …), found by glob under the build's cwd and copied into the bundle's `artifacts/` folder
// with size and sha256, so the run stays complete when the build's output folder is
// cleaned. Only files modified during the run count.
//
// Matching uses picomatch (small, no dependencies, the matcher behind fast-glob and
// tinyglobby) on a walk of our own: node 20 has no fs.glob, and walking ourselves lets us
// skip symlinks, prune folders that never hold build artifacts (node_modules, .git, our own
// .build-diagnostics bundles), filter by mtime as we go and bound the work on huge trees.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, type Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { z } from 'zod';
import type { ArtifactEntrySchema } from '../core/runSchema.js';
import { describe } from './writer.js';
import {
  SIGNAL_OF_KIND,
  artifactKind,
  importArtifactTelemetry,
  parseDiagnosticsReport,
  parseRunDiagnosticsReport,
  type BuildSaysFigures,
  type PipelineParseOptions,
} from '../core/artifacts/index.js';
import type { OtlpRequest } from '../core/otlp/index.js';
import type { Problem } from '../core/report/schema.js';
import type { RunStore } from '../core/store.js';

export type ArtifactEntry = z.infer<typeof ArtifactEntrySchema>;

export const ARTIFACTS_DIR = 'artifacts';
/** Never descended into: they hold no build artifacts and can be huge (or are our own). */
export const PRUNED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', '.build-diagnostics', '__pycache__', '.venv', '.tox']);
export const DEFAULT_ARTIFACT_CAPS = { maxBytesPerFile: 32 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024 } as const;

export interface FindOptions {
  /** Stop after visiting this many directory entries (default 200 000). */
  maxEntries?: number;
  /** Deepest folder level visited below cwd (default 24). */
  maxDepth?: number;
}

export interface FoundArtifacts {
  files: string[];
  /** The walk hit maxEntries: some files may not have been seen. */
  truncated: boolean;
}

/** Absolute paths (sorted) of files under `cwd` that match one of `globs` (relative, `/`
 * separated, dotfiles included) and were modified at or after `sinceMs`. */
export function findArtifacts(cwd: string, globs: readonly string[], sinceMs: number, opts: FindOptions = {}): string[] {
  return findArtifactsDetailed(cwd, globs, sinceMs, opts).files;
}

export function findArtifactsDetailed(cwd: string, globs: readonly string[], sinceMs: number, opts: FindOptions = {}): FoundArtifacts {
  const root = resolve(cwd);
  const patterns = globs.map((g) => g.replace(/\\/g, '/').replace(/^\.\//, '')).filter((g) => g !== '');
  if (patterns.length === 0) return { files: [], truncated: false };
  const isMatch = picomatch(patterns, { dot: true });
  const maxEntries = opts.maxEntries ?? 200_000;
  const maxDepth = opts.maxDepth ?? 24;
  const out: string[] = [];
  let visited = 0;
  let truncated = false;
  const stack: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  while (stack.length > 0) {
    const { dir, depth } = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished while we walked: not ours to report
    }
    for (const e of entries) {
      if (++visited > maxEntries) {
        truncated = true;
        stack.length = 0;
        break;
      }
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (!PRUNED_DIRS.has(e.name) && depth < maxDepth) stack.push({ dir: full, depth: depth + 1 });
        continue;
      }
      if (!e.isFile()) continue; // symlinks, sockets, …: never followed
      const rel = relative(root, full).split(sep).join('/');
      if (!isMatch(rel)) continue;
      try {
        if (statSync(full).mtimeMs >= sinceMs) out.push(full);
      } catch {
        // vanished between readdir and stat
      }
    }
  }
  return { files: out.sort(), truncated };
}

export interface CopyOptions {
  /** Paths inside `artifacts/` mirror the file's path relative to this folder. */
  cwd: string;
  maxBytesPerFile?: number;
  maxTotalBytes?: number;
  /** Rewrites a file's content before it is stored (redaction); size and hash are the stored copy's. */
  transform?: (data: Buffer, path: string) => Buffer;
}

export interface SkippedArtifact {
  source: string;
  bytes: number;
  reason: string;
}

export interface CopyResult {
  /** For run.json: `path` relative to the bundle (`artifacts/…`), size and sha256 of the copy. */
  entries: ArtifactEntry[];
  /** Source path of each entry, same order. */
  sources: string[];
  skipped: SkippedArtifact[];
}

/** Where a file goes inside the bundle: `artifacts/<path relative to cwd>`; a file outside
 * cwd goes to `artifacts/external/<name>`. Always inside `artifacts/`. */
export function artifactPathFor(cwd: string, file: string): string {
  const rel = relative(resolve(cwd), resolve(file));
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  const parts = inside ? rel.split(sep) : ['external', basename(file)];
  return [ARTIFACTS_DIR, ...parts.filter((p) => p !== '' && p !== '.' && p !== '..')].join('/');
}

/** Copy `files` into `<bundleDir>/artifacts/`, within the caps; never throws. A file over
 * the per-file cap, or one that would pass the total cap, is skipped (not cut: a truncated
 * JSON file is of no use) and reported. */
export function copyArtifacts(bundleDir: string, files: readonly string[], opts: CopyOptions): CopyResult {
  const maxPerFile = opts.maxBytesPerFile ?? DEFAULT_ARTIFACT_CAPS.maxBytesPerFile;
  const maxTotal = opts.maxTotalBytes ?? DEFAULT_ARTIFACT_CAPS.maxTotalBytes;
  const result: CopyResult = { entries: [], sources: [], skipped: [] };
  const used = new Set<string>();
  let total = 0;
  for (const file of files) {
    let size: number;
    try {
      size = statSync(file).size;
    } catch (e) {
      result.skipped.push({ source: file, bytes: 0, reason: `cannot read: ${describe(e)}` });
      continue;
    }
    if (size > maxPerFile) {
      result.skipped.push({ source: file, bytes: size, reason: `larger than the ${maxPerFile}-byte limit per file` });
      continue;
    }
    if (total + size > maxTotal) {
      result.skipped.push({ source: file, bytes: size, reason: `would pass the ${maxTotal}-byte limit for all artifacts of a run` });
      continue;
    }
    let path = artifactPathFor(opts.cwd, file);
    for (let i = 2; used.has(path); i++) path = `${artifactPathFor(opts.cwd, file)}-${i}`;
    try {
      // Read once, then hash and write that same snapshot (the build may still be writing).
      const raw = readFileSync(file);
      const data = opts.transform ? opts.transform(raw, path) : raw;
      if (data.length > maxPerFile || total + data.length > maxTotal) {
        result.skipped.push({ source: file, bytes: data.length, reason: 'grew past the size limit while being copied' });
        continue;
      }
      const dest = join(bundleDir, ...path.split('/'));
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, data);
      used.add(path);
      total += data.length;
      result.entries.push({ path, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
      result.sources.push(file);
    } catch (e) {
      result.skipped.push({ source: file, bytes: size, reason: `copy failed: ${describe(e)}` });
    }
  }
  return result;
}

export interface CollectorOptions {
  cwd: string;
  bundleDir: string;
  globs: readonly string[];
  /** Files modified before this are not the run's. Take it before spawning the build. */
  sinceMs: number;
  maxBytesPerFile?: number;
  maxTotalBytes?: number;
  find?: FindOptions;
  transform?: CopyOptions['transform'];
}

/** Collects artifacts during a run (sweep() on a timer picks up files as they appear and
 * re-copies files that changed) and once more at the end. Holds the latest copy of each. */
export class ArtifactCollector {
  private readonly copied = new Map<string, { entry: ArtifactEntry; mtimeMs: number; size: number }>();
  private readonly reported = new Set<string>();

  constructor(private readonly o: CollectorOptions) {}

  /** One pass: find, copy what is new or changed. Returns messages for files skipped (each
   * reported once) — for the run's warnings. Never throws. */
  sweep(): string[] {
    const messages: string[] = [];
    try {
      const found = findArtifactsDetailed(this.o.cwd, this.o.globs, this.o.sinceMs, this.o.find);
      if (found.truncated && !this.reported.has('#truncated')) {
        this.reported.add('#truncated');
        messages.push(`the search for build artifacts under ${this.o.cwd} stopped early (too many files); some may be missing`);
      }
      const changed = found.files.filter((f) => {
        const prev = this.copied.get(f);
        if (!prev) return true;
        try {
          const st = statSync(f);
          return st.mtimeMs !== prev.mtimeMs || st.size !== prev.size;
        } catch {
          return false;
        }
      });
      if (changed.length === 0) return messages;
      const usedBytes = [...this.copied].filter(([src]) => !changed.includes(src)).reduce((n, [, c]) => n + c.entry.bytes, 0);
      const res = copyArtifacts(this.o.bundleDir, changed, {
        cwd: this.o.cwd,
        maxBytesPerFile: this.o.maxBytesPerFile,
        maxTotalBytes: (this.o.maxTotalBytes ?? DEFAULT_ARTIFACT_CAPS.maxTotalBytes) - usedBytes,
        transform: this.o.transform,
      });
      res.entries.forEach((entry, i) => {
        const src = res.sources[i]!;
        let mtimeMs = 0;
        try {
          mtimeMs = statSync(src).mtimeMs;
        } catch {
          // gone already: keep the copy we have
        }
        this.copied.set(src, { entry, mtimeMs, size: entry.bytes });
      });
      for (const s of res.skipped) {
        if (this.reported.has(s.source)) continue;
        this.reported.add(s.source);
        messages.push(`build artifact ${relative(this.o.cwd, s.source) || s.source} was not copied: ${s.reason}`);
      }
    } catch (e) {
      messages.push(`looking for build artifacts failed: ${describe(e)}`);
    }
    return messages;
  }

  /** Entries for run.json, sorted by path. */
  entries(): ArtifactEntry[] {
    return [...this.copied.values()].map((c) => c.entry).sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Copied files as `{ source, entry }` (the parsers read the copy in the bundle). */
  files(): { source: string; entry: ArtifactEntry; copyPath: string }[] {
    return [...this.copied].map(([source, c]) => ({ source, entry: c.entry, copyPath: join(this.o.bundleDir, ...c.entry.path.split('/')) }));
  }
}

/** Reads a copied artifact as text, bounded; undefined when unreadable. */
export function readArtifactText(path: string, maxBytes: number = DEFAULT_ARTIFACT_CAPS.maxBytesPerFile): string | undefined {
  try {
    if (statSync(path).size > maxBytes) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface ImportedArtifacts {
  /** New telemetry from otel_*.json, as OTLP requests: append each to the bundle. */
  requests: OtlpRequest[];
  /** All diagnostics_report.json issues merged, for ReportInput.diagnosticsReport. */
  diagnosticsReport: { issues: unknown[] } | undefined;
  problems: Problem[];
  /** From the last run_diagnostics_report.json (by path), when there is one. */
  buildSays: BuildSaysFigures | undefined;
  counts: { spans: number; logs: number; metrics: number; duplicates: number };
  warnings: string[];
}

/** Read the copied artifacts and bring them into the run: telemetry (de-duplicated against
 * what OTLP delivered — call this after the grace period), problems and the build's own
 * figures. Traces first, so logs can correlate. Never throws. */
export function importArtifactFiles(store: RunStore, files: readonly { copyPath: string; entry: ArtifactEntry }[], opts: PipelineParseOptions = {}): ImportedArtifacts {
  const out: ImportedArtifacts = { requests: [], diagnosticsReport: undefined, problems: [], buildSays: undefined, counts: { spans: 0, logs: 0, metrics: 0, duplicates: 0 }, warnings: [] };
  const order = ['otel_traces', 'otel_logs', 'otel_metrics', 'diagnostics_report', 'run_diagnostics_report'];
  const sorted = [...files].filter((f) => order.includes(artifactKind(f.entry.path))).sort((a, b) => order.indexOf(artifactKind(a.entry.path)) - order.indexOf(artifactKind(b.entry.path)) || a.entry.path.localeCompare(b.entry.path));
  for (const f of sorted) {
    const kind = artifactKind(f.entry.path);
    const text = readArtifactText(f.copyPath);
    if (text === undefined) {
      out.warnings.push(`build artifact ${f.entry.path} could not be read`);
      continue;
    }
    const signal = SIGNAL_OF_KIND[kind];
    if (signal) {
      const imp = importArtifactTelemetry(store, signal, text, { ...opts, label: f.entry.path });
      if (imp.request) out.requests.push(imp.request);
      out.counts.spans += imp.delta?.spans.length ?? 0;
      out.counts.logs += imp.delta?.logs.length ?? 0;
      out.counts.metrics += imp.delta?.metrics.length ?? 0;
      out.counts.duplicates += imp.duplicates;
      for (const w of imp.warnings) out.warnings.push(`${f.entry.path}: ${w}`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      out.warnings.push(`build artifact ${f.entry.path} is not valid JSON: ${describe(e)}`);
      continue;
    }
    if (kind === 'diagnostics_report') {
      const issues = typeof json === 'object' && json !== null && Array.isArray((json as { issues?: unknown }).issues) ? (json as { issues: unknown[] }).issues : [];
      out.diagnosticsReport = { issues: [...(out.diagnosticsReport?.issues ?? []), ...issues] };
      out.problems.push(...parseDiagnosticsReport(json));
    } else out.buildSays = parseRunDiagnosticsReport(json);
  }
  return out;
}
