// Failures → problems (issue 3, analysis 7). Every signal that reports a failure becomes a
// candidate (problemSignals.ts); candidates that describe the same exception — matched on
// the exception's short type name and the first line of its message, anywhere in a chain —
// merge into ONE problem placed at the best location, with the other signals listed in
// `sources`. The location is the innermost frame inside the workspace (installed code such
// as site-packages or node_modules never is); the other workspace frames become `related`.
import type { RunInfo } from '../run.js';
import type { Problem, ReadinessSection, Stall } from '../report/schema.js';
import type { RunStore } from '../store.js';
import { workspaceRelative } from './paths.js';
import {
  RANK,
  diagnosticsReportCandidates,
  eventCandidates,
  logCandidates,
  spanCandidates,
  stderrCandidates,
  type Candidate,
  type Severity,
} from './problemSignals.js';
import type { ParsedException } from './tracebacks.js';

export type { Problem };

export interface ProblemsOptions {
  workspaceRoot: string;
  run: RunInfo;
  /** Readiness and stalls to report as warnings (buildReport passes its sections). */
  readiness?: ReadinessSection;
  stalls?: Stall[];
  /** task → datasets blocking it (planDiff.blockedBy), named in readiness problems. */
  blockedBy?: Record<string, string[]>;
  /** Parsed `diagnostics_report.json` when the build wrote one. */
  diagnosticsReport?: unknown;
}

export const MAX_PROBLEMS = 200;
const MAX_RELATED = 20;
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

interface Loc {
  file: string;
  line: number;
  column: number | null;
}

interface Group {
  lead: Candidate;
  severity: Severity;
  ids: Set<string>;
  types: Set<string>;
  sources: string[];
  loc: Loc | null;
  related: Problem['related'];
  span: { traceId: string; spanId: string } | null;
  timeNs: bigint;
}

function shortType(t: string): string {
  const i = t.lastIndexOf('.');
  return (i >= 0 ? t.slice(i + 1) : t).toLowerCase();
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i >= 0 ? s.slice(0, i) : s).trim().replace(/\s+/g, ' ').slice(0, 500);
}

function identity(type: string | null, text: string): string {
  return `${type ? shortType(type) : ''}|${firstLine(text)}`;
}

function candidateIds(c: Candidate): string[] {
  const ids = [identity(c.type, c.text)];
  for (const e of c.chain) ids.push(identity(e.type, e.message));
  return ids;
}

/** Innermost workspace frame of the last exception, else of earlier ones in the chain; the
 * other workspace frames of the chain (innermost first) are related locations. */
