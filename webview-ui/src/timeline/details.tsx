// Details of the selected span: identity, timing, attributes, events, its logs, the
// execution metrics recorded for it, and the source locations it names.
import { data, detailsPending, detailsVersion, getHost, logFocus, logsOfSpan, logsVersion, report, section, selectSpan, spanIndexOf } from '../state.js';
import { fmtBytes, fmtClock, fmtDuration, fmtInt } from '../format.js';
import type { SnapSpan } from '../../../src/protocol/schema.js';
import { sourceLocations } from '../source.js';
import { LogText } from '../sections/logtext.js';

const MAX_LOGS = 200;

function Attrs({ attrs }: { attrs: Record<string, string> }) {
  const keys = Object.keys(attrs).sort();
  if (keys.length === 0) return <p class="muted">No attributes.</p>;
  return (
    <table class="kv">
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{attrs[k]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SpanDetails({ span }: { span: SnapSpan }) {
  const host = getHost();
  // Re-render as the snapshot's parts (attributes and events, log lines) arrive.
  detailsVersion.value;
  logsVersion.value;
  const index = spanIndexOf(span.traceId, span.spanId) ?? -1;
  const loading = detailsPending(index);
  const logIdx = logsOfSpan(span.traceId, span.spanId);
  const parentIdx = span.parentSpanId ? spanIndexOf(span.traceId, span.parentSpanId) : undefined;
  const parent = parentIdx === undefined ? undefined : data.spans[parentIdx];
  const plans = (report.value?.executionMetrics.plans ?? []).filter((p) => p.spanId === span.spanId && (p.traceId === null || p.traceId === span.traceId));
  const locs = sourceLocations(span);
  return (
    <div class="span-details" data-testid="span-details">
      <h3 class={span.status === 'error' ? 'error-text' : ''}>{span.name}</h3>
      <table class="kv">
        <tbody>
          <tr><th scope="row">status</th><td>{span.status}{span.statusMessage ? ` — ${span.statusMessage}` : ''}</td></tr>
          <tr><th scope="row">duration</th><td>{fmtDuration(span.endMs - span.startMs)}</td></tr>
          <tr><th scope="row">start</th><td>{fmtClock(span.startMs)} UTC</td></tr>
          <tr><th scope="row">stage</th><td>{span.stage}</td></tr>
          {span.service ? <tr><th scope="row">service</th><td>{span.service}</td></tr> : null}
          <tr><th scope="row">trace</th><td class="mono">{span.traceId}</td></tr>
          <tr><th scope="row">span</th><td class="mono">{span.spanId}</td></tr>
          <tr>
            <th scope="row">parent</th>
            <td>
              {parent ? (
                <button type="button" class="link" onClick={() => selectSpan({ traceId: parent.traceId, spanId: parent.spanId })}>{parent.name}</button>
              ) : (
                span.parentSpanId ?? 'none (root)'
              )}
            </td>
          </tr>
        </tbody>
      </table>
      {locs.length > 0 ? (
        <section aria-label="Source">
          <h4>Source</h4>
          <ul class="plain">
            {locs.map((l, i) => (
              <li key={i}>
                <button
                  type="button"
                  class="link"
                  disabled={!host || host.readOnly}
                  title={host?.readOnly ? 'Open the run in VS Code to jump to source' : 'Open in editor'}
                  onClick={() => host?.post({ type: 'openSource', file: l.file, line: l.line })}
                >
                  <span class="codicon codicon-go-to-file" aria-hidden="true" /> {l.label}
                  {l.line && !l.label.endsWith(`:${l.line}`) ? `:${l.line}` : ''}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h4>Attributes</h4>
      {loading ? <p class="muted" data-testid="details-loading">Loading attributes and events…</p> : <Attrs attrs={span.attributes} />}
      {span.events.length > 0 ? (
        <>
          <h4>Events ({span.events.length})</h4>
          {span.events.map((ev, i) => (
            <details key={i}>
              <summary>{fmtClock(ev.timeMs)} {ev.name}</summary>
              <Attrs attrs={ev.attributes} />
            </details>
          ))}
        </>
      ) : null}
      {plans.length > 0 ? (
        <>
          <h4>Execution metrics</h4>
          <table class="kv">
            <tbody>
              {plans.map((p, i) => (
                <tr key={i}>
                  <th scope="row">{p.viewName ?? p.planHash ?? 'plan'}</th>
                  <td>{fmtInt(p.rowsProduced)} rows · {fmtBytes(p.bytesScanned)} scanned · {fmtInt(p.partitionCount)} partitions · {fmtDuration(p.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <h4>Logs ({logIdx.length}{data.pending.logs > 0 ? ', more loading' : ''})</h4>
      {logIdx.length === 0 && data.pending.logs === 0 ? <p class="muted">No log records carry this span's id.</p> : null}
      <ul class="plain span-logs">
        {logIdx.slice(0, MAX_LOGS).map((li) => {
          const l = data.logs[li]!;
          return (
            <li key={li}>
              <button
                type="button"
                class="link"
                aria-label={`Show log line ${li + 1} in Logs`}
                onClick={() => {
                  logFocus.value = li;
                  section.value = 'logs';
                }}
              >
                {fmtClock(l.timeMs)}
              </button>{' '}
              <span class={`sev sev-${l.severity}`}>{l.severity}</span> <LogText log={l} />
            </li>
          );
        })}
      </ul>
      {logIdx.length > MAX_LOGS ? <p class="muted">{logIdx.length - MAX_LOGS} more in the Logs section.</p> : null}
    </div>
  );
}
