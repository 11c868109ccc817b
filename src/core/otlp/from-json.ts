// OTLP/JSON text → canonical OTLP/JSON, validating every field on the way (the input is
// untrusted: any sender can post anything). Unknown fields are ignored, as the spec asks.
import { DecodeContext } from './context.js';
import {
  AGGREGATION_TEMPORALITY,
  SEVERITY_NUMBER,
  SPAN_KIND,
  STATUS_CODE,
  arrayField,
  boolField,
  doubleField,
  doubleValueOf,
  enumField,
  idField,
  int32Field,
  int64Field,
  int64Value,
  isObject,
  objectField,
  stringField,
  type Json,
  type JsonObject,
} from './json-fields.js';
import {
  OtlpDecodeError,
  type DecodeOptions,
  type OtlpBuckets,
  type OtlpExemplar,
  type OtlpLogRecord,
  type OtlpMetric,
  type OtlpRequest,
  type OtlpResource,
  type OtlpScope,
  type OtlpSignal,
  type OtlpSpan,
} from './types.js';
import { anyValue, attrs, mapObjects, withField } from './json-values.js';

const TOP_FIELD: Record<OtlpSignal, [string, string, string]> = {
  traces: ['resourceSpans', 'scopeSpans', 'spans'],
  logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
};

export function decodeJson(signal: OtlpSignal, text: string, opts?: DecodeOptions): OtlpRequest {
  let root: Json;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new OtlpDecodeError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return decodeJsonValue(signal, root, opts);
}

/** Like decodeJson, for a value already parsed (e.g. a line of a bundle file). The result
 * may share objects with `root` (attributes already in canonical form are kept). */
export function decodeJsonValue(signal: OtlpSignal, root: Json, opts?: DecodeOptions): OtlpRequest {
  const ctx: DecodeContext = new DecodeContext(opts);
  if (!isObject(root)) ctx.fail(`expected a JSON object (an Export${exportName(signal)}ServiceRequest)`);
  const [resField, scopeField, leafField] = TOP_FIELD[signal];
  const leaf: (o: JsonObject) => unknown =
    signal === 'traces'
      ? (o: JsonObject) => ctx.item(() => span(ctx, o))
      : signal === 'logs'
        ? (o: JsonObject) => ctx.item(() => logRecord(ctx, o))
        : (o: JsonObject) => metric(ctx, o);
  const resources = mapObjects(ctx, root[resField], resField, (rx) => {
    const out: JsonObject = {};
    const r = objectField(ctx, rx.resource, 'resource');
    if (r) out.resource = withField(ctx, 'resource', () => resource(ctx, r));
    const scopes = mapObjects(ctx, rx[scopeField], scopeField, (sx) => {
      const so: JsonObject = {};
      const s = objectField(ctx, sx.scope, 'scope');
      if (s) so.scope = withField(ctx, 'scope', () => scope(ctx, s));
      const leaves = mapObjects(ctx, sx[leafField], leafField, leaf);
      if (leaves.length) so[leafField] = leaves;
      const url = stringField(ctx, sx.schemaUrl, 'schemaUrl');
      if (url) so.schemaUrl = url;
      return so;
    });
    if (scopes.length) out[scopeField] = scopes;
    const url = stringField(ctx, rx.schemaUrl, 'schemaUrl');
    if (url) out.schemaUrl = url;
    return out;
  });
  return { [resField]: resources } as OtlpRequest;
}

function exportName(signal: OtlpSignal): string {
  return signal === 'traces' ? 'Trace' : signal === 'logs' ? 'Logs' : 'Metrics';
}

function resource(ctx: DecodeContext, r: JsonObject): OtlpResource {
  const out: OtlpResource = {};
  const a = attrs(ctx, r.attributes, 'attributes');
  if (a.length) out.attributes = a;
  const d = int32Field(ctx, r.droppedAttributesCount, 'droppedAttributesCount', true);
  if (d) out.droppedAttributesCount = d;
  return out;
}

function scope(ctx: DecodeContext, s: JsonObject): OtlpScope {
  const out: OtlpScope = {};
  const name = stringField(ctx, s.name, 'name');
  if (name) out.name = name;
  const version = stringField(ctx, s.version, 'version');
  if (version) out.version = version;
  const a = attrs(ctx, s.attributes, 'attributes');
  if (a.length) out.attributes = a;
  const d = int32Field(ctx, s.droppedAttributesCount, 'droppedAttributesCount', true);
  if (d) out.droppedAttributesCount = d;
  return out;
}

