// Canonical OTLP/JSON → the normalized model (src/core/model.ts). The input has already
// been validated by a decoder, so this pass only converts: decimal strings → bigint
// nanoseconds, KeyValue lists → AttrMap, and one shared Resource/Scope object per
// ResourceX/ScopeX so consumers may compare them by reference.
//
// Optional model fields are set only when the OTLP value is present and not its default
// (e.g. droppedAttributesCount 0 → absent), mirroring the canonical form.
import type {
  AttrMap,
  AttrValue,
  LogRecord,
  MetricPoint,
  Resource,
  Scope,
  Span,
  SpanEvent,
  SpanLink,
  TelemetryBatch,
} from '../model.js';
import { base64ToBytes, doubleValue, isAllZeroHex } from './encoding.js';
import { foundTimes, hasSpanTimes, lookupSpanTimes, releaseSpanTimes } from './span-times.js';
import { STATUS_BY_CODE, StoredSpan, secondsOf, spanFrom, subNsOf } from './spanObject.js';
import type {
  OtlpAnyValue,
  OtlpBuckets,
  OtlpKeyValue,
  OtlpLogRecord,
  OtlpMetric,
  OtlpRequest,
  OtlpResource,
  OtlpScope,
  OtlpSignal,
  OtlpSpan,
} from './types.js';

export function normalize(signal: OtlpSignal, req: OtlpRequest): TelemetryBatch {
  const batch: TelemetryBatch = { spans: [], logs: [], metrics: [] };
  if (signal === 'traces') {
    const timed = hasSpanTimes(req);
    let k = 0;
    for (const rs of req.resourceSpans ?? []) {
      const resource = toResource(rs.resource, rs.schemaUrl);
      for (const ss of rs.scopeSpans ?? []) {
        const scope = toScope(ss.scope, ss.schemaUrl);
        for (const s of ss.spans ?? []) batch.spans.push(toSpan(s, resource, scope, timed ? k++ : -1));
      }
    }
    if (timed) releaseSpanTimes(req);
  } else if (signal === 'logs') {
    for (const rl of req.resourceLogs ?? []) {
      const resource = toResource(rl.resource, rl.schemaUrl);
      for (const sl of rl.scopeLogs ?? []) {
        const scope = toScope(sl.scope, sl.schemaUrl);
        for (const l of sl.logRecords ?? []) batch.logs.push(toLog(l, resource, scope));
      }
    }
  } else {
    for (const rm of req.resourceMetrics ?? []) {
      const resource = toResource(rm.resource, rm.schemaUrl);
      for (const sm of rm.scopeMetrics ?? []) {
        const scope = toScope(sm.scope, sm.schemaUrl);
        for (const m of sm.metrics ?? []) pushMetricPoints(batch.metrics, m, resource, scope);
      }
    }
  }
  return batch;
}

/** "123" → 123n; absent → 0n. */
function ns(s: string | undefined): bigint {
  return s === undefined ? 0n : BigInt(s);
}

function toResource(r: OtlpResource | undefined, schemaUrl: string | undefined): Resource {
  const out: Resource = { attributes: toAttrMap(r?.attributes) };
  if (r?.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  if (schemaUrl) out.schemaUrl = schemaUrl;
  return out;
}

function toScope(s: OtlpScope | undefined, schemaUrl: string | undefined): Scope {
  const out: Scope = { name: s?.name ?? '' };
  if (s?.version) out.version = s.version;
  if (s?.attributes?.length) out.attributes = toAttrMap(s.attributes);
  if (s?.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (schemaUrl) out.schemaUrl = schemaUrl;
  return out;
}

/** Makes the attribute maps of more than four entries. An object literal `{}` holds four
 * properties in the object itself and puts the rest in a separate property array (16 bytes
 * more, and its slack); objects made by a constructor get in-object room sized by V8's
 * in-object slack tracking: generous for the first few objects, then trimmed to what they
 * used. The assignments below never run; they only tell V8 to start from sixteen fields.
 * The prototype is Object.prototype, so the maps are plain objects to every consumer. */
function AttrBag(this: Record<string, unknown>, never: number): void {
  if (never < 0) {
    this.a = this.b = this.c = this.d = this.e = this.f = this.g = this.h = null;
    this.i = this.j = this.k = this.l = this.m = this.n = this.o = this.p = null;
  }
}
AttrBag.prototype = Object.prototype;
const AttrBagCtor = AttrBag as unknown as new (never: number) => AttrMap;

export function toAttrMap(kvs: OtlpKeyValue[] | undefined): AttrMap {
  if (!kvs) return {};
  const out: AttrMap = kvs.length > 4 ? new AttrBagCtor(0) : {};
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i]!;
    const key = kv.key;
    if (key === '__proto__') setAttr(out, key, toAttrValue(kv.value));
    else out[key] = toAttrValue(kv.value);
  }
  return out;
}

