// Execution metrics (issue 3, analysis 5): DataFusion plan executions joined to their spans,
// the engine's execution summary, and the latest value of every metric series.
import { isEvent } from '../events/isEvent.js';
import type { AttrValue, MetricPoint, Span } from '../model.js';
import type { ExecutionMetricsSection } from '../report/schema.js';
import type { RunStore } from '../store.js';
import { isoFromNs, spanDurationMs, spanStatus } from './timing.js';

export type { ExecutionMetricsSection };
type PlanMetrics = ExecutionMetricsSection['plans'][number];
type MetricValue = ExecutionMetricsSection['metricPoints'][number];

/** Bounds on what goes into a report (totals still cover everything). */
export const MAX_PLANS = 500;
export const MAX_METRIC_SERIES = 1000;
const MAX_ATTR_CHARS = 200;

function n(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
function s(v: unknown): string | null {
  return typeof v === 'string' && v !== '' && v !== '[redacted]' ? v : null;
}
function isHex(v: string | null, len: number): v is string {
  return v !== null && v.length === len && /^[0-9a-f]+$/i.test(v);
}

function cmp(a: string | null, b: string | null): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Plan executions, one per distinct execution. The pipeline sends each event twice (log
 * record and span event copy, see codeanatomy-telemetry.md §3), so copies with the same
 * identifying fields are one execution. Joined to a span by `trace_id`/`span_id`, else by
 * the event's own span context, else by `view_name` → the `datafusion.execute` span. */
function planExecutions(store: RunStore): { plans: (PlanMetrics & { timeNs: bigint })[] } {
  const executeByView = new Map<string, Span>();
  for (const sp of store.spans) {
    if (sp.name !== 'datafusion.execute') continue;
    const v = sp.attributes?.['view_name'];
    if (typeof v === 'string' && !executeByView.has(v)) executeByView.set(v, sp);
  }
  const seen = new Set<string>();
  const plans: (PlanMetrics & { timeNs: bigint })[] = [];
  for (const e of store.events) {
    if (!isEvent(e, 'datafusion_plan_execution_v1')) continue;
    const p = e.payload;
    const key = JSON.stringify([
      p.plan_hash, p.plan_identity_hash, p.view_name, p.trace_id, p.span_id, p.status,
      p.duration_ms, p.rows_produced, p.bytes_scanned, p.partition_count,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    const viewName = s(p.view_name);
    const tid = s(p.trace_id)?.toLowerCase() ?? null;
    const sid = s(p.span_id)?.toLowerCase() ?? null;
    let span: Span | undefined;
    if (isHex(tid, 32) && isHex(sid, 16)) span = store.span(tid, sid);
    if (!span && e.traceId && e.spanId) {
      const own = store.span(e.traceId, e.spanId);
      // The record's own context only counts when it is the execute span of this view.
      if (own && own.name === 'datafusion.execute' && (viewName === null || own.attributes?.['view_name'] === viewName)) span = own;
    }
    if (!span && viewName !== null) span = executeByView.get(viewName);
    plans.push({
      planHash: s(p.plan_hash) ?? s(p.plan_identity_hash),
      viewName: viewName ?? (typeof span?.attributes?.['view_name'] === 'string' ? (span.attributes['view_name'] as string) : null),
      rowsProduced: n(p.rows_produced),
      bytesScanned: n(p.bytes_scanned),
      partitionCount: n(p.partition_count),
      durationMs: n(p.duration_ms) ?? (span ? spanDurationMs(span) : null),
      status: s(p.status) ?? (span ? spanStatus(span) : null),
      traceId: span?.traceId ?? (isHex(tid, 32) ? tid : null),
      spanId: span?.spanId ?? (isHex(sid, 16) ? sid : null),
      timeNs: e.timeNs,
    });
  }
  plans.sort((a, b) => (a.timeNs !== b.timeNs ? (a.timeNs < b.timeNs ? -1 : 1) : cmp(a.viewName, b.viewName) || cmp(a.planHash, b.planHash)));
  return { plans };
}

/** Figures of `engine_execution_summary_v1`: distinct summaries summed (numbers), strings
 * and lists from the latest. Lists become comma-joined strings. */
function engineTotals(store: RunStore): Record<string, number | string> | null {
  const seen = new Set<string>();
  let out: Record<string, number | string> | null = null;
  for (const e of store.events) {
    if (!isEvent(e, 'engine_execution_summary_v1')) continue;
    const p = e.payload as Record<string, unknown>;
    const key = JSON.stringify([p['spec_hash'], p['envelope_hash'], p['output_rows'], p['elapsed_compute_nanos'], p['total_rows_written']]);
    if (seen.has(key)) continue;
    seen.add(key);
    out ??= {};
    for (const [k, v] of Object.entries(p)) {
      if (k === 'run_id' || k === 'event.name' || k === 'event.kind' || k.startsWith('codeanatomy.')) continue;
      if (typeof v === 'number' && Number.isFinite(v)) {
        const prev = out[k];
        out[k] = typeof prev === 'number' ? prev + v : v;
      } else if (typeof v === 'string') out[k] = v.slice(0, MAX_ATTR_CHARS);
      else if (Array.isArray(v)) out[k] = v.map(String).join(', ').slice(0, MAX_ATTR_CHARS);
    }
  }
  if (!out) return null;
  // Sorted keys: the same report from a live store and a re-read bundle.
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function attrText(v: AttrValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('');
  if (v === null) return '';
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? '<bytes>' : x));
    } catch {
      return '';
    }
  }
  return String(v);
}