function span(ctx: DecodeContext, s: JsonObject): OtlpSpan {
  const traceId = idField(ctx, s.traceId, 'traceId', 16);
  const spanId = idField(ctx, s.spanId, 'spanId', 8);
  ctx.checkId(traceId, 16, 'traceId', true);
  ctx.checkId(spanId, 8, 'spanId', true);
  const out: OtlpSpan = {
    traceId,
    spanId,
    name: stringField(ctx, s.name, 'name'),
    kind: enumField(ctx, s.kind, 'kind', SPAN_KIND),
    startTimeUnixNano: int64Field(ctx, s.startTimeUnixNano, 'startTimeUnixNano', false),
    endTimeUnixNano: int64Field(ctx, s.endTimeUnixNano, 'endTimeUnixNano', false),
  };
  const traceState = stringField(ctx, s.traceState, 'traceState');
  if (traceState) out.traceState = traceState;
  const parent = idField(ctx, s.parentSpanId, 'parentSpanId', 8);
  if (parent) {
    ctx.checkId(parent, 8, 'parentSpanId', false);
    out.parentSpanId = parent;
  }
  const flags = int32Field(ctx, s.flags, 'flags', true);
  if (flags) out.flags = flags;
  const a = attrs(ctx, s.attributes, 'attributes');
  if (a.length) out.attributes = a;
  const da = int32Field(ctx, s.droppedAttributesCount, 'droppedAttributesCount', true);
  if (da) out.droppedAttributesCount = da;
  const events = mapObjects(ctx, s.events, 'events', (e) => {
    const eo: JsonObject = {};
    const t = int64Field(ctx, e.timeUnixNano, 'timeUnixNano', false);
    if (t !== '0') eo.timeUnixNano = t;
    const name = stringField(ctx, e.name, 'name');
    if (name) eo.name = name;
    const ea = attrs(ctx, e.attributes, 'attributes');
    if (ea.length) eo.attributes = ea;
    const d = int32Field(ctx, e.droppedAttributesCount, 'droppedAttributesCount', true);
    if (d) eo.droppedAttributesCount = d;
    return eo;
  });
  if (events.length) out.events = events;
  const de = int32Field(ctx, s.droppedEventsCount, 'droppedEventsCount', true);
  if (de) out.droppedEventsCount = de;
  const links = mapObjects(ctx, s.links, 'links', (l) => {
    const lo: JsonObject = { traceId: idField(ctx, l.traceId, 'traceId', 16), spanId: idField(ctx, l.spanId, 'spanId', 8) };
    ctx.checkId(lo.traceId as string, 16, 'traceId', true);
    ctx.checkId(lo.spanId as string, 8, 'spanId', true);
    const ts = stringField(ctx, l.traceState, 'traceState');
    if (ts) lo.traceState = ts;
    const la = attrs(ctx, l.attributes, 'attributes');
    if (la.length) lo.attributes = la;
    const d = int32Field(ctx, l.droppedAttributesCount, 'droppedAttributesCount', true);
    if (d) lo.droppedAttributesCount = d;
    const f = int32Field(ctx, l.flags, 'flags', true);
    if (f) lo.flags = f;
    return lo;
  });
  if (links.length) out.links = links as unknown as OtlpSpan['links'];
  const dl = int32Field(ctx, s.droppedLinksCount, 'droppedLinksCount', true);
  if (dl) out.droppedLinksCount = dl;
  const st = objectField(ctx, s.status, 'status');
  if (st) {
    const so: { message?: string; code?: number } = {};
    ctx.push('status');
    const message = stringField(ctx, st.message, 'message');
    if (message) so.message = message;
    const code = enumField(ctx, st.code, 'code', STATUS_CODE);
    if (code) so.code = code;
    ctx.pop();
    out.status = so;
  }
  return out;
}

