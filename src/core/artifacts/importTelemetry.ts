// Importing the pipeline's otel_*.json into a run *only where the same data did not arrive
// over OTLP*. Spans are matched by trace + span id (RunStore.ingest drops those too; doing
// it here as well keeps the bundle line free of duplicates). Logs and metric points have
// no ids, so they are matched by a fingerprint: time to the millisecond (files may keep
// less precision than the wire), trace/span id, event name and body — or, for points,
// name, kind, time and attributes. Import after the OTLP flow has ended (the run's grace
// period): an OTLP span arriving *after* its file copy would be the one dropped, and the
// file's copy lacks parent ids.
import type { AttrValue, LogRecord, MetricPoint } from '../model.js';
import { toAttrValue, type OtlpLogRecord, type OtlpRequest, type OtlpSignal, normalize } from '../otlp/index.js';
import { spanKey, type IngestDelta, type RunStore } from '../store.js';
import { pipelineOtelToOtlp, type PipelineParseOptions } from './pipelineOtel.js';

export interface ArtifactImport {
  signal: OtlpSignal;
  /** The new items as canonical OTLP: append this to the bundle's telemetry file. Undefined
   * when nothing was new. */
  request: OtlpRequest | undefined;
  /** Items in the file (after parsing). */
  items: number;
  /** Items already in the store (delivered over OTLP, or imported before). */
  duplicates: number;
  delta: IngestDelta | undefined;
  warnings: string[];
}

function stableKey(v: AttrValue, depth = 0): string {
  if (v instanceof Uint8Array) return `b:${Array.from(v.subarray(0, 128), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (Array.isArray(v)) return depth > 8 ? '[…]' : `[${v.map((x) => stableKey(x, depth + 1)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    if (depth > 8) return '{…}';
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableKey(v[k]!, depth + 1)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
const ms = (ns: bigint | string | undefined): string => (ns === undefined ? '0' : (BigInt(ns) / 1_000_000n).toString());

function logKey(timeNs: bigint | string | undefined, traceId: string | undefined, spanId: string | undefined, eventName: string | undefined, body: AttrValue): string {
  return `${ms(timeNs)}|${traceId ?? ''}|${spanId ?? ''}|${eventName ?? ''}|${stableKey(body).slice(0, 512)}`;
}
const storedLogKey = (l: LogRecord): string => logKey(l.timeNs, l.traceId, l.spanId, l.eventName, l.body);
const pointKey = (p: MetricPoint): string => `${p.name}|${p.kind}|${ms(p.timeNs)}|${stableKey(p.attributes)}`;

/** `request` without the items the store already holds. */
export function dedupeAgainstStore(signal: OtlpSignal, request: OtlpRequest, store: RunStore): { request: OtlpRequest; kept: number; duplicates: number } {
  let kept = 0;
  let duplicates = 0;
  const keep = <T>(xs: T[] | undefined, isDup: (x: T) => boolean): T[] => {
    const out: T[] = [];
    for (const x of xs ?? []) {
      if (isDup(x)) duplicates++;
      else {
        kept++;
        out.push(x);
      }
    }
    return out;
  };
  if (signal === 'traces') {
    const seen = new Set<string>();
    const req: OtlpRequest = {
      resourceSpans: (request.resourceSpans ?? []).map((rs) => ({
        ...rs,
        scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
          ...ss,
          spans: keep(ss.spans, (s) => {
            const k = spanKey(s.traceId, s.spanId);
            const dup = store.span(s.traceId, s.spanId) !== undefined || seen.has(k);
            seen.add(k);
            return dup;
          }),
        })),
      })),
    };
    return { request: req, kept, duplicates };
  }
  if (signal === 'logs') {
    const known = new Set(store.logs.filter((l) => l.source === 'otlp').map(storedLogKey));
    const fileKey = (l: OtlpLogRecord): string => logKey(l.timeUnixNano, l.traceId, l.spanId, l.eventName, l.body ? toAttrValue(l.body) : null);
    const req: OtlpRequest = {
      resourceLogs: (request.resourceLogs ?? []).map((rl) => ({
        ...rl,
        scopeLogs: (rl.scopeLogs ?? []).map((sl) => ({ ...sl, logRecords: keep(sl.logRecords, (l) => known.has(fileKey(l))) })),
      })),
    };
    return { request: req, kept, duplicates };
  }
  // Metrics: compare point by point on the normalized form (one metric holds many points).
  const known = new Set(store.metrics.map(pointKey));
  const req: OtlpRequest = {
    resourceMetrics: (request.resourceMetrics ?? []).map((rm) => ({
      ...rm,
      scopeMetrics: (rm.scopeMetrics ?? []).map((sm) => ({
        ...sm,
        metrics: (sm.metrics ?? []).flatMap((m) => {
          const single = { resourceMetrics: [{ ...rm, scopeMetrics: [{ ...sm, metrics: [m] }] }] };
          const points = normalize('metrics', single).metrics;
          const fresh = points.filter((p) => !known.has(pointKey(p)));
          duplicates += points.length - fresh.length;
          kept += fresh.length;
          // A metric is kept whole when any of its points is new (a cumulative snapshot).
          return fresh.length > 0 ? [m] : [];
        }),
      })),
    })),
  };
  return { request: req, kept, duplicates };
}

/** Parse one pipeline otel_*.json, drop what the store already has, ingest the rest. */
export function importArtifactTelemetry(store: RunStore, signal: OtlpSignal, input: unknown, opts: PipelineParseOptions = {}, receivedAtMs?: number): ArtifactImport {
  const parsed = pipelineOtelToOtlp(input, signal, opts);
  opts.sanitize?.(signal, parsed.request);
  const { request, kept, duplicates } = dedupeAgainstStore(signal, parsed.request, store);
  if (kept === 0) return { signal, request: undefined, items: parsed.items, duplicates, delta: undefined, warnings: parsed.warnings };
  const delta = store.ingest(normalize(signal, request), receivedAtMs);
  return { signal, request, items: parsed.items, duplicates, delta, warnings: parsed.warnings };
}
