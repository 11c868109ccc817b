// Hamilton UI tracking (codeanatomy-telemetry.md §8): the tracker in the build reads its
// project, user, API/UI URLs and DAG name from HAMILTON_* variables. We set them from the
// `buildDiagnostics.hamilton` settings, with the default DAG name
// `<project>::semantic_ir_v1::<repo_hash>` (repo_hash = the workspace's git HEAD) and the
// tags `environment`, `semantic_version`, `repo_hash` (as JSON in HAMILTON_TAGS).
// Nothing is set when no Hamilton setting is given: the user's own HAMILTON_* then pass
// through untouched.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { HamiltonSettings } from '../core/config/settings.js';
import type { AttrValue, LogRecord, Span } from '../core/model.js';

export const SEMANTIC_IR_VERSION = 'semantic_ir_v1';

const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const MAX_UP = 64;

/** The folder holding git's data for `start` (walking up), following a `.git` file
 * (worktrees, submodules: `gitdir: <path>`). */
function findGitDir(start: string): string | undefined {
  let dir = resolve(start);
  for (let i = 0; i < MAX_UP; i++) {
    const dotGit = join(dir, '.git');
    try {
      const st = statSync(dotGit);
      if (st.isDirectory()) return dotGit;
      if (st.isFile()) {
        const m = /^gitdir:\s*(.+)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
        if (m) return resolve(dir, m[1]!.trim());
      }
    } catch {
      // not here: go up
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** The commit id of HEAD, read from the repository files (no `git` process): a detached
 * HEAD, a loose ref, or packed-refs. Undefined outside a repository or on anything odd. */
export function readGitHead(start: string): string | undefined {
  try {
    const gitDir = findGitDir(start);
    if (!gitDir) return undefined;
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (SHA_RE.test(head)) return head;
    const m = /^ref:\s*(refs\/[^\s]+)$/.exec(head);
    if (!m) return undefined;
    const ref = m[1]!;
    if (ref.includes('..')) return undefined;
    // Linked worktrees keep refs in the common dir.
    const common = existsSync(join(gitDir, 'commondir')) ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    for (const base of [gitDir, common]) {
      const loose = join(base, ref);
      if (existsSync(loose)) {
        const sha = readFileSync(loose, 'utf8').trim();
        if (SHA_RE.test(sha)) return sha;
      }
    }
    const packed = join(common, 'packed-refs');
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, 'utf8').split('\n')) {
        const [sha, name] = line.trim().split(/\s+/);
        if (name === ref && sha && SHA_RE.test(sha)) return sha;
      }
    }
  } catch {
    // unreadable repository files: no repo hash
  }
  return undefined;
}

export interface HamiltonSetup {
  /** HAMILTON_* (and, for the codeanatomy profile, CODEANATOMY_HAMILTON_*) variables. */
  env: Record<string, string>;
  dagName: string;
  repoHash: string;
  tags: Record<string, string>;
}

/** Empty settings (nothing configured) give undefined: nothing is set. */
export function hamiltonSetup(
  s: HamiltonSettings | undefined,
  o: { workspaceRoot: string; codeanatomy?: boolean; environment?: string },
): HamiltonSetup | undefined {
  if (!s || Object.values(s).every((v) => v === undefined)) return undefined;
  const repoHash = readGitHead(o.workspaceRoot) ?? 'unknown';
  const project = s.project ?? basename(resolve(o.workspaceRoot));
  const dagName = s.dagName ?? `${project}::${SEMANTIC_IR_VERSION}::${repoHash}`;
  const tags: Record<string, string> = {
    environment: s.environment ?? o.environment ?? 'local',
    semantic_version: s.semanticVersion ?? SEMANTIC_IR_VERSION,
    repo_hash: repoHash,
    ...(s.tags ?? {}),
  };
  const vars: Record<string, string | undefined> = {
    PROJECT_ID: s.projectId !== undefined ? String(s.projectId) : undefined,
    USERNAME: s.username,
    API_URL: s.apiUrl,
    UI_URL: s.uiUrl,
    DAG_NAME: dagName,
    TAGS: JSON.stringify(tags),
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) continue;
    env[`HAMILTON_${k}`] = v;
    if (o.codeanatomy) env[`CODEANATOMY_HAMILTON_${k}`] = v;
  }
  return { env, dagName, repoHash, tags };
}

const RUN_ID_KEYS = ['hamilton.run_id', 'hamilton_run_id', 'hamilton.tracker.run_id'];

function idOf(v: AttrValue | undefined): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v)) return v;
  return undefined;
}

/** The Hamilton UI's run id, when the build's telemetry reported one. */
export function hamiltonRunId(items: { spans: readonly Span[]; logs: readonly LogRecord[] }): string | undefined {
  for (const s of items.spans) for (const k of RUN_ID_KEYS) if (idOf(s.attributes[k])) return idOf(s.attributes[k]);
  for (const l of items.logs) for (const k of RUN_ID_KEYS) if (idOf(l.attributes[k])) return idOf(l.attributes[k]);
  return undefined;
}

/** Links into the Hamilton UI: the project, and the run when its id is known. */
export function hamiltonLinks(s: HamiltonSettings | undefined, runId?: string): { label: string; url: string }[] {
  if (!s?.uiUrl || s.projectId === undefined) return [];
  const base = `${s.uiUrl.replace(/\/+$/, '')}/dashboard/project/${encodeURIComponent(String(s.projectId))}`;
  const out = [{ label: 'Hamilton project', url: base }];
  if (runId) out.push({ label: 'Hamilton run', url: `${base}/runs/${encodeURIComponent(runId)}` });
  return out;
}