function locate(chain: ParsedException[], root: string): { loc: Loc | null; related: Problem['related'] } {
  let loc: Loc | null = null;
  const related: Problem['related'] = [];
  const seen = new Set<string>();
  for (let ci = chain.length - 1; ci >= 0; ci--) {
    const exc = chain[ci]!;
    for (let fi = exc.frames.length - 1; fi >= 0; fi--) {
      const f = exc.frames[fi]!;
      const file = workspaceRelative(f.file, root);
      if (file === undefined) continue;
      const key = `${file}:${f.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!loc) {
        loc = { file, line: f.line, column: f.column };
        continue;
      }
      if (related.length >= MAX_RELATED) continue;
      const where = f.function ? `in ${f.function}` : 'called from here';
      related.push({ file, line: f.line, column: f.column, message: ci === chain.length - 1 ? where : `${where} (while handling ${exc.type})` });
    }
  }
  return { loc, related };
}

function candidateLocation(c: Candidate, root: string): { loc: Loc | null; related: Problem['related'] } {
  if (c.chain.length > 0) return locate(c.chain, root);
  if (c.location) {
    const file = workspaceRelative(c.location.file, root);
    if (file !== undefined) return { loc: { file, line: c.location.line, column: c.location.column }, related: [] };
  }
  return { loc: null, related: [] };
}

function findGroup(groups: Group[], c: Candidate, ids: string[]): Group | undefined {
  if (c.typeOnly) {
    if (!c.type) return undefined;
    const t = shortType(c.type);
    return groups.find((g) => g.types.has(t) && g.lead.rank < RANK.cli);
  }
  const primary = ids[0]!;
  const exact = groups.find((g) => ids.some((id) => g.ids.has(id)));
  if (exact) return exact;
  // A signal with a type but no message (e.g. `build.failure` without `error`) joins the
  // one problem of that type, if there is exactly one.
  if (c.type && primary.endsWith('|')) {
    const t = shortType(c.type);
    const same = groups.filter((g) => g.types.has(t));
    if (same.length === 1) return same[0];
  }
  return undefined;
}

/** A dataset's readiness issue and the build's own diagnostics about the same dataset
 * (e.g. `delta_log_health_v1` with `diagnostic.severity: error`) are one problem, led by
 * the readiness issue. */
function mergeDatasetSignals(cands: Candidate[]): Candidate[] {
  const lead = new Map<string, Candidate & { also: string[] }>();
  const out: Candidate[] = [];
  for (const c of cands) {
    if (c.source === 'readiness' && c.dataset !== undefined && !lead.has(c.dataset)) {
      const l = { ...c, also: [] as string[] };
      lead.set(c.dataset, l);
      out.push(l);
    }
  }
  for (const c of cands) {
    if (c.source === 'readiness' && c.dataset !== undefined && lead.get(c.dataset)?.text === c.text) continue;
    const l = c.dataset !== undefined && c.source !== 'readiness' ? lead.get(c.dataset) : undefined;
    if (!l) {
      out.push(c);
      continue;
    }
    if (!l.also.includes(c.source)) l.also.push(c.source);
    if (SEVERITY_RANK[c.severity] < SEVERITY_RANK[l.severity]) l.severity = c.severity;
  }
  return out;
}

function mergeCandidates(cands: Candidate[], root: string): Group[] {
  // Best sources first, so that the lead (message, location) comes from a traceback when
  // there is one; then by time for a stable order.
  const sorted = cands.slice().sort((a, b) => a.rank - b.rank || (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
  const groups: Group[] = [];
  for (const c of sorted) {
    const ids = candidateIds(c);
    const mergeable = c.rank <= RANK.cli;
    const g = mergeable ? findGroup(groups, c, ids) : undefined;
    const { loc, related } = candidateLocation(c, root);
    if (!g) {
      groups.push({
        lead: c,
        severity: c.severity,
        ids: new Set(mergeable && !c.typeOnly ? ids : []),
        types: new Set(c.type ? [shortType(c.type)] : []),
        sources: [c.source, ...((c as { also?: string[] }).also ?? [])],
        loc,
        related,
        span: c.span ?? null,
        timeNs: c.timeNs,
      });
      continue;
    }
    if (!c.typeOnly) for (const id of ids) g.ids.add(id);
    if (c.type) g.types.add(shortType(c.type));
    if (!g.sources.includes(c.source)) g.sources.push(c.source);
    if (SEVERITY_RANK[c.severity] < SEVERITY_RANK[g.severity]) g.severity = c.severity;
    if (!g.loc && loc) {
      g.loc = loc;
      g.related = related;
    }
    g.span ??= c.span ?? null;
    if (c.timeNs < g.timeNs && c.timeNs > 0n) g.timeNs = c.timeNs;
  }
  return groups;
}

function isoToNs(iso: string | null): bigint {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? BigInt(ms) * 1_000_000n : 0n;
}

function readinessCandidates(section: ReadinessSection | undefined, blockedBy: Record<string, string[]> | undefined): Candidate[] {
  if (!section) return [];
  const blocks = new Map<string, string[]>();
  for (const [task, datasets] of Object.entries(blockedBy ?? {})) {
    for (const d of datasets) blocks.set(d, [...(blocks.get(d) ?? []), task]);
  }
  return section.issues.map((d) => {
    const tasks = (blocks.get(d.dataset) ?? []).sort();
    const shown = tasks.slice(0, 10).join(', ') + (tasks.length > 10 ? `, … (${tasks.length} tasks)` : '');
    const display =
      `dataset ${d.dataset} is not ready: ${d.status}${d.reason ? ` (${d.reason})` : ''}` +
      `${d.path ? ` at ${d.path}` : ''}${tasks.length ? `; blocks ${shown}` : ''}`;
    return { severity: d.required === true ? 'error' : 'warning', source: 'readiness', type: null, text: display, display, chain: [], timeNs: isoToNs(d.checkedAt), rank: RANK.other, dataset: d.dataset } satisfies Candidate;
  });
}

function stallCandidates(stalls: Stall[] | undefined): Candidate[] {
  return (stalls ?? []).map((s) => {
    const parts = [`no progress for ${s.gapS.toFixed(1)} s (${s.source === 'build' ? 'reported by the build' : 'detected by the monitor'})`];
    if (s.active.length) parts.push(`active: ${s.active.slice(0, 10).join(', ')}`);
    if (s.blockers.length) parts.push(`blocked by ${s.blockers.slice(0, 10).join(', ')}`);
    if (s.cpuBusy !== null) parts.push(s.cpuBusy ? 'process busy' : 'process idle');
    const display = `stall: ${parts.join('; ')}`;
    return { severity: 'warning', source: 'stall', type: null, text: display, display, chain: [], timeNs: isoToNs(s.startedAt), rank: RANK.other } satisfies Candidate;
  });
}

function cmpStr(a: string | null, b: string | null): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

export function problemsSection(store: RunStore, o: ProblemsOptions): Problem[] {
  const root = o.workspaceRoot;
  const candidates = [
    ...stderrCandidates(store),
    ...spanCandidates(store),
    ...eventCandidates(store),
    ...logCandidates(store),
    ...diagnosticsReportCandidates(o.diagnosticsReport),
    ...readinessCandidates(o.readiness, o.blockedBy),
    ...stallCandidates(o.stalls),
  ];
  const groups = mergeCandidates(mergeDatasetSignals(candidates), root);
  // A failed run with no error from any signal (a crash without a traceback, a kill) still
  // gets one problem, so the failure is never silent.
  if (o.run.outcome === 'failure' && !groups.some((g) => g.severity === 'error')) {
    const exit = o.run.signal ? `killed by ${o.run.signal}` : `exit code ${o.run.exitCode ?? o.run.reportedExitCode ?? '?'}`;
    const lead: Candidate = {
      severity: 'error', source: 'run', type: null, text: '', chain: [], timeNs: 0n, rank: RANK.other,
      display: `the build failed (${exit}${o.run.errorType ? `, ${o.run.errorType}` : ''}) without reporting an error`,
    };
    groups.push({ lead, severity: 'error', ids: new Set(), types: new Set(), sources: ['run'], loc: null, related: [], span: null, timeNs: 0n });
  }
  const problems = groups.map((g) => {
    const p: Problem & { timeNs: bigint } = {
      severity: g.severity,
      message: g.lead.display || g.lead.source,
      source: g.lead.source,
      file: g.loc?.file ?? null,
      line: g.loc?.line ?? null,
      column: g.loc?.column ?? null,
      related: g.related,
      span: g.span,
      timeNs: g.timeNs,
    };
    if (g.sources.length > 1) p.sources = g.sources.slice().sort();
    return p;
  });
  problems.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0) ||
      cmpStr(a.message, b.message) ||
      cmpStr(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0),
  );
  return problems.slice(0, MAX_PROBLEMS).map(({ timeNs: _t, ...p }) => p);
}
