// The pipeline's own telemetry files (`otel_traces.json`, `otel_logs.json`,
// `otel_metrics.json`, docs/codeanatomy-telemetry.md §7) → canonical OTLP, so they can be
// stored and analysed like anything that arrived over OTLP. The exact shape those files
// have is not published; docs/artifacts.md records the shape assumed here. Everything is
// lenient — snake_case or camelCase keys, hex ids with or without `0x`, times as ISO strings
// or Unix s/ms/µs/ns — and every accepted item is re-validated by the OTLP/JSON decoder.
// Standard OTLP/JSON (one request, or JSON lines of requests) is accepted as well.
import type { Json } from '../otlp/json-fields.js';
import { decodeJsonValue, normalize, type OtlpKeyValue, type OtlpAnyValue, type OtlpRequest, type OtlpSignal } from '../otlp/index.js';
import { emptyBatch, type TelemetryBatch } from '../model.js';
import { RECEIVED_VIA_KEY } from './provenance.js';

export type PipelineOtelKind = OtlpSignal;

export interface PipelineParseOptions {
  /** Resource attributes for items that carry no resource (the pipeline's spans do not). */
  defaultResource?: Record<string, string>;
  /** Scope name for items with none. Default `codeanatomy`. */
  defaultScope?: string;
  /** The file's path, recorded as `build_diagnostics.artifact` on the resource. */
  label?: string;
  /** At most this many items are read. Default 250 000. */
  maxItems?: number;
  /** Applied to each imported request before it is stored (redaction and capture limits:
   * a build's own files are as untrusted as its OTLP). */
  sanitize?: (signal: OtlpSignal, request: OtlpRequest) => void;
}

export interface PipelineParseResult {
  request: OtlpRequest;
  items: number;
  rejected: number;
  warnings: string[];
}

const MAX_WARNINGS = 5;
const MAX_DEPTH = 16;
export const ARTIFACT_PATH_KEY = 'build_diagnostics.artifact';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** First present key among aliases. */
function pick(o: Obj, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** `0x`-prefixed or bare hex of any case, padded to the id's width; undefined when not an
 * id (or all zeros, which OTLP treats as absent). */
export function normalizeHexId(v: unknown, bytes: 8 | 16): string | undefined {
  if (typeof v !== 'string') return undefined;
  let h = v.trim().toLowerCase();
  if (h.startsWith('0x')) h = h.slice(2);
  if (h === '' || h.length > bytes * 2 || !/^[0-9a-f]+$/.test(h)) return undefined;
  h = h.padStart(bytes * 2, '0');
  return /^0+$/.test(h) ? undefined : h;
}

/** A time as nanoseconds since the epoch (decimal string). Numbers and digit strings are
 * read by magnitude (s, ms, µs or ns); other strings as ISO-8601 (sub-ms digits kept). */
export function toUnixNanos(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
    if (v >= 1e17) return BigInt(Math.round(v)).toString();
    if (v >= 1e14) return (BigInt(Math.round(v)) * 1000n).toString();
    if (v >= 1e11) return (BigInt(Math.round(v * 1000)) * 1000n).toString();
    return (BigInt(Math.round(v * 1e6)) * 1000n).toString();
  }
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^\d+$/.test(s)) {
    const n = BigInt(s);
    if (s.length >= 18) return n.toString();
    if (s.length >= 15) return (n * 1000n).toString();
    if (s.length >= 12) return (n * 1_000_000n).toString();
    return (n * 1_000_000_000n).toString();
  }
  if (/^\d+\.\d+$/.test(s)) return toUnixNanos(Number(s));
  const ms = Date.parse(s);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const frac = /T[\d:]+\.(\d+)/.exec(s)?.[1] ?? '';
  const subMs = BigInt((frac.slice(3, 9) || '0').padEnd(6, '0'));
  return (BigInt(ms) * 1_000_000n + subMs).toString();
}