/** Assigns own properties only: a key of "__proto__" must not reach the prototype. */
function setAttr(m: AttrMap, key: string, v: AttrValue): void {
  if (key === '__proto__') Object.defineProperty(m, key, { value: v, enumerable: true, writable: true, configurable: true });
  else m[key] = v;
}

/** Property reads (not `in`): the canonical form never holds an `undefined` member. */
type AnyValueFields = { stringValue?: string; boolValue?: boolean; intValue?: string };

export function toAttrValue(v: OtlpAnyValue): AttrValue {
  const f = v as AnyValueFields;
  if (f.stringValue !== undefined) return f.stringValue;
  if (f.intValue !== undefined) {
    const n = Number(f.intValue);
    return Number.isSafeInteger(n) ? n : f.intValue;
  }
  if (f.boolValue !== undefined) return f.boolValue;
  if ('doubleValue' in v) return doubleValue(v.doubleValue)!;
  if ('arrayValue' in v) return v.arrayValue.values.map(toAttrValue);
  if ('kvlistValue' in v) return toAttrMap(v.kvlistValue.values);
  if ('bytesValue' in v) return base64ToBytes(v.bytesValue) ?? new Uint8Array(0);
  return null;
}

/** Absent or all-zero ids mean "no id" (some SDKs send zeros for "no active span"). */
function optionalId(id: string | undefined): string | undefined {
  return id && !isAllZeroHex(id) ? id : undefined;
}

/** Spans that crossed a thread (a structured clone keeps own fields and drops the
 * prototype) become StoredSpans again, sharing the default lists and statuses. In place. */
export function reviveSpans(spans: Span[]): void {
  for (let i = 0; i < spans.length; i++) spans[i] = spanFrom(spans[i]!);
}

function toStatus(st: OtlpSpan['status']): Span['status'] {
  const code = st?.code ?? 0;
  if (st?.message) return { code, message: st.message };
  return STATUS_BY_CODE[code] ?? { code };
}

// One constructor for every span (V8 sizes the object exactly); what most spans share —
// no events, no links, an UNSET status — is on the prototype (spanObject.ts).
// `k`: the span's position in a request the fast decoder has split the times of
// (span-times.ts), else -1.
function toSpan(s: OtlpSpan, resource: Resource, scope: Scope, k: number): Span {
  const start = s.startTimeUnixNano;
  const end = s.endTimeUnixNano;
  let startS: number;
  let startNs: number;
  let endS: number;
  let endNs: number;
  if (k >= 0 && lookupSpanTimes(k, start, end)) {
    startS = foundTimes.startS;
    startNs = foundTimes.startNs;
    endS = foundTimes.endS;
    endNs = foundTimes.endNs;
  } else {
    startS = secondsOf(start);
    startNs = subNsOf(start);
    endS = secondsOf(end);
    endNs = subNsOf(end);
  }
  const out = new StoredSpan(
    s.traceId,
    s.spanId,
    optionalId(s.parentSpanId),
    s.flags || undefined,
    s.name,
    s.kind,
    startS,
    startNs,
    endS,
    endNs,
    toAttrMap(s.attributes),
    resource,
    scope,
  );
  // Only what differs from the prototype's shared defaults (spanObject.ts).
  const st = s.status;
  if (st !== undefined && (st.code || st.message)) out.status = toStatus(st);
  if (s.events?.length) out.events = s.events.map(toSpanEvent);
  if (s.links?.length) out.links = s.links.map(toSpanLink);
  if (s.traceState) out.traceState = s.traceState;
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  return out;
}

function toSpanEvent(e: NonNullable<OtlpSpan['events']>[number]): SpanEvent {
  const out: SpanEvent = { timeNs: ns(e.timeUnixNano), name: e.name ?? '', attributes: toAttrMap(e.attributes) };
  if (e.droppedAttributesCount) out.droppedAttributesCount = e.droppedAttributesCount;
  return out;
}

function toSpanLink(l: NonNullable<OtlpSpan['links']>[number]): SpanLink {
  const out: SpanLink = { traceId: l.traceId, spanId: l.spanId, attributes: toAttrMap(l.attributes) };
  if (l.traceState) out.traceState = l.traceState;
  if (l.droppedAttributesCount) out.droppedAttributesCount = l.droppedAttributesCount;
  if (l.flags) out.flags = l.flags;
  return out;
}

function toLog(l: OtlpLogRecord, resource: Resource, scope: Scope): LogRecord {
  const out: LogRecord = {
    timeNs: ns(l.timeUnixNano),
    observedTimeNs: ns(l.observedTimeUnixNano),
    severityNumber: l.severityNumber ?? 0,
    body: l.body ? toAttrValue(l.body) : null,
    attributes: toAttrMap(l.attributes),
    resource,
    scope,
    source: stdioSource(scope, l),
  };
  if (l.severityText) out.severityText = l.severityText;
  if (l.droppedAttributesCount) out.droppedAttributesCount = l.droppedAttributesCount;
  if (l.flags) out.flags = l.flags;
  const traceId = optionalId(l.traceId);
  if (traceId) out.traceId = traceId;
  const spanId = optionalId(l.spanId);
  if (spanId) out.spanId = spanId;
  if (l.eventName) out.eventName = l.eventName;
  return out;
}