function pointAttrs(p: MetricPoint): Record<string, string> {
  const entries = Object.entries(p.attributes ?? {})
    .filter(([k]) => k !== '__proto__')
    .map(([k, v]) => [k.slice(0, MAX_ATTR_CHARS), attrText(v).slice(0, MAX_ATTR_CHARS)] as [string, string])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

interface SeriesAcc {
  name: string;
  kind: string;
  attributes: Record<string, string>;
  /** Per producing process (service.instance.id): its current value and time. */
  perInstance: Map<string, { value: number; timeNs: bigint }>;
}

/** Values one point contributes: gauges and sums one value; histogram-like points their count
 * and sum, as two series (`histogram_count`, `histogram_sum`). */
function pointValues(p: MetricPoint): { kind: string; value: number }[] {
  if (p.kind === 'gauge' || p.kind === 'sum') {
    const v = (p as { value?: unknown }).value;
    return typeof v === 'number' && Number.isFinite(v) ? [{ kind: p.kind, value: v }] : [];
  }
  if (p.kind !== 'histogram' && p.kind !== 'exponentialHistogram' && p.kind !== 'summary') return [];
  const out: { kind: string; value: number }[] = [];
  if (Number.isFinite(p.count)) out.push({ kind: 'histogram_count', value: p.count });
  if (typeof p.sum === 'number' && Number.isFinite(p.sum)) out.push({ kind: 'histogram_sum', value: p.sum });
  return out;
}

/** Latest value per series (name + attributes). Cumulative series keep their latest point;
 * delta series (temporality 1) are added up. Several processes (extractor workers each have
 * their own `service.instance.id`) report the same series: their sums and counts add up,
 * a gauge keeps the latest reading of any of them. */
function metricSeries(store: RunStore): MetricValue[] {
  const series = new Map<string, SeriesAcc>();
  for (const p of store.metrics) {
    const attributes = pointAttrs(p);
    const inst = p.resource?.attributes?.['service.instance.id'];
    const instance = typeof inst === 'string' ? inst : '';
    const isDelta = 'temporality' in p && p.temporality === 1;
    for (const { kind, value } of pointValues(p)) {
      const key = JSON.stringify([p.name, kind, attributes]);
      let acc = series.get(key);
      if (!acc) {
        if (series.size >= MAX_METRIC_SERIES) continue;
        acc = { name: String(p.name).slice(0, MAX_ATTR_CHARS), kind, attributes, perInstance: new Map() };
        series.set(key, acc);
      }
      const prev = acc.perInstance.get(instance);
      if (!prev) acc.perInstance.set(instance, { value, timeNs: p.timeNs });
      else if (isDelta && kind !== 'gauge') acc.perInstance.set(instance, { value: prev.value + value, timeNs: p.timeNs > prev.timeNs ? p.timeNs : prev.timeNs });
      else if (p.timeNs >= prev.timeNs) acc.perInstance.set(instance, { value, timeNs: p.timeNs });
    }
  }
  const out: MetricValue[] = [];
  for (const acc of series.values()) {
    const insts = [...acc.perInstance.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    let at = insts[0]!.timeNs;
    let value = 0;
    if (acc.kind === 'gauge') {
      let latest = insts[0]!;
      for (const v of insts) if (v.timeNs > latest.timeNs) latest = v;
      value = latest.value;
      at = latest.timeNs;
    } else {
      for (const v of insts) {
        value += v.value;
        if (v.timeNs > at) at = v.timeNs;
      }
    }
    out.push({ name: acc.name, kind: acc.kind, attributes: acc.attributes, value, at: isoFromNs(at) });
  }
  out.sort((a, b) => cmp(a.name, b.name) || cmp(a.kind, b.kind) || cmp(JSON.stringify(a.attributes), JSON.stringify(b.attributes)));
  return out;
}

export function executionMetricsSection(store: RunStore): ExecutionMetricsSection {
  const { plans } = planExecutions(store);
  const totals = { plans: plans.length, rowsProduced: 0, bytesScanned: 0, partitionCount: 0, durationMs: 0 };
  for (const p of plans) {
    totals.rowsProduced += p.rowsProduced ?? 0;
    totals.bytesScanned += p.bytesScanned ?? 0;
    totals.partitionCount += p.partitionCount ?? 0;
    totals.durationMs += p.durationMs ?? 0;
  }
  totals.durationMs = Math.round(totals.durationMs * 1000) / 1000;
  return {
    plans: plans.slice(0, MAX_PLANS).map(({ timeNs: _t, ...rest }) => rest),
    totals: { ...totals, engine: engineTotals(store) },
    metricPoints: metricSeries(store),
  };
}