function anyValue(v: unknown, depth = 0): OtlpAnyValue {
  if (v === null || v === undefined) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return { intValue: String(v) };
    return { doubleValue: Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' };
  }
  if (depth >= MAX_DEPTH) return { stringValue: '[too deep]' };
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => anyValue(x, depth + 1)) } };
  if (isObj(v)) return { kvlistValue: { values: attrs(v, depth + 1) } };
  return { stringValue: String(v) };
}

/** A plain `{k: v}` map, or an OTLP KeyValue list, as OTLP KeyValues. */
function attrs(v: unknown, depth = 0): OtlpKeyValue[] {
  if (Array.isArray(v)) return v.filter((kv): kv is OtlpKeyValue => isObj(kv) && typeof kv.key === 'string' && isObj(kv.value)) as OtlpKeyValue[];
  if (!isObj(v)) return [];
  return Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x, depth) }));
}

/** OTLP enum names in any of the spellings Python and OTLP use ("SpanKind.SERVER",
 * "SPAN_KIND_SERVER", "server") or a number. */
function enumOf(v: unknown, names: Record<string, number>): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v !== 'string') return undefined;
  const key = v.trim().toUpperCase().replace(/^[A-Z]+\./, '').replace(/^(SPAN_KIND_|STATUS_CODE_|SEVERITY_NUMBER_)/, '');
  return names[key];
}
const KINDS: Record<string, number> = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };
const STATUS: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };
const SEVERITY: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, WARNING: 13, ERROR: 17, FATAL: 21, CRITICAL: 21 };

function statusOf(v: unknown): { code?: number; message?: string } | undefined {
  if (typeof v === 'string') {
    const code = enumOf(v, STATUS);
    return code === undefined ? undefined : { code };
  }
  if (!isObj(v)) return undefined;
  const code = enumOf(pick(v, 'status_code', 'code', 'statusCode'), STATUS);
  const message = str(pick(v, 'description', 'message'));
  return { ...(code !== undefined ? { code } : {}), ...(message ? { message } : {}) };
}

interface Group {
  resource: OtlpKeyValue[];
  scope: { name: string; version?: string };
  items: Obj[];
}

/** Group converted items by (resource, scope), as OTLP nests them. */
class Grouper {
  private readonly groups = new Map<string, Group>();
  constructor(private readonly opts: PipelineParseOptions) {}

  add(src: Obj, item: Obj): void {
    const r = pick(src, 'resource');
    let resource = attrs(isObj(r) && r.attributes !== undefined ? r.attributes : r);
    if (resource.length === 0) resource = attrs(this.opts.defaultResource ?? {});
    resource = resource.filter((kv) => kv.key !== RECEIVED_VIA_KEY && kv.key !== ARTIFACT_PATH_KEY);
    resource.push({ key: RECEIVED_VIA_KEY, value: { stringValue: 'artifact' } });
    if (this.opts.label) resource.push({ key: ARTIFACT_PATH_KEY, value: { stringValue: this.opts.label } });
    const s = pick(src, 'scope', 'instrumentation_scope', 'instrumentationScope');
    const scope = typeof s === 'string' ? { name: s } : isObj(s) && typeof s.name === 'string' ? { name: s.name, ...(str(s.version) ? { version: str(s.version)! } : {}) } : { name: this.opts.defaultScope ?? 'codeanatomy' };
    const key = JSON.stringify([resource, scope]);
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { resource, scope, items: [] }));
    g.items.push(item);
  }

  build(signal: OtlpSignal): Json {
    return wrap(signal, [...this.groups.values()]);
  }

  /** One request per item, for isolating an item the decoder refuses. */
  singles(signal: OtlpSignal): Json[] {
    return [...this.groups.values()].flatMap((g) => g.items.map((it) => wrap(signal, [{ ...g, items: [it] }])));
  }
}

const NESTING: Record<OtlpSignal, [string, string, string]> = {
  traces: ['resourceSpans', 'scopeSpans', 'spans'],
  logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
};

function wrap(signal: OtlpSignal, groups: Group[]): Json {
  const [outer, inner, list] = NESTING[signal];
  return {
    [outer]: groups.map((g) => ({ resource: { attributes: g.resource }, [inner]: [{ scope: g.scope, [list]: g.items }] })),
  };
}

