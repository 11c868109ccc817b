// report.md: a person's reading of report.json. Everything that came from telemetry is
// untrusted text (a span name may be `<script>` or contain `|`), so it goes through `esc`:
// HTML is entity-encoded, markdown syntax characters are backslash-escaped, newlines are
// flattened, and long values are cut.
import type { Report } from './schema.js';

const MAX_CELL = 300;
const MAX_ROWS = 50;

/** Escape untrusted text for inline markdown (table cells, list items). */
export function esc(raw: unknown, max = MAX_CELL): string {
  let s = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
  s = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\r?\n|\r/g, ' ');
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#]/g, (c) => `\\${c}`);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function fmtS(ms: number | null): string {
  return ms === null ? '?' : `${(ms / 1000).toFixed(1)} s`;
}

function fmtNum(n: number | null): string {
  if (n === null) return '–';
  return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/\.?0+$/, '');
}

function table(head: string[], rows: string[][], total = rows.length): string[] {
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows.slice(0, MAX_ROWS)) out.push(`| ${r.join(' | ')} |`);
  if (total > MAX_ROWS) out.push('', `… ${total - MAX_ROWS} more (see report.json)`);
  return out;
}

function loc(file: string | null, line: number | null, column: number | null): string {
  if (!file) return '';
  return esc(`${file}${line !== null ? `:${line}` : ''}${line !== null && column !== null ? `:${column}` : ''}`);
}

function headline(r: Report): string[] {
  const run = r.run;
  let exit = run.signal ? `killed by ${esc(run.signal)}` : `exit code ${run.exitCode ?? '?'}`;
  if (run.reportedExitCode !== null && run.reportedExitCode !== run.exitCode) {
    exit += `, but the build reported exit code ${run.reportedExitCode}`;
  }
  const out = [
    `# Build report: ${esc(run.command)}`,
    '',
    `**${run.outcome.toUpperCase()}** in ${fmtS(run.durationMs)} (${exit})${run.errorType ? ` — ${esc(run.errorType)}` : ''}`,
    '',
    `- Run: ${esc(run.runId)} (${run.tokenCount} command tokens)`,
    `- Started: ${esc(run.startedAt)}; ended: ${esc(run.endedAt ?? 'not recorded')}`,
    `- Telemetry: ${r.telemetry.spans} spans, ${r.telemetry.logs} logs, ${r.telemetry.metricPoints} metric points, ${r.telemetry.events} events in ${run.traceIds.length} traces${r.telemetry.truncated ? ' (some dropped at the store limits)' : ''}`,
  ];
  if (run.partial) out.push('- **Partial**: the recording stopped before the run ended; figures cover what was received.');
  if (r.warnings.length > 0) {
    out.push('', '## Warnings', '');
    for (const w of r.warnings.slice(0, MAX_ROWS)) out.push(`- ${esc(w, 1000)}`);
  }
  return out;
}

function problems(r: Report): string[] {
  const out = ['', `## Problems (${r.problems.length})`, ''];
  if (r.problems.length === 0) return [...out, 'None.'];
  for (const p of r.problems.slice(0, MAX_ROWS)) {
    const where = loc(p.file, p.line, p.column);
    const others = (p.sources ?? []).filter((s) => s !== p.source);
    const also = others.length > 0 ? `; also reported by ${others.map((s) => esc(s)).join(', ')}` : '';
    out.push(`- **${p.severity}**${where ? ` ${where}` : ''} — ${esc(p.message, 1000)} (${esc(p.source)}${also})`);
    for (const rel of p.related.slice(0, 10)) out.push(`  - ${loc(rel.file, rel.line, rel.column)} — ${esc(rel.message)}`);
  }
  if (r.problems.length > MAX_ROWS) out.push('', `… ${r.problems.length - MAX_ROWS} more (see report.json)`);
  return out;
}

function readiness(r: Report): string[] {
  const rd = r.readiness;
  const out = ['', '## Dataset readiness', ''];
  if (rd.total === 0) return [...out, 'No dataset checks or readiness events.'];
  out.push(`${plural(rd.total, 'dataset')}, ${rd.issues.length} not ready.`);
  if (rd.issues.length === 0) return out;
  out.push('', ...table(
    ['Dataset', 'Status', 'Reason', 'Path', 'Source', 'Required'],
    rd.issues.map((d) => [esc(d.dataset), esc(d.status), esc(d.reason ?? ''), esc(d.path ?? ''), d.source, d.required === null ? '' : d.required ? 'yes' : 'no']),
  ));
  return out;
}