/** Lines the launcher captured from the child's stdout/stderr are stored as OTLP log records
 * under this scope; reading a bundle back must give them their source again. */
export const STDIO_SCOPE_NAME = 'build-diagnostics.stdio';

function stdioSource(scope: Scope, l: OtlpLogRecord): LogRecord['source'] {
  if (scope.name !== STDIO_SCOPE_NAME) return 'otlp';
  const value = l.attributes?.find((a) => a.key === 'log.iostream')?.value;
  const stream = value && 'stringValue' in value ? value.stringValue : undefined;
  return stream === 'stdout' || stream === 'stderr' ? stream : 'otlp';
}

const num = (s: string | undefined): number => (s === undefined ? 0 : Number(s));

function pushMetricPoints(out: MetricPoint[], m: OtlpMetric, resource: Resource, scope: Scope): void {
  const name = m.name ?? '';
  // Fields every point of this metric shares; spread into each point below.
  const head = (p: { attributes?: OtlpKeyValue[]; startTimeUnixNano?: string; timeUnixNano: string; flags?: number }) => {
    const h: {
      name: string;
      unit?: string;
      description?: string;
      startNs?: bigint;
      timeNs: bigint;
      attributes: AttrMap;
      flags?: number;
      resource: Resource;
      scope: Scope;
    } = { name, timeNs: ns(p.timeUnixNano), attributes: toAttrMap(p.attributes), resource, scope };
    if (m.unit) h.unit = m.unit;
    if (m.description) h.description = m.description;
    if (p.startTimeUnixNano) h.startNs = ns(p.startTimeUnixNano);
    if (p.flags) h.flags = p.flags;
    return h;
  };
  if (m.gauge || m.sum) {
    const kind = m.gauge ? 'gauge' : 'sum';
    const body = m.gauge ?? m.sum!;
    for (const p of body.dataPoints ?? []) {
      const value = p.asDouble !== undefined ? doubleValue(p.asDouble)! : num(p.asInt);
      const pt: MetricPoint = { ...head(p), kind, value };
      if (m.sum) {
        pt.isMonotonic = m.sum.isMonotonic ?? false;
        pt.temporality = m.sum.aggregationTemporality ?? 0;
      }
      if (p.exemplars?.length) pt.exemplars = p.exemplars;
      out.push(pt);
    }
  } else if (m.histogram) {
    for (const p of m.histogram.dataPoints ?? []) {
      const pt: MetricPoint = {
        ...head(p),
        kind: 'histogram',
        count: num(p.count),
        bucketCounts: (p.bucketCounts ?? []).map(Number),
        explicitBounds: (p.explicitBounds ?? []).map((d) => doubleValue(d)!),
        temporality: m.histogram.aggregationTemporality ?? 0,
      };
      if (p.sum !== undefined) pt.sum = doubleValue(p.sum);
      if (p.min !== undefined) pt.min = doubleValue(p.min);
      if (p.max !== undefined) pt.max = doubleValue(p.max);
      if (p.exemplars?.length) pt.exemplars = p.exemplars;
      out.push(pt);
    }
  } else if (m.exponentialHistogram) {
    const buckets = (b: OtlpBuckets | undefined) => ({ offset: b?.offset ?? 0, bucketCounts: (b?.bucketCounts ?? []).map(Number) });
    for (const p of m.exponentialHistogram.dataPoints ?? []) {
      const pt: MetricPoint = {
        ...head(p),
        kind: 'exponentialHistogram',
        count: num(p.count),
        scale: p.scale,
        zeroCount: num(p.zeroCount),
        zeroThreshold: doubleValue(p.zeroThreshold)!,
        positive: buckets(p.positive),
        negative: buckets(p.negative),
        temporality: m.exponentialHistogram.aggregationTemporality ?? 0,
      };
      if (p.sum !== undefined) pt.sum = doubleValue(p.sum);
      if (p.min !== undefined) pt.min = doubleValue(p.min);
      if (p.max !== undefined) pt.max = doubleValue(p.max);
      if (p.exemplars?.length) pt.exemplars = p.exemplars;
      out.push(pt);
    }
  } else if (m.summary) {
    for (const p of m.summary.dataPoints ?? []) {
      out.push({
        ...head(p),
        kind: 'summary',
        count: num(p.count),
        sum: doubleValue(p.sum)!,
        quantiles: (p.quantileValues ?? []).map((q) => ({ quantile: doubleValue(q.quantile)!, value: doubleValue(q.value)! })),
      });
    }
  }
}