function spanItem(o: Obj, warn: (m: string) => void): Obj | undefined {
  const ctx = isObj(o.context) ? o.context : o;
  const traceId = normalizeHexId(pick(ctx, 'trace_id', 'traceId'), 16);
  const spanId = normalizeHexId(pick(ctx, 'span_id', 'spanId'), 8);
  const name = str(o.name);
  if (!traceId || !spanId) return warn(`span ${JSON.stringify(name ?? '?').slice(0, 80)} has no valid trace/span id`), undefined;
  const start = toUnixNanos(pick(o, 'start_time_unix_nano', 'startTimeUnixNano', 'start_time_ns', 'start_time', 'start', 'startTime'));
  let end = toUnixNanos(pick(o, 'end_time_unix_nano', 'endTimeUnixNano', 'end_time_ns', 'end_time', 'end', 'endTime'));
  const durMs = pick(o, 'duration_ms');
  if (!end && start && typeof durMs === 'number' && Number.isFinite(durMs)) end = (BigInt(start) + BigInt(Math.round(durMs * 1e6))).toString();
  if (!start) return warn(`span ${JSON.stringify(name ?? '?').slice(0, 80)} has no start time`), undefined;
  const parent = normalizeHexId(pick(o, 'parent_span_id', 'parentSpanId', 'parent_id'), 8) ?? (isObj(o.parent) ? normalizeHexId(pick(o.parent, 'span_id', 'spanId'), 8) : undefined);
  const events = Array.isArray(o.events) ? o.events.filter(isObj) : [];
  const status = statusOf(o.status);
  return {
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name: name ?? '',
    kind: enumOf(o.kind, KINDS) ?? 0,
    startTimeUnixNano: start,
    endTimeUnixNano: end ?? start,
    attributes: attrs(o.attributes),
    events: events.map((e) => ({
      name: str(e.name) ?? '',
      timeUnixNano: toUnixNanos(pick(e, 'time_unix_nano', 'timeUnixNano', 'timestamp', 'time')) ?? start,
      attributes: attrs(e.attributes),
    })),
    ...(status ? { status } : {}),
  };
}

function logItem(o: Obj): Obj {
  const time = toUnixNanos(pick(o, 'time_unix_nano', 'timeUnixNano', 'timestamp', 'time'));
  const observed = toUnixNanos(pick(o, 'observed_time_unix_nano', 'observedTimeUnixNano', 'observed_timestamp'));
  const sevText = str(pick(o, 'severity_text', 'severityText', 'level'));
  const sevNum = enumOf(pick(o, 'severity_number', 'severityNumber'), SEVERITY) ?? (sevText ? enumOf(sevText, SEVERITY) : undefined);
  const traceId = normalizeHexId(pick(o, 'trace_id', 'traceId'), 16);
  const spanId = normalizeHexId(pick(o, 'span_id', 'spanId'), 8);
  const eventName = str(pick(o, 'event_name', 'eventName'));
  return {
    ...(time ? { timeUnixNano: time } : {}),
    ...(observed ? { observedTimeUnixNano: observed } : {}),
    ...(sevNum !== undefined ? { severityNumber: sevNum } : {}),
    ...(sevText ? { severityText: sevText } : {}),
    body: anyValue(pick(o, 'body', 'message')),
    attributes: attrs(o.attributes),
    ...(traceId && spanId ? { traceId, spanId } : {}),
    ...(eventName ? { eventName } : {}),
  };
}

