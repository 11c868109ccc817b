// The build's own diagnosis, read from the files it writes (docs/codeanatomy-telemetry.md §7):
//  * `diagnostics_report.json` (`codeanatomy diag`): `issues: [{severity, check, detail}]`
//    → Problems;
//  * `run_diagnostics_report.json` (the Python API's run bundle): its own figures, kept so
//    views can show "the build says / we measured" side by side, with a line for each
//    disagreement. Its shape is not published: docs/artifacts.md records the one assumed,
//    and every field is optional (alternative key spellings accepted).
// Pure and lenient: unknown shapes give empty results, never exceptions.
import { asList, asName, asNumber } from '../analysis/jsonList.js';
import type { Problem, Report } from '../report/schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
function pick(o: Obj, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}
function objAt(o: Obj, ...keys: string[]): Obj | undefined {
  const v = pick(o, ...keys);
  return isObj(v) ? v : undefined;
}
function listAt(o: Obj, ...keys: string[]): Obj[] {
  const v = pick(o, ...keys);
  return Array.isArray(v) ? v.filter(isObj).slice(0, 10_000) : [];
}
const MAX_PROBLEMS = 1000;
const MAX_MESSAGE = 2000;
const clip = (s: string): string => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s);

const SEVERITY: Record<string, Problem['severity']> = { error: 'error', err: 'error', fatal: 'error', critical: 'error', warn: 'warning', warning: 'warning', info: 'info' };

/** `diagnostics_report.json` → Problems (source `diagnostics_report`). An unknown severity
 * counts as a warning: the build flagged it, so it is worth a look. */
export function parseDiagnosticsReport(json: unknown): Problem[] {
  const issues = Array.isArray(json) ? json : isObj(json) ? pick(json, 'issues', 'problems') : undefined;
  if (!Array.isArray(issues)) return [];
  const out: Problem[] = [];
  for (const it of issues.slice(0, MAX_PROBLEMS)) {
    if (!isObj(it)) continue;
    const check = asName(pick(it, 'check', 'name', 'code')) ?? 'check';
    const d = pick(it, 'detail', 'details', 'message');
    const detail = typeof d === 'string' ? d : d === undefined ? '' : JSON.stringify(d);
    const file = asName(pick(it, 'file', 'path'));
    const line = asNumber(it.line);
    out.push({
      severity: SEVERITY[String(it.severity ?? '').toLowerCase()] ?? 'warning',
      message: clip(detail ? `${check}: ${detail}` : check),
      source: 'diagnostics_report',
      file: file ?? null,
      line: file && line !== undefined && line >= 1 ? Math.floor(line) : null,
      column: null,
      related: [],
    });
  }
  return out;
}

export interface BuildSaysFigures {
  planDiff: {
    expected: number | null;
    executed: number | null;
    missing: number | null;
    unexpected: number | null;
    missingTasks: string[];
    unexpectedTasks: string[];
  } | null;
  readiness: { total: number | null; issueCount: number | null; issues: { dataset: string; status: string | null; reason: string | null }[] } | null;
  idleGaps: { count: number; totalS: number; gaps: { gapS: number; startedAt: string | null; endedAt: string | null }[] } | null;
  slowestSpans: { name: string; durationMs: number }[] | null;
  spanCount: number | null;
  logCount: number | null;
}

const count = (v: unknown): number | null => {
  const n = asNumber(v);
  return n !== undefined && n >= 0 ? n : null;
};
/** A time field (ISO string or Unix seconds) as ISO, or null. */
const when = (v: unknown): string | null => {
  if (typeof v === 'string' && Number.isFinite(Date.parse(v))) return new Date(Date.parse(v)).toISOString();
  const n = asNumber(v);
  return n !== undefined && n > 0 ? new Date(n * 1000).toISOString() : null;
};
/** Duration in ms from `duration_ms`, `duration_s` or `duration_ns`. */
function durationMs(o: Obj): number | undefined {
  const ms = asNumber(o.duration_ms);
  if (ms !== undefined) return ms;
  const s = asNumber(pick(o, 'duration_s', 'seconds'));
  if (s !== undefined) return s * 1000;
  const ns = asNumber(o.duration_ns);
  return ns !== undefined ? ns / 1e6 : undefined;
}

