// Metrics: execution metrics per plan, then charts of the heartbeat gauges (task counts,
// bytes) and of the child's CPU and memory as sampled by our monitor.
import { useMemo } from 'preact/hooks';
import { report } from '../state.js';
import { fmtBytes, fmtDuration, fmtInt, isoMs } from '../format.js';
import { Chart, type ChartSeries } from './chart.js';

export function Metrics() {
  const r = report.value;
  const charts = useMemo(() => {
    if (!r) return null;
    const hb = r.heartbeats.samples.filter((s) => isoMs(s.at) !== null);
    const hx = hb.map((s) => isoMs(s.at)! / 1000);
    const counts: ChartSeries[] = [
      { label: 'active', values: hb.map((s) => s.activeTaskCount) },
      { label: 'pending', values: hb.map((s) => s.pendingTaskCount) },
      { label: 'completed', values: hb.map((s) => s.completedTaskCount) },
    ];
    const bytes: ChartSeries[] = [
      { label: 'read', values: hb.map((s) => s.bytesRead) },
      { label: 'written', values: hb.map((s) => s.bytesWritten) },
    ];
    const lv = r.heartbeats.liveness.filter((s) => isoMs(s.at) !== null);
    const lx = lv.map((s) => isoMs(s.at)! / 1000);
    // CPU % between samples: CPU seconds used over wall seconds passed (100 % = one core).
    const cpu: ChartSeries[] = [
      {
        label: 'CPU %',
        values: lv.map((s, i) => {
          const p = lv[i - 1];
          if (!p || s.cpuSeconds === null || p.cpuSeconds === null) return null;
          const dt = lx[i]! - lx[i - 1]!;
          return dt > 0 ? Math.max(0, ((s.cpuSeconds - p.cpuSeconds) / dt) * 100) : null;
        }),
      },
    ];
    const rss: ChartSeries[] = [{ label: 'RSS', values: lv.map((s) => s.rssBytes) }];
    const flow: ChartSeries[] = [
      { label: 'spans', values: lv.map((s) => s.spans) },
      { label: 'logs', values: lv.map((s) => s.logs) },
    ];
    return { hx, counts, bytes, lx, cpu, rss, flow };
  }, [r]);
  if (!r || !charts) return null;
  const em = r.executionMetrics;
  return (
    <div class="metrics">
      <h2>Execution metrics</h2>
      <p data-testid="exec-totals">
        {em.totals.plans} plans · {fmtInt(em.totals.rowsProduced)} rows · {fmtBytes(em.totals.bytesScanned)} scanned · {fmtInt(em.totals.partitionCount)} partitions · {fmtDuration(em.totals.durationMs)}
      </p>
      {em.plans.length > 0 ? (
        <table class="grid" aria-label="Execution metrics per plan">
          <thead>
            <tr><th scope="col">View</th><th scope="col">Plan</th><th scope="col">Status</th><th scope="col">Rows</th><th scope="col">Scanned</th><th scope="col">Partitions</th><th scope="col">Duration</th></tr>
          </thead>
          <tbody>
            {em.plans.map((p, i) => (
              <tr key={i}>
                <td>{p.viewName ?? '—'}</td><td class="mono">{p.planHash ?? '—'}</td><td>{p.status ?? '—'}</td>
                <td class="num">{fmtInt(p.rowsProduced)}</td><td class="num">{fmtBytes(p.bytesScanned)}</td>
                <td class="num">{fmtInt(p.partitionCount)}</td><td class="num">{fmtDuration(p.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p class="muted">No plan execution events.</p>}
      {em.totals.engine ? (
        <table class="kv" aria-label="Engine summary">
          <tbody>{Object.entries(em.totals.engine).map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td>{String(v)}</td></tr>)}</tbody>
        </table>
      ) : null}
      <div class="charts">
        <Chart title="Heartbeat task counts" xs={charts.hx} series={charts.counts} />
        <Chart title="Bytes read / written" xs={charts.hx} series={charts.bytes} unit={fmtBytes} />
        <Chart title="CPU of the build's process tree" xs={charts.lx} series={charts.cpu} unit={(v) => `${Math.round(v)} %`} />
        <Chart title="Memory (RSS) of the build's process tree" xs={charts.lx} series={charts.rss} unit={fmtBytes} />
        <Chart title="Telemetry received (cumulative)" xs={charts.lx} series={charts.flow} />
      </div>
      {em.metricPoints.length > 0 ? (
        <>
          <h2>Latest metric values</h2>
          <table class="grid" aria-label="Latest metric values">
            <thead><tr><th scope="col">Metric</th><th scope="col">Attributes</th><th scope="col">Value</th></tr></thead>
            <tbody>
              {em.metricPoints.slice(0, 500).map((m, i) => (
                <tr key={i}><td>{m.name}</td><td class="mono">{Object.entries(m.attributes).map(([k, v]) => `${k}=${v}`).join(' ')}</td><td class="num">{m.value}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