function pointOf(p: Obj): Obj {
  const t = toUnixNanos(pick(p, 'time_unix_nano', 'timeUnixNano', 'timestamp', 'time')) ?? '0';
  const st = toUnixNanos(pick(p, 'start_time_unix_nano', 'startTimeUnixNano', 'start_time'));
  return { attributes: attrs(p.attributes), timeUnixNano: t, ...(st ? { startTimeUnixNano: st } : {}) };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

function metricItem(o: Obj, warn: (m: string) => void): Obj | undefined {
  const name = str(o.name);
  if (!name) return warn('a metric without a name was skipped'), undefined;
  const data = isObj(o.data) ? o.data : o;
  const pointsRaw = pick(data, 'data_points', 'dataPoints', 'points');
  const points = Array.isArray(pointsRaw) ? pointsRaw.filter(isObj) : [];
  const type = String(pick(o, 'type', 'kind', 'data_type') ?? '').toLowerCase();
  const temporality = enumOf(pick(data, 'aggregation_temporality', 'aggregationTemporality'), { DELTA: 1, CUMULATIVE: 2, UNSPECIFIED: 0 });
  const isHist = type.includes('histogram') || points.some((p) => p.bucket_counts !== undefined || p.bucketCounts !== undefined);
  const isSum = !isHist && (type === 'sum' || type === 'counter' || type.includes('updown') || data.is_monotonic !== undefined || data.isMonotonic !== undefined);
  const base = { name, ...(str(o.description) ? { description: str(o.description) } : {}), ...(str(o.unit) ? { unit: str(o.unit) } : {}) };
  if (isHist) {
    return {
      ...base,
      histogram: {
        ...(temporality !== undefined ? { aggregationTemporality: temporality } : {}),
        dataPoints: points.map((p) => {
          const buckets = pick(p, 'bucket_counts', 'bucketCounts');
          const bounds = pick(p, 'explicit_bounds', 'explicitBounds');
          return {
            ...pointOf(p),
            count: String(Math.max(0, Math.round(num(p.count) ?? 0))),
            ...(num(p.sum) !== undefined ? { sum: num(p.sum) } : {}),
            ...(num(p.min) !== undefined ? { min: num(p.min) } : {}),
            ...(num(p.max) !== undefined ? { max: num(p.max) } : {}),
            bucketCounts: Array.isArray(buckets) ? buckets.map((b) => String(Math.max(0, Math.round(num(b) ?? 0)))) : [],
            explicitBounds: Array.isArray(bounds) ? bounds.map((b) => num(b) ?? 0) : [],
          };
        }),
      },
    };
  }
  const numberPoints = points.map((p) => {
    const v = num(pick(p, 'value', 'as_double', 'asDouble', 'as_int', 'asInt')) ?? 0;
    return { ...pointOf(p), ...(Number.isSafeInteger(v) ? { asInt: String(v) } : { asDouble: v }) };
  });
  if (isSum) {
    const mono = pick(data, 'is_monotonic', 'isMonotonic');
    return { ...base, sum: { dataPoints: numberPoints, aggregationTemporality: temporality ?? 2, isMonotonic: mono === undefined ? type === 'counter' : mono === true } };
  }
  return { ...base, gauge: { dataPoints: numberPoints } };
}

/** The items of a pipeline file: a bare list, `{spans|logs|metrics|items|data: [...]}`, or
 * the Python SDK's nested `resource_metrics → scope_metrics → metrics` dump. Each item is
 * returned with the object its resource/scope come from. */
function itemsOf(root: unknown, kind: PipelineOtelKind): { src: Obj; item: Obj }[] {
  const listKey = { traces: ['spans', 'resource_spans'], logs: ['logs', 'log_records', 'records', 'resource_logs'], metrics: ['metrics', 'resource_metrics'] }[kind];
  let list: unknown = root;
  if (isObj(root)) list = pick(root, ...listKey, 'items', 'data');
  if (!Array.isArray(list)) return [];
  const out: { src: Obj; item: Obj }[] = [];
  for (const x of list) {
    if (!isObj(x)) continue;
    const nested = pick(x, 'scope_metrics', 'scope_spans', 'scope_logs');
    if (Array.isArray(nested)) {
      // Python `MetricsData.to_json()`-like nesting: resource → scope → items.
      for (const sm of nested.filter(isObj)) {
        const inner = pick(sm, 'metrics', 'spans', 'log_records', 'logs');
        if (!Array.isArray(inner)) continue;
        for (const it of inner.filter(isObj)) out.push({ src: { resource: x.resource, scope: sm.scope }, item: it });
      }
    } else out.push({ src: x, item: x });
  }
  return out;
}

const OTLP_TOP: Record<OtlpSignal, string> = { traces: 'resourceSpans', logs: 'resourceLogs', metrics: 'resourceMetrics' };

function mergeRequests(signal: OtlpSignal, reqs: OtlpRequest[]): OtlpRequest {
  const key = OTLP_TOP[signal] as keyof OtlpRequest;
  return { [key]: reqs.flatMap((r) => (r[key] ?? []) as never[]) } as OtlpRequest;
}

/** Text of a file (JSON, or JSON lines of OTLP requests) or an already parsed value →
 * canonical OTLP. Never throws. */
export function pipelineOtelToOtlp(input: unknown, kind: PipelineOtelKind, opts: PipelineParseOptions = {}): PipelineParseResult {
  const warnings: string[] = [];
  let rejected = 0;
  const warn = (m: string): void => {
    rejected++;
    if (warnings.length < MAX_WARNINGS) warnings.push(m);
  };
  const decodeOpts = { onItemRejected: warn };
  let root: unknown = input;
  if (typeof input === 'string') {
    try {
      root = JSON.parse(input);
    } catch {
      // JSON lines of OTLP requests (the Collector file exporter format).
      const reqs: OtlpRequest[] = [];
      for (const line of input.split('\n')) {
        if (!line.trim()) continue;
        try {
          reqs.push(decodeJsonValue(kind, JSON.parse(line) as Json, decodeOpts));
        } catch (e) {
          warn(`a line is neither JSON nor an OTLP request: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200));
        }
      }
      const request = mergeRequests(kind, reqs);
      return { request, items: countItems(kind, request), rejected, warnings };
    }
  }
  if (isObj(root) && OTLP_TOP[kind] in root) {
    try {
      const request = decodeJsonValue(kind, root as Json, decodeOpts);
      return { request, items: countItems(kind, request), rejected, warnings };
    } catch (e) {
      warn(`not a valid OTLP/JSON request: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300));
      return { request: mergeRequests(kind, []), items: 0, rejected, warnings };
    }
  }
  const grouper = new Grouper(opts);
  const max = opts.maxItems ?? 250_000;
  const all = itemsOf(root, kind);
  if (all.length > max) warn(`${all.length - max} items beyond the first ${max} were not read`);
  for (const { src, item } of all.slice(0, max)) {
    const conv = kind === 'traces' ? spanItem(item, warn) : kind === 'logs' ? logItem(item) : metricItem(item, warn);
    if (conv) grouper.add(src, conv);
  }
  const built = grouper.build(kind);
  let request: OtlpRequest;
  try {
    request = decodeJsonValue(kind, built, decodeOpts);
  } catch {
    // One odd item must not cost the whole file: decode item by item.
    const reqs: OtlpRequest[] = [];
    for (const one of grouper.singles(kind)) {
      try {
        reqs.push(decodeJsonValue(kind, one, decodeOpts));
      } catch (e) {
        warn(`an item was skipped: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200));
      }
    }
    request = mergeRequests(kind, reqs);
  }
  return { request, items: countItems(kind, request), rejected, warnings };
}

function countItems(kind: OtlpSignal, r: OtlpRequest): number {
  if (kind === 'traces') return (r.resourceSpans ?? []).flatMap((x) => x.scopeSpans ?? []).reduce((n, s) => n + (s.spans?.length ?? 0), 0);
  if (kind === 'logs') return (r.resourceLogs ?? []).flatMap((x) => x.scopeLogs ?? []).reduce((n, s) => n + (s.logRecords?.length ?? 0), 0);
  return (r.resourceMetrics ?? []).flatMap((x) => x.scopeMetrics ?? []).reduce((n, s) => n + (s.metrics?.length ?? 0), 0);
}

/** The file as normalized telemetry (see pipelineOtelToOtlp). Never throws. */
export function parsePipelineOtelFile(input: unknown, kind: PipelineOtelKind, opts: PipelineParseOptions = {}): TelemetryBatch {
  const { request } = pipelineOtelToOtlp(input, kind, opts);
  try {
    return normalize(kind, request);
  } catch {
    return emptyBatch();
  }
}