function plan(r: Report): string[] {
  const p = r.planDiff;
  const out = ['', '## Plan vs execution', ''];
  if (p.expected.length === 0 && p.executed.length === 0) return [...out, 'No plan and no executed tasks were reported.'];
  out.push(
    `Plan from ${esc(p.source)}: ${p.expected.length} expected, ${p.executed.length} executed, ${p.running.length} running, ` +
      `${p.missing.length} missing, ${p.failed.length} failed, ${p.unexpected.length} unexpected.`,
  );
  if (p.missing.length > 0) {
    out.push('', '### Missing tasks', '', ...table(
      ['Task', 'Reason', 'Blocked by'],
      p.missing.map((t) => [esc(t), (p.reasons[t] ?? 'never_started').replace(/_/g, ' '), (p.blockedBy[t] ?? []).map((d) => esc(d)).join(', ')]),
    ));
  }
  for (const [title, list] of [['Failed', p.failed], ['Running', p.running], ['Unexpected', p.unexpected]] as const) {
    if (list.length === 0) continue;
    const shown = list.slice(0, MAX_ROWS).map((t) => esc(t)).join(', ');
    out.push('', `${title}: ${shown}${list.length > MAX_ROWS ? `, … ${list.length - MAX_ROWS} more` : ''}`);
  }
  return out;
}

function buildSays(r: Report): string[] {
  const b = r.buildSays;
  if (!b || (b.rows.length === 0 && b.disagreements.length === 0)) return [];
  const out = ['', '## The build says / we measured', ''];
  if (b.rows.length > 0) {
    out.push(...table(['Figure', 'The build says', 'We measured', ''], b.rows.map((x) => [esc(x.figure), esc(x.buildSays), esc(x.weMeasured), x.agree ? 'agree' : '**differ**'])));
  }
  if (b.disagreements.length > 0) out.push('', ...b.disagreements.map((d) => `- ${esc(d)}`));
  return out;
}

function stalls(r: Report): string[] {
  const out = ['', `## Stalls (${r.stalls.length})`, ''];
  if (r.stalls.length === 0) return [...out, 'None.'];
  return [...out, ...table(
    ['Started', 'Ended', 'Gap (s)', 'Source', 'Active', 'Pending tasks', 'Blockers', 'Process'],
    r.stalls.map((s) => [
      esc(s.startedAt),
      esc(s.endedAt ?? 'ongoing'),
      s.gapS.toFixed(1),
      s.source,
      esc(s.active.join(', ')),
      s.pendingTaskCount !== null ? String(s.pendingTaskCount) : esc(s.pendingTasks.slice(0, 10).join(', ')),
      esc(s.blockers.join(', ')),
      s.cpuBusy === null ? 'unknown' : s.cpuBusy ? 'busy' : 'idle',
    ]),
  )];
}

function heartbeats(r: Report): string[] {
  const h = r.heartbeats;
  const out = ['', '## Heartbeats', ''];
  if (h.count === 0) out.push('The build sent no heartbeats.');
  else {
    out.push(
      `${plural(h.count, 'heartbeat')}${h.intervalS !== null ? `, every ${h.intervalS.toFixed(1)} s` : ''}; last at ${esc(h.lastAt ?? '?')}` +
        `${h.lastStage ? ` in stage ${esc(h.lastStage)}` : ''}.`,
    );
  }
  const last = h.liveness[h.liveness.length - 1];
  if (last) {
    const cpu = last.cpuSeconds !== null ? `, CPU ${last.cpuSeconds.toFixed(1)} s` : '';
    const rss = last.rssBytes !== null ? `, RSS ${(last.rssBytes / 1048576).toFixed(0)} MiB` : '';
    out.push(`Monitor: ${plural(h.liveness.length, 'liveness sample')}; at the last: ${last.spans} spans, ${last.logs} logs, ${last.events} events received${cpu}${rss}.`);
  }
  return out;
}

