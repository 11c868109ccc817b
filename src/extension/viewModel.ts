// What the trees, notifications and status bar show, computed from a report. Pure (no
// `vscode`): the views only wrap these in TreeItems and messages. Names come from telemetry
// and are untrusted: they are bounded and markdown-escaped here.
import type { DatasetState, Report, Stall, Task, TaskStatus } from '../core/report/schema.js';
import type { RunInfo } from '../core/run.js';

/** The Tasks view's groups, in the order a person looks for trouble. */
export const TASK_GROUP_ORDER: readonly TaskStatus[] = ['failed', 'blocked', 'running', 'missing', 'pending', 'done', 'unexpected'];

export const GROUP_LABEL: Record<TaskStatus, string> = {
  failed: 'Failed',
  blocked: 'Blocked',
  running: 'Running',
  missing: 'Missing',
  pending: 'Pending',
  done: 'Done',
  unexpected: 'Not in the plan',
};

const MAX_NAME = 200;
export function clip(s: string, max = MAX_NAME): string {
  const one = s.replace(/[\r\n\t]+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export function escapeMarkdown(s: string): string {
  return clip(s, 2000).replace(/[\\`*_{}[\]()<>#+\-.!|~&]/g, (c) => `\\${c}`);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return `${m}m ${rest}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function formatRows(rows: number | null): string {
  if (rows === null || !Number.isFinite(rows)) return '';
  return `${rows.toLocaleString('en-US')} rows`;
}

export interface TaskGroup {
  status: TaskStatus;
  tasks: Task[];
}

export function groupTasks(report: Report | undefined): TaskGroup[] {
  if (!report) return [];
  const by = new Map<TaskStatus, Task[]>();
  for (const t of report.planDiff.tasks) by.set(t.status, [...(by.get(t.status) ?? []), t]);
  return TASK_GROUP_ORDER.filter((s) => by.has(s)).map((s) => ({
    status: s,
    tasks: by.get(s)!.sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

export function taskDescription(t: Task): string {
  return [formatDuration(t.durationMs), formatRows(t.rows)].filter((x) => x !== '').join(' · ');
}

const REASON_TEXT: Record<string, string> = {
  blocked_by_dataset: 'blocked by a dataset that is not ready',
  upstream_failed: 'not run because an upstream task failed',
  cancelled: 'not run because the build was cancelled',
  never_started: 'never started',
};

export function taskTooltip(t: Task): string {
  const lines = [`**${escapeMarkdown(t.name)}** — ${t.status}${t.expected ? '' : ' (not in the plan)'}`];
  if (t.reason) lines.push(`Reason: ${REASON_TEXT[t.reason] ?? escapeMarkdown(t.reason)}`);
  if (t.blockedBy.length > 0) lines.push(`Blocked by: ${t.blockedBy.map((d) => `\`${clip(d).replace(/`/g, "'")}\``).join(', ')}`);
  if (t.durationMs !== null) lines.push(`Duration: ${formatDuration(t.durationMs)}`);
  if (t.rows !== null) lines.push(`Rows: ${formatRows(t.rows)}`);
  if (t.file) lines.push(`Source: ${escapeMarkdown(t.file)}${t.line ? `:${t.line}` : ''}`);
  return lines.join('\n\n');
}

export interface Blocker {
  dataset: DatasetState;
  /** Tasks of the plan waiting on it. */
  blocks: string[];
}

export function blockers(report: Report | undefined): Blocker[] {
  if (!report) return [];
  const blocks = new Map<string, string[]>();
  for (const t of report.planDiff.tasks) for (const d of t.blockedBy) blocks.set(d, [...(blocks.get(d) ?? []), t.name]);
  return report.readiness.issues
    .map((d) => ({ dataset: d, blocks: (blocks.get(d.dataset) ?? []).sort() }))
    .sort((a, b) => b.blocks.length - a.blocks.length || a.dataset.dataset.localeCompare(b.dataset.dataset));
}

export function blockerDescription(b: Blocker): string {
  return [b.dataset.reason ?? b.dataset.status, b.dataset.path ?? ''].filter((x) => x !== '').join(' · ');
}

export function stallMessage(buildName: string, s: Stall): string {
  const parts = [`Build "${clip(buildName, 80)}" stalled: no progress for ${Math.round(s.gapS)}s`];
  if (s.active.length > 0) parts.push(`in ${s.active.slice(0, 3).map((x) => clip(x, 60)).join(', ')}`);
  let msg = parts.join(' ');
  if (s.blockers.length > 0) msg += `; blocked by ${s.blockers.slice(0, 5).map((x) => clip(x, 60)).join(', ')}`;
  else if (s.pendingTasks.length > 0) msg += `; waiting: ${s.pendingTasks.slice(0, 5).map((x) => clip(x, 60)).join(', ')}`;
  if (s.cpuBusy === false) msg += ' (process idle)';
  return `${msg}.`;
}

export function failureMessage(info: RunInfo, report: Report | undefined): string {
  const first = report?.problems.find((p) => p.severity === 'error' && p.file) ?? report?.problems.find((p) => p.severity === 'error');
  const name = clip(info.buildName ?? info.command, 80);
  const what = info.errorType ? ` (${clip(info.errorType, 80)})` : '';
  return `Build "${name}" failed${what}${first ? `: ${clip(first.message, 200)}` : '.'}`;
}

export const OUTCOME_ICON: Record<RunInfo['outcome'], string> = {
  running: 'sync~spin',
  success: 'pass',
  failure: 'error',
  cancelled: 'circle-slash',
};

export function runDescription(info: RunInfo): string {
  const when = info.startedAt.replace('T', ' ').slice(0, 19);
  const dur = formatDuration(info.durationMs);
  return [dur, when].filter((x) => x !== '').join(' · ');
}

/** Done/expected counts for the status bar. */
export function progressCounts(report: Report | undefined): { done: number; expected: number } | undefined {
  if (!report || report.planDiff.expected.length === 0) return undefined;
  const done = report.planDiff.tasks.filter((t) => t.expected && t.status === 'done').length;
  return { done, expected: report.planDiff.expected.length };
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** A copied build artifact as the Runs view lists it: its path below `artifacts/`. */
export function artifactLabel(path: string): string {
  return clip(path.replace(/^artifacts\//, ''), 200);
}