/** `run_diagnostics_report.json` → the figures we compare with our own. */
export function parseRunDiagnosticsReport(json: unknown): BuildSaysFigures {
  const root = isObj(json) ? json : {};
  const summary = objAt(root, 'summary') ?? {};

  const plan = objAt(root, 'plan_vs_execution', 'plan_execution_diff', 'plan_diff');
  const planDiff = plan
    ? {
        expected: count(pick(plan, 'expected_task_count', 'expected')),
        executed: count(pick(plan, 'executed_task_count', 'executed')),
        missing: count(pick(plan, 'missing_task_count')) ?? (plan.missing_tasks !== undefined ? asList(plan.missing_tasks).length : null),
        unexpected: count(pick(plan, 'unexpected_task_count')) ?? (plan.unexpected_tasks !== undefined ? asList(plan.unexpected_tasks).length : null),
        // The build may write these lists as JSON strings (its own quirk): asList reads both.
        missingTasks: asList(plan.missing_tasks).slice(0, 1000),
        unexpectedTasks: asList(plan.unexpected_tasks).slice(0, 1000),
      }
    : null;

  const rd = pick(root, 'dataset_readiness', 'readiness');
  let readiness: BuildSaysFigures['readiness'] = null;
  if (isObj(rd) || Array.isArray(rd)) {
    const rows = Array.isArray(rd) ? rd.filter(isObj) : listAt(rd, 'issues', 'datasets');
    const blocking = rows.filter((r) => {
      const st = asName(r.status);
      return st !== undefined && st !== 'ok' && st !== 'remote_path';
    });
    const issues = blocking.map((r) => ({ dataset: asName(pick(r, 'dataset', 'name')) ?? '?', status: asName(r.status) ?? null, reason: asName(r.reason) ?? null }));
    readiness = {
      total: isObj(rd) ? count(pick(rd, 'total', 'dataset_count')) : rows.length,
      issueCount: isObj(rd) ? (count(pick(rd, 'issue_count')) ?? issues.length) : issues.length,
      issues,
    };
  }

  const gapsRaw = pick(root, 'idle_gaps', 'idle_gaps_5s');
  let idleGaps: BuildSaysFigures['idleGaps'] = null;
  if (Array.isArray(gapsRaw)) {
    const gaps = gapsRaw.filter(isObj).slice(0, 10_000).map((g) => ({
      gapS: asNumber(pick(g, 'gap_s', 'duration_s')) ?? (durationMs(g) ?? 0) / 1000,
      startedAt: when(pick(g, 'start', 'started_at', 'start_unix_s')),
      endedAt: when(pick(g, 'end', 'ended_at', 'end_unix_s')),
    }));
    idleGaps = { count: gaps.length, totalS: gaps.reduce((n, g) => n + g.gapS, 0), gaps };
  }

  const slow = pick(root, 'slowest_spans', 'slow_spans');
  const slowestSpans = Array.isArray(slow)
    ? slow
        .filter(isObj)
        .map((s) => ({ name: asName(s.name) ?? '?', durationMs: durationMs(s) ?? 0 }))
        .sort((a, b) => b.durationMs - a.durationMs)
        .slice(0, 100)
    : null;

  return {
    planDiff,
    readiness,
    idleGaps,
    slowestSpans,
    spanCount: count(pick(summary, 'span_count') ?? root.span_count),
    logCount: count(pick(summary, 'log_count') ?? root.log_count),
  };
}

export interface SideBySideRow {
  figure: string;
  buildSays: string;
  weMeasured: string;
  agree: boolean;
}