function metrics(r: Report): string[] {
  const m = r.executionMetrics;
  const out = ['', '## Execution metrics', ''];
  const t = m.totals;
  if (t.plans === 0 && !t.engine && m.metricPoints.length === 0) return [...out, 'None reported.'];
  if (t.plans > 0) {
    out.push(`${plural(t.plans, 'plan execution')}: ${fmtNum(t.rowsProduced)} rows, ${fmtNum(t.bytesScanned)} bytes scanned, ${fmtNum(t.partitionCount)} partitions, ${fmtNum(t.durationMs)} ms.`, '');
    out.push(...table(
      ['View', 'Plan', 'Rows', 'Bytes scanned', 'Partitions', 'Duration (ms)', 'Status'],
      m.plans.map((p) => [esc(p.viewName ?? ''), esc((p.planHash ?? '').slice(0, 12)), fmtNum(p.rowsProduced), fmtNum(p.bytesScanned), fmtNum(p.partitionCount), fmtNum(p.durationMs), esc(p.status ?? '')]),
      t.plans,
    ));
  }
  if (t.engine) {
    out.push('', '### Engine execution summary', '', ...table(['Figure', 'Value'], Object.entries(t.engine).map(([k, v]) => [esc(k), typeof v === 'number' ? fmtNum(v) : esc(v)])));
  }
  if (m.metricPoints.length > 0) {
    out.push('', '### Metrics (latest values)', '', ...table(
      ['Metric', 'Kind', 'Attributes', 'Value'],
      m.metricPoints.map((p) => [esc(p.name), esc(p.kind), esc(Object.entries(p.attributes).map(([k, v]) => `${k}=${v}`).join(', ')), fmtNum(p.value)]),
    ));
  }
  return out;
}

function timing(r: Report): string[] {
  const out = ['', '## Slowest spans', ''];
  if (r.slowSpans.length === 0) out.push('No spans.');
  else out.push(...table(['Span', 'Duration (s)', 'Started', 'Status'], r.slowSpans.map((s) => [esc(s.name), (s.durationMs / 1000).toFixed(3), esc(s.startedAt), esc(s.status)])));
  out.push('', '## Time by stage (self time)', '');
  if (r.stageBreakdown.length === 0) out.push('No spans.');
  else out.push(...table(['Stage', 'Self (s)', 'Total (s)', 'Spans'], r.stageBreakdown.map((s) => [esc(s.stage), (s.selfMs / 1000).toFixed(3), (s.totalMs / 1000).toFixed(3), String(s.spanCount)])));
  out.push('', `## Idle gaps (${r.idleGaps.length})`, '');
  if (r.idleGaps.length === 0) out.push('None of 5 s or more.');
  else out.push(...table(['From', 'To', 'Gap (s)'], r.idleGaps.map((g) => [esc(g.startedAt), esc(g.endedAt), g.gapS.toFixed(1)])));
  out.push('', '## Critical path', '');
  if (r.criticalPath.length === 0) out.push('No trace.');
  else {
    r.criticalPath.slice(0, MAX_ROWS * 2).forEach((s, i) => {
      out.push(`${i + 1}. ${esc(s.name)} — ${(s.selfMs / 1000).toFixed(3)} s on the path (span ${(s.durationMs / 1000).toFixed(3)} s)`);
    });
  }
  return out;
}

function logs(r: Report): string[] {
  const l = r.logs;
  const sev = Object.entries(l.bySeverity).filter(([, n]) => n > 0).map(([k, n]) => `${esc(k)} ${n}`).join(', ');
  const streams = Object.entries(l.byStream).filter(([, n]) => n > 0).map(([k, n]) => `${esc(k)} ${n}`).join(', ');
  return [
    '',
    '## Logs',
    '',
    `${plural(l.count, 'record')}${sev ? ` (${sev})` : ''}${streams ? `; by stream: ${streams}` : ''}; ${(l.correlatedFraction * 100).toFixed(1)}% correlated to a span.`,
  ];
}

export function renderMarkdown(r: Report): string {
  const lines = [
    ...headline(r),
    ...problems(r),
    ...readiness(r),
    ...plan(r),
    ...buildSays(r),
    ...stalls(r),
    ...heartbeats(r),
    ...metrics(r),
    ...timing(r),
    ...logs(r),
  ];
  return `${lines.join('\n')}\n`;
}