function logRecord(ctx: DecodeContext, l: JsonObject): OtlpLogRecord {
  const out: OtlpLogRecord = {};
  const t = int64Field(ctx, l.timeUnixNano, 'timeUnixNano', false);
  if (t !== '0') out.timeUnixNano = t;
  const ot = int64Field(ctx, l.observedTimeUnixNano, 'observedTimeUnixNano', false);
  if (ot !== '0') out.observedTimeUnixNano = ot;
  const sev = enumField(ctx, l.severityNumber, 'severityNumber', SEVERITY_NUMBER);
  if (sev) out.severityNumber = sev;
  const sevText = stringField(ctx, l.severityText, 'severityText');
  if (sevText) out.severityText = sevText;
  const body = objectField(ctx, l.body, 'body');
  if (body) out.body = withField(ctx, 'body', () => anyValue(ctx, body, 0));
  const a = attrs(ctx, l.attributes, 'attributes');
  if (a.length) out.attributes = a;
  const da = int32Field(ctx, l.droppedAttributesCount, 'droppedAttributesCount', true);
  if (da) out.droppedAttributesCount = da;
  const flags = int32Field(ctx, l.flags, 'flags', true);
  if (flags) out.flags = flags;
  const traceId = idField(ctx, l.traceId, 'traceId', 16);
  if (traceId) {
    ctx.checkId(traceId, 16, 'traceId', false);
    out.traceId = traceId;
  }
  const spanId = idField(ctx, l.spanId, 'spanId', 8);
  if (spanId) {
    ctx.checkId(spanId, 8, 'spanId', false);
    out.spanId = spanId;
  }
  const eventName = stringField(ctx, l.eventName, 'eventName');
  if (eventName) out.eventName = eventName;
  return out;
}

const METRIC_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function metric(ctx: DecodeContext, m: JsonObject): OtlpMetric {
  const out: OtlpMetric = {};
  const name = stringField(ctx, m.name, 'name');
  if (name) out.name = name;
  const description = stringField(ctx, m.description, 'description');
  if (description) out.description = description;
  const unit = stringField(ctx, m.unit, 'unit');
  if (unit) out.unit = unit;
  // A oneof: if a sender sets several, the first in declaration order wins.
  const kind = METRIC_KINDS.find((k) => m[k] != null);
  if (kind) {
    const d = objectField(ctx, m[kind], kind)!;
    ctx.push(kind);
    const body: JsonObject = {};
    const point =
      kind === 'gauge' || kind === 'sum'
        ? numberPoint
        : kind === 'histogram'
          ? histogramPoint
          : kind === 'exponentialHistogram'
            ? expHistogramPoint
            : summaryPoint;
    const pts = mapObjects(ctx, d.dataPoints, 'dataPoints', (p) => ctx.item(() => point(ctx, p)));
    if (pts.length) body.dataPoints = pts;
    if (kind !== 'gauge' && kind !== 'summary') {
      const t = enumField(ctx, d.aggregationTemporality, 'aggregationTemporality', AGGREGATION_TEMPORALITY);
      if (t) body.aggregationTemporality = t;
    }
    if (kind === 'sum' && boolField(ctx, d.isMonotonic, 'isMonotonic')) body.isMonotonic = true;
    ctx.pop();
    (out as JsonObject)[kind] = body;
  }
  const md = attrs(ctx, m.metadata, 'metadata');
  if (md.length) out.metadata = md;
  return out;
}

function pointBase(ctx: DecodeContext, p: JsonObject, attrField = 'attributes'): JsonObject {
  const out: JsonObject = {};
  const a = attrs(ctx, p[attrField], attrField);
  if (a.length) out.attributes = a;
  const st = int64Field(ctx, p.startTimeUnixNano, 'startTimeUnixNano', false);
  if (st !== '0') out.startTimeUnixNano = st;
  out.timeUnixNano = int64Field(ctx, p.timeUnixNano, 'timeUnixNano', false);
  const flags = int32Field(ctx, p.flags, 'flags', true);
  if (flags) out.flags = flags;
  return out;
}

function putDouble(ctx: DecodeContext, out: JsonObject, p: JsonObject, f: string): void {
  const d = doubleField(ctx, p[f], f);
  if (d !== undefined) out[f] = d;
}

function numberPoint(ctx: DecodeContext, p: JsonObject): JsonObject {
  const out = pointBase(ctx, p);
  if (p.asDouble != null) out.asDouble = doubleValueOf(ctx, p.asDouble, 'asDouble');
  else if (p.asInt != null) out.asInt = int64Value(ctx, p.asInt, 'asInt', true);
  const ex = exemplars(ctx, p);
  if (ex.length) out.exemplars = ex;
  return out;
}

