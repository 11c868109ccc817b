// The end-of-run summary the CLI prints (text for people, JSON with --json).
import type { Report } from '../core/report/schema.js';
import { sanitizeForTerminal } from './terminal.js';

export interface SummaryJson {
  runId: string;
  outcome: string;
  exitCode: number | null;
  reportedExitCode: number | null;
  signal: string | null;
  errorType: string | null;
  durationMs: number | null;
  bundle: string;
  tasks: { expected: number; executed: number; missing: string[]; failed: string[]; reasons: Record<string, string>; blockedBy: Record<string, string[]> };
  readinessIssues: { dataset: string; status: string; reason: string | null; path: string | null }[];
  stalls: { startedAt: string; gapS: number; source: string; blockers: string[] }[];
  problems: { severity: string; message: string; file: string | null; line: number | null }[];
  warnings: string[];
}

export function summaryJson(report: Report, bundle: string): SummaryJson {
  const p = report.planDiff;
  return {
    runId: report.run.runId,
    outcome: report.run.outcome,
    exitCode: report.run.exitCode,
    reportedExitCode: report.run.reportedExitCode,
    signal: report.run.signal,
    errorType: report.run.errorType,
    durationMs: report.run.durationMs,
    bundle,
    tasks: { expected: p.expected.length, executed: p.executed.length, missing: p.missing, failed: p.failed, reasons: p.reasons, blockedBy: p.blockedBy },
    readinessIssues: report.readiness.issues.map((d) => ({ dataset: d.dataset, status: d.status, reason: d.reason, path: d.path })),
    stalls: report.stalls.map((s) => ({ startedAt: s.startedAt, gapS: s.gapS, source: s.source, blockers: s.blockers })),
    problems: report.problems.map((x) => ({ severity: x.severity, message: x.message, file: x.file, line: x.line })),
    warnings: report.warnings,
  };
}

const MAX_LIST = 10;

export function summaryText(report: Report, bundle: string): string {
  const t = (s: string) => sanitizeForTerminal(s);
  const r = report.run;
  const out: string[] = [];
  const secs = r.durationMs === null ? '?' : (r.durationMs / 1000).toFixed(1);
  let exit = `exit ${r.exitCode ?? (r.signal ? `signal ${r.signal}` : '?')}`;
  if (r.reportedExitCode !== null && r.reportedExitCode !== r.exitCode) exit += `, build reported exit ${r.reportedExitCode}`;
  out.push(`build-diag: ${r.outcome.toUpperCase()} in ${secs}s (${exit})${r.partial ? ' [partial]' : ''}`);
  const p = report.planDiff;
  if (p.expected.length > 0 || p.executed.length > 0) {
    out.push(`  tasks: ${p.executed.length}/${p.expected.length} executed${p.failed.length ? `, ${p.failed.length} failed` : ''}${p.missing.length ? `, ${p.missing.length} missing` : ''}${p.unexpected.length ? `, ${p.unexpected.length} unexpected` : ''} (plan from ${t(p.source)})`);
  }
  for (const name of p.missing.slice(0, MAX_LIST)) {
    const reason = p.reasons[name] ?? 'never_started';
    const by = p.blockedBy[name]?.length ? `: ${p.blockedBy[name]!.map(t).join(', ')}` : '';
    out.push(`    missing ${t(name)} — ${reason.replace(/_/g, ' ')}${by}`);
  }
  if (report.readiness.issues.length > 0) {
    out.push(`  datasets not ready: ${report.readiness.issues.length}`);
    for (const d of report.readiness.issues.slice(0, MAX_LIST)) {
      out.push(`    ${t(d.dataset)}: ${d.status}${d.reason ? ` (${t(d.reason)})` : ''}${d.path ? ` at ${t(d.path)}` : ''}`);
    }
  }
  for (const s of report.stalls.slice(0, MAX_LIST)) {
    out.push(`  stall (${s.source}) at ${s.startedAt}: no progress for ${s.gapS.toFixed(1)}s${s.blockers.length ? `, blocked by ${s.blockers.map(t).join(', ')}` : ''}${s.cpuBusy === null ? '' : s.cpuBusy ? ', process busy' : ', process idle'}`);
  }
  const problems = report.problems.filter((x) => x.severity !== 'info');
  if (problems.length > 0) {
    out.push(`  problems: ${problems.length}`);
    for (const x of problems.slice(0, MAX_LIST)) {
      const where = x.file ? ` (${t(x.file)}${x.line !== null ? `:${x.line}` : ''})` : '';
      out.push(`    ${x.severity}: ${t(firstLine(x.message))}${where}`);
    }
  }
  for (const w of report.warnings.slice(0, MAX_LIST)) out.push(`  warning: ${t(w)}`);
  out.push(`  bundle: ${bundle}`);
  return out.join('\n') + '\n';
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  const line = i === -1 ? s : s.slice(0, i);
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
