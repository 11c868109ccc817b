// Overview: the run at a glance — outcome, duration, exit codes, stage, task progress,
// heartbeat pulse, counts — and the top problems and stalls with links into the sections.
// Each figure carries data-figure so tests can compare it with report.json.
import type { ComponentChildren } from 'preact';
import { getHost, focusTime, lastDataAt, live, report, section, selectSpan, taskFilter } from '../state.js';
import { fmtBytes, fmtDuration, fmtInt, fmtIso, isoMs } from '../format.js';
import type { Report } from '../../../src/core/report/schema.js';

function Fig({ name, label, children }: { name: string; label: string; children: ComponentChildren }) {
  return (
    <div class="fig">
      <dt>{label}</dt>
      <dd data-figure={name}>{children}</dd>
    </div>
  );
}

export function taskCounts(r: Report): { done: number; total: number; failed: number; missing: number; running: number } {
  const t = r.planDiff.tasks;
  return {
    done: t.filter((x) => x.status === 'done').length,
    total: t.length,
    failed: t.filter((x) => x.status === 'failed').length,
    missing: t.filter((x) => x.status === 'missing' || x.status === 'blocked').length,
    running: t.filter((x) => x.status === 'running').length,
  };
}

const OUTCOME_ICON: Record<string, string> = { success: 'pass', failure: 'error', cancelled: 'circle-slash', running: 'loading' };

function Pulse({ r }: { r: Report }) {
  // Fresh when a heartbeat arrived within two intervals (or 30 s when unknown).
  const last = isoMs(r.heartbeats.lastAt);
  const window = (r.heartbeats.intervalS ?? 15) * 2000;
  const fresh = live.value && last !== null && lastDataAt.value - last < window;
  return (
    <span class={`pulse${fresh ? ' on' : ''}`} role="img" aria-label={fresh ? 'Heartbeat: alive' : live.value ? 'Heartbeat: quiet' : 'Run finished'} />
  );
}