function u64List(ctx: DecodeContext, p: JsonObject, f: string): string[] {
  const arr = arrayField(ctx, p[f], f);
  return arr.map((v, i) => int64Value(ctx, v, `${f}[${i}]`, false));
}

function histogramPoint(ctx: DecodeContext, p: JsonObject): JsonObject {
  const out = pointBase(ctx, p);
  out.count = int64Field(ctx, p.count, 'count', false);
  putDouble(ctx, out, p, 'sum');
  const bc = u64List(ctx, p, 'bucketCounts');
  if (bc.length) out.bucketCounts = bc;
  const eb = arrayField(ctx, p.explicitBounds, 'explicitBounds').map((v, i) => doubleValueOf(ctx, v, `explicitBounds[${i}]`));
  if (eb.length) out.explicitBounds = eb;
  const ex = exemplars(ctx, p);
  if (ex.length) out.exemplars = ex;
  putDouble(ctx, out, p, 'min');
  putDouble(ctx, out, p, 'max');
  return out;
}

function buckets(ctx: DecodeContext, b: JsonObject): OtlpBuckets {
  const out: OtlpBuckets = { offset: int32Field(ctx, b.offset, 'offset') };
  const bc = u64List(ctx, b, 'bucketCounts');
  if (bc.length) out.bucketCounts = bc;
  return out;
}

function expHistogramPoint(ctx: DecodeContext, p: JsonObject): JsonObject {
  const out = pointBase(ctx, p);
  out.count = int64Field(ctx, p.count, 'count', false);
  putDouble(ctx, out, p, 'sum');
  out.scale = int32Field(ctx, p.scale, 'scale');
  out.zeroCount = int64Field(ctx, p.zeroCount, 'zeroCount', false);
  const pos = objectField(ctx, p.positive, 'positive');
  if (pos) out.positive = withField(ctx, 'positive', () => buckets(ctx, pos));
  const neg = objectField(ctx, p.negative, 'negative');
  if (neg) out.negative = withField(ctx, 'negative', () => buckets(ctx, neg));
  const ex = exemplars(ctx, p);
  if (ex.length) out.exemplars = ex;
  putDouble(ctx, out, p, 'min');
  putDouble(ctx, out, p, 'max');
  out.zeroThreshold = doubleField(ctx, p.zeroThreshold, 'zeroThreshold') ?? 0;
  return out;
}

function summaryPoint(ctx: DecodeContext, p: JsonObject): JsonObject {
  const out = pointBase(ctx, p);
  out.count = int64Field(ctx, p.count, 'count', false);
  out.sum = doubleField(ctx, p.sum, 'sum') ?? 0;
  const qs = mapObjects(ctx, p.quantileValues, 'quantileValues', (q) => ({
    quantile: doubleField(ctx, q.quantile, 'quantile') ?? 0,
    value: doubleField(ctx, q.value, 'value') ?? 0,
  }));
  if (qs.length) out.quantileValues = qs;
  return out;
}

function exemplars(ctx: DecodeContext, p: JsonObject): OtlpExemplar[] {
  return mapObjects(ctx, p.exemplars, 'exemplars', (e) => {
    const eo: OtlpExemplar = {};
    const fa = attrs(ctx, e.filteredAttributes, 'filteredAttributes');
    if (fa.length) eo.filteredAttributes = fa;
    const t = int64Field(ctx, e.timeUnixNano, 'timeUnixNano', false);
    if (t !== '0') eo.timeUnixNano = t;
    if (e.asDouble != null) eo.asDouble = doubleValueOf(ctx, e.asDouble, 'asDouble');
    else if (e.asInt != null) eo.asInt = int64Value(ctx, e.asInt, 'asInt', true);
    const spanId = idField(ctx, e.spanId, 'spanId', 8);
    if (spanId) {
      ctx.checkId(spanId, 8, 'spanId', false);
      eo.spanId = spanId;
    }
    const traceId = idField(ctx, e.traceId, 'traceId', 16);
    if (traceId) {
      ctx.checkId(traceId, 16, 'traceId', false);
      eo.traceId = traceId;
    }
    return eo;
  });
}
