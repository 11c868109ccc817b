// Readiness: every dataset the run saw, with status, reason, path and where the verdict
// came from (the build's telemetry, our preflight check, or our re-check after a failure).
import { report } from '../state.js';
import { fmtIso } from '../format.js';

export function Readiness() {
  const r = report.value;
  if (!r) return null;
  const rs = r.readiness;
  const sorted = [...rs.datasets].sort((a, b) => Number(a.status === 'ok' || a.status === 'remote_path') - Number(b.status === 'ok' || b.status === 'remote_path') || (a.dataset < b.dataset ? -1 : 1));
  return (
    <div class="readiness">
      <p data-testid="readiness-summary">
        {rs.total} dataset{rs.total === 1 ? '' : 's'}, {rs.issues.length} not ready
        {Object.keys(rs.issueCounts).length > 0 ? ` (${Object.entries(rs.issueCounts).map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}
      </p>
      {rs.total === 0 ? <p class="muted">No dataset readiness was reported or checked.</p> : null}
      <table class="grid" aria-label="Datasets">
        <thead>
          <tr>
            <th scope="col">Dataset</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Path</th>
            <th scope="col">Source</th><th scope="col">Required</th><th scope="col">Files</th><th scope="col">Checked</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((d) => (
            <tr key={`${d.dataset}:${d.source}`}>
              <td>{d.dataset}</td>
              <td><span class={`badge rd-${d.status === 'ok' || d.status === 'remote_path' ? 'ok' : 'bad'}`}>{d.status}</span></td>
              <td>{d.reason ?? ''}</td>
              <td class="mono path">{d.path ?? '—'}</td>
              <td>{d.source}</td>
              <td>{d.required === null ? '—' : d.required ? 'yes' : 'no'}</td>
              <td class="num">{d.fileCount ?? '—'}{d.deltaLogFileCount !== null ? ` (${d.deltaLogFileCount} log)` : ''}</td>
              <td>{fmtIso(d.checkedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