export function Overview() {
  const r = report.value;
  if (!r) return null;
  const run = r.run;
  const tc = taskCounts(r);
  const host = getHost();
  const issues = r.readiness.issues.length;
  return (
    <div class="overview">
      <div class={`headline outcome-${run.outcome}`}>
        <span class={`codicon codicon-${OUTCOME_ICON[run.outcome] ?? 'question'}`} aria-hidden="true" />
        <span data-figure="outcome">{run.outcome}</span>
        {run.errorType ? <span class="muted" data-figure="errorType">{run.errorType}</span> : null}
        <Pulse r={r} />
        {live.value && host && !host.readOnly ? (
          <button type="button" class="danger" onClick={() => host.post({ type: 'stopBuild', runId: run.runId })}>
            <span class="codicon codicon-debug-stop" aria-hidden="true" /> Stop build
          </button>
        ) : null}
        {run.partial ? <span class="badge warn">partial</span> : null}
      </div>
      <dl class="figs">
        <Fig name="command" label="Command">{run.command}</Fig>
        <Fig name="duration" label="Duration">{fmtDuration(run.durationMs)}</Fig>
        <Fig name="startedAt" label="Started">{fmtIso(run.startedAt)}</Fig>
        <Fig name="exitCode" label="Process exit code">{run.signal ? `signal ${run.signal}` : fmtInt(run.exitCode)}</Fig>
        <Fig name="reportedExitCode" label="Reported exit code">{fmtInt(run.reportedExitCode)}</Fig>
        <Fig name="stage" label="Current / last stage">{r.heartbeats.lastStage ?? '—'}</Fig>
        <Fig name="tasks" label="Tasks done">{`${tc.done} / ${tc.total}`}</Fig>
        <Fig name="tasksFailed" label="Tasks failed">{String(tc.failed)}</Fig>
        <Fig name="tasksMissing" label="Tasks missing or blocked">{String(tc.missing)}</Fig>
        <Fig name="problems" label="Problems">{String(r.problems.length)}</Fig>
        <Fig name="stalls" label="Stalls">{String(r.stalls.length)}</Fig>
        <Fig name="readinessIssues" label="Datasets not ready">{`${issues} / ${r.readiness.total}`}</Fig>
        <Fig name="spans" label="Spans">{String(r.telemetry.spans)}</Fig>
        <Fig name="logs" label="Log lines">{String(r.telemetry.logs)}</Fig>
        <Fig name="heartbeats" label="Heartbeats">{String(r.heartbeats.count)}</Fig>
        <Fig name="traces" label="Traces">{String(r.run.traceIds.length)}</Fig>
      </dl>
      {run.links?.length ? (
        <p class="links" data-testid="run-links">
          {run.links
            .filter((l) => /^https?:\/\//i.test(l.url))
            .map((l) => (
              <a key={l.url} href={l.url} target="_blank" rel="noopener noreferrer">
                <span class="codicon codicon-link-external" aria-hidden="true" /> {l.label}
              </a>
            ))}
        </p>
      ) : null}
      {run.artifacts?.length ? (
        <details class="artifacts" data-testid="artifacts">
          <summary>Build artifacts ({run.artifacts.length})</summary>
          <ul class="plain">
            {run.artifacts.map((a) => (
              <li key={a.path}>
                {host && !host.readOnly ? (
                  <button type="button" class="link" onClick={() => host.post({ type: 'openArtifact', path: a.path })}>
                    {a.path}
                  </button>
                ) : (
                  <span>{a.path}</span>
                )}
                <span class="muted"> {fmtBytes(a.bytes)}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {tc.total > 0 ? (
        <div class="progress" role="progressbar" aria-label="Task progress" aria-valuemin={0} aria-valuemax={tc.total} aria-valuenow={tc.done}>
          <div class="bar done" style={{ width: `${(tc.done / tc.total) * 100}%` }} />
          <div class="bar failed" style={{ width: `${(tc.failed / tc.total) * 100}%` }} />
        </div>
      ) : null}

      <h2>Problems ({r.problems.length})</h2>
      {r.problems.length === 0 ? <p class="muted">No problems.</p> : null}
      <ul class="plain problems" data-testid="problems">
        {r.problems.slice(0, 10).map((p, i) => (
          <li key={i} class={`problem sev-${p.severity}`}>
            <span class={`codicon codicon-${p.severity === 'error' ? 'error' : p.severity === 'warning' ? 'warning' : 'info'}`} aria-label={p.severity} role="img" />
            <span class="problem-msg">{p.message}</span>
            <span class="muted"> ({p.source})</span>
            {p.file ? (
              <button type="button" class="link" disabled={!host || host.readOnly} onClick={() => host?.post({ type: 'openSource', file: p.file!, line: p.line, column: p.column })}>
                {p.file}{p.line ? `:${p.line}` : ''}
              </button>
            ) : null}
            {p.span ? (
              <button type="button" class="link" onClick={() => selectSpan(p.span!)}>show span</button>
            ) : null}
          </li>
        ))}
      </ul>
      {r.problems.length > 10 ? <p class="muted">{r.problems.length - 10} more problems are in report.json and the Problems view.</p> : null}

      <h2>Stalls ({r.stalls.length})</h2>
      {r.stalls.length === 0 ? <p class="muted">No stalls.</p> : null}
      <ul class="plain" data-testid="stalls">
        {r.stalls.slice(0, 10).map((s) => (
          <li key={s.id}>
            <button type="button" class="link" onClick={() => focusTime(isoMs(s.startedAt) ?? 0, isoMs(s.endedAt) ?? isoMs(r.run.endedAt) ?? Date.now())}>
              {fmtIso(s.startedAt)}
            </button>{' '}
            no progress for {fmtDuration(s.gapS * 1000)}{s.endedAt ? '' : ' (ongoing)'}
            {s.blockers.length > 0 ? <> · waiting on {s.blockers.join(', ')}</> : null}
            {s.pendingTasks.length > 0 ? <> · pending: {s.pendingTasks.slice(0, 5).join(', ')}{s.pendingTasks.length > 5 ? ', …' : ''}</> : null}
            {s.cpuBusy === false ? <span class="muted"> · CPU idle</span> : s.cpuBusy ? <span class="muted"> · CPU busy</span> : null}
          </li>
        ))}
      </ul>
      {tc.failed + tc.missing > 0 ? (
        <p>
          <button type="button" class="link" onClick={() => { taskFilter.value = ''; section.value = 'tasks'; }}>
            {tc.failed} failed and {tc.missing} missing or blocked tasks → Tasks
          </button>
        </p>
      ) : null}
      {issues > 0 ? (
        <p>
          <button type="button" class="link" onClick={() => (section.value = 'readiness')}>{issues} dataset(s) not ready → Readiness</button>
        </p>
      ) : null}
      {r.warnings.length > 0 ? (
        <>
          <h2>Recording warnings</h2>
          <ul>{r.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </>
      ) : null}
    </div>
  );
}
