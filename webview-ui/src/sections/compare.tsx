// Compare: pick an earlier run; the host loads its report and sends the comparison (per-task
// duration and status changes, tasks new or missing, readiness differences, outcome).
import { useEffect, useState } from 'preact/hooks';
import { compareResult, compareRunId, getHost, runId, runs } from '../state.js';
import { fmtDuration, fmtIso, fmtSigned, pct } from '../format.js';

export function Compare() {
  const host = getHost();
  const [changedOnly, setChangedOnly] = useState(true);
  useEffect(() => {
    if (host && !host.readOnly) host.post({ type: 'requestRuns' });
  }, []);
  if (!host || host.readOnly) {
    return <p class="muted" data-testid="compare-readonly">Comparing runs needs the Build Diagnostics panel in VS Code, where earlier runs of this workspace are kept. This report is a read-only copy of one run.</p>;
  }
  const choices = runs.value.filter((r) => r.runId !== runId.value);
  const res = compareResult.value;
  const pick = (id: string) => {
    compareRunId.value = id || null;
    compareResult.value = null;
    if (id) host.post({ type: 'requestCompare', runId: id });
  };
  const c = res?.result;
  const tasks = c ? c.tasks.filter((t) => !changedOnly || t.change !== 'same') : [];
  return (
    <div class="compare">
      <label>
        Compare with{' '}
        <select aria-label="Earlier run to compare with" value={compareRunId.value ?? ''} onChange={(e) => pick((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">choose a run…</option>
          {choices.map((r) => (
            <option key={r.runId} value={r.runId}>
              {r.label ?? `${fmtIso(r.startedAt)} · ${r.command} · ${r.outcome} · ${fmtDuration(r.durationMs)}`}
            </option>
          ))}
        </select>
      </label>
      {choices.length === 0 ? <p class="muted">No earlier runs found.</p> : null}
      {compareRunId.value && !res ? <p class="muted">Loading…</p> : null}
      {res?.error ? <p class="error-text">{res.error}</p> : null}
      {c ? (
        <>
          <table class="grid" aria-label="Run comparison" data-testid="compare-summary">
            <thead><tr><th scope="col" /><th scope="col">Earlier run</th><th scope="col">This run</th><th scope="col">Change</th></tr></thead>
            <tbody>
              <tr><th scope="row">Outcome</th><td>{c.base.outcome}</td><td>{c.current.outcome}</td><td>{c.outcomeChanged ? 'changed' : 'same'}</td></tr>
              <tr><th scope="row">Duration</th><td>{fmtDuration(c.base.durationMs)}</td><td>{fmtDuration(c.current.durationMs)}</td><td data-testid="compare-duration-delta">{fmtSigned(c.durationDeltaMs)}</td></tr>
              <tr><th scope="row">Exit code</th><td>{c.base.exitCode ?? '—'}</td><td>{c.current.exitCode ?? '—'}</td><td /></tr>
              {(['problems', 'stalls', 'spans', 'logs'] as const).map((k) => (
                <tr key={k}><th scope="row">{k}</th><td>{c.counts[k][0]}</td><td>{c.counts[k][1]}</td><td>{c.counts[k][1] - c.counts[k][0] > 0 ? '+' : ''}{c.counts[k][1] - c.counts[k][0]}</td></tr>
              ))}
            </tbody>
          </table>
          <h2>Tasks</h2>
          <label class="check"><input type="checkbox" checked={changedOnly} onChange={(e) => setChangedOnly((e.currentTarget as HTMLInputElement).checked)} /> Changed only</label>
          <table class="grid" aria-label="Task differences" data-testid="compare-tasks">
            <thead><tr><th scope="col">Task</th><th scope="col">Change</th><th scope="col">Earlier</th><th scope="col">Now</th><th scope="col">Δ</th><th scope="col">Δ %</th></tr></thead>
            <tbody>
              {tasks.map((t) => (
                <tr key={t.name} class={`chg-${t.change}`}>
                  <td>{t.name}</td>
                  <td>{t.change === 'status' ? `${t.baseStatus} → ${t.currentStatus}` : t.change}</td>
                  <td class="num">{fmtDuration(t.baseMs)}</td><td class="num">{fmtDuration(t.currentMs)}</td>
                  <td class="num">{fmtSigned(t.deltaMs)}</td><td class="num">{pct(t.ratio)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {tasks.length === 0 ? <p class="muted">No task changed.</p> : null}
          <h2>Readiness differences</h2>
          {c.readiness.length === 0 ? <p class="muted">Same readiness in both runs.</p> : (
            <ul>{c.readiness.map((d) => <li key={d.dataset}>{d.dataset}: {d.baseStatus ?? 'not seen'} → {d.currentStatus ?? 'not seen'}</li>)}</ul>
          )}
        </>
      ) : null}
    </div>
  );
}