const list = (xs: string[], max = 5): string => (xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')} and ${xs.length - max} more`);
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** "The build says / we measured" rows for the panel and report.md; one row per figure
 * both sides have. */
export function buildSaysRows(f: BuildSaysFigures, r: Report): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  const row = (figure: string, build: number | string | null, ours: number | string): void => {
    if (build === null) return;
    rows.push({ figure, buildSays: String(build), weMeasured: String(ours), agree: String(build) === String(ours) });
  };
  if (f.planDiff) {
    row('expected tasks', f.planDiff.expected, r.planDiff.expected.length);
    row('executed tasks', f.planDiff.executed, r.planDiff.executed.length);
    row('missing tasks', f.planDiff.missing, r.planDiff.missing.length);
    row('unexpected tasks', f.planDiff.unexpected, r.planDiff.unexpected.length);
  }
  if (f.readiness) row('datasets not ready', f.readiness.issueCount, r.readiness.issues.length);
  if (f.idleGaps) row('idle gaps ≥ 5 s', f.idleGaps.count, r.idleGaps.length);
  if (f.slowestSpans && f.slowestSpans.length > 0 && r.slowSpans.length > 0) {
    const b = f.slowestSpans[0]!;
    const o = r.slowSpans[0]!;
    rows.push({ figure: 'slowest span', buildSays: `${b.name} (${secs(b.durationMs)})`, weMeasured: `${o.name} (${secs(o.durationMs)})`, agree: b.name === o.name });
  }
  return rows;
}

/** One line per figure on which the build's report and ours disagree (empty = agree). */
export function compareBuildSays(f: BuildSaysFigures, r: Report): string[] {
  const out: string[] = [];
  const p = f.planDiff;
  if (p) {
    const pairs: [string, number | null, string[]][] = [
      ['expected', p.expected, r.planDiff.expected],
      ['executed', p.executed, r.planDiff.executed],
      ['missing', p.missing, r.planDiff.missing],
      ['unexpected', p.unexpected, r.planDiff.unexpected],
    ];
    for (const [what, build, ours] of pairs) {
      if (build !== null && build !== ours.length) {
        out.push(`plan vs execution: the build says ${build} ${what} task(s), we measured ${ours.length}${ours.length > 0 && what !== 'expected' && what !== 'executed' ? ` (${list(ours)})` : ''}`);
      }
    }
    const onlyBuild = p.missingTasks.filter((t) => !r.planDiff.missing.includes(t));
    if (onlyBuild.length > 0) out.push(`plan vs execution: the build lists as missing ${list(onlyBuild)}, which we did not find missing`);
  }
  if (f.readiness && f.readiness.issueCount !== null) {
    const ours = new Set(r.readiness.issues.map((d) => d.dataset));
    const theirs = new Set(f.readiness.issues.map((d) => d.dataset));
    if (f.readiness.issueCount !== ours.size) out.push(`dataset readiness: the build says ${f.readiness.issueCount} dataset(s) not ready, we found ${ours.size}`);
    const onlyTheirs = [...theirs].filter((d) => !ours.has(d));
    const onlyOurs = [...ours].filter((d) => !theirs.has(d));
    if (theirs.size > 0 && onlyTheirs.length > 0) out.push(`dataset readiness: only the build flags ${list(onlyTheirs)}`);
    if (theirs.size > 0 && onlyOurs.length > 0) out.push(`dataset readiness: only we flag ${list(onlyOurs)}`);
  }
  if (f.idleGaps && f.idleGaps.count !== r.idleGaps.length) {
    out.push(`idle gaps ≥ 5 s: the build says ${f.idleGaps.count}, we measured ${r.idleGaps.length}`);
  }
  if (f.slowestSpans && f.slowestSpans.length > 0 && r.slowSpans.length > 0 && f.slowestSpans[0]!.name !== r.slowSpans[0]!.name) {
    const b = f.slowestSpans[0]!;
    const o = r.slowSpans[0]!;
    out.push(`slowest span: the build says ${b.name} (${secs(b.durationMs)}), we measured ${o.name} (${secs(o.durationMs)})`);
  }
  return out;
}
