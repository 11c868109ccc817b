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
  bytesValueOf,
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
  type OtlpAnyValue,
  type OtlpBuckets,
  type OtlpExemplar,
  type OtlpKeyValue,
  type OtlpLogRecord,
  type OtlpMetric,
  type OtlpRequest,
  type OtlpResource,
  type OtlpScope,
  type OtlpSignal,
  type OtlpSpan,
} from './types.js';

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

/** Like decodeJson, for a value already parsed (e.g. a line of a bundle file). */
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
  const resources = mapObjects(ctx, root, resField, (rx) => {
    const out: JsonObject = {};
    const r = objectField(ctx, rx, 'resource');
    if (r) out.resource = withField(ctx, 'resource', () => resource(ctx, r));
    const scopes = mapObjects(ctx, rx, scopeField, (sx) => {
      const so: JsonObject = {};
      const s = objectField(ctx, sx, 'scope');
      if (s) so.scope = withField(ctx, 'scope', () => scope(ctx, s));
      const leaves = mapObjects(ctx, sx, leafField, leaf);
      if (leaves.length) so[leafField] = leaves;
      const url = stringField(ctx, sx, 'schemaUrl');
      if (url) so.schemaUrl = url;
      return so;
    });
    if (scopes.length) out[scopeField] = scopes;
    const url = stringField(ctx, rx, 'schemaUrl');
    if (url) out.schemaUrl = url;
    return out;
  });
  return { [resField]: resources } as OtlpRequest;
}

function exportName(signal: OtlpSignal): string {
  return signal === 'traces' ? 'Trace' : signal === 'logs' ? 'Logs' : 'Metrics';
}

function withField<T>(ctx: DecodeContext, f: string, fn: () => T): T {
  ctx.push(f);
  const r = fn();
  ctx.pop();
  return r;
}

/** Maps an array-of-objects field; `fn` returning undefined drops the element. */
function mapObjects<R>(ctx: DecodeContext, o: JsonObject, f: string, fn: (x: JsonObject) => R | undefined): R[] {
  const arr = arrayField(ctx, o, f);
  const out: R[] = [];
  if (arr.length === 0) return out;
  ctx.push(f);
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    ctx.push(i);
    if (!isObject(x)) ctx.fail(`expected an object, got ${x === null ? 'null' : typeof x}`);
    const r = fn(x);
    if (r !== undefined) out.push(r);
    ctx.pop();
  }
  ctx.pop();
  return out;
}

function resource(ctx: DecodeContext, r: JsonObject): OtlpResource {
  const out: OtlpResource = {};
  const a = attrs(ctx, r, 'attributes');
  if (a.length) out.attributes = a;
  const d = int32Field(ctx, r, 'droppedAttributesCount', true);
  if (d) out.droppedAttributesCount = d;
  return out;
}

function scope(ctx: DecodeContext, s: JsonObject): OtlpScope {
  const out: OtlpScope = {};
  const name = stringField(ctx, s, 'name');
  if (name) out.name = name;
  const version = stringField(ctx, s, 'version');
  if (version) out.version = version;
  const a = attrs(ctx, s, 'attributes');
  if (a.length) out.attributes = a;
  const d = int32Field(ctx, s, 'droppedAttributesCount', true);
  if (d) out.droppedAttributesCount = d;
  return out;
}

/** The hottest loop of JSON decoding (a dozen attributes per span), so written out
 * without closures; same checks and messages as mapObjects. */
function attrs(ctx: DecodeContext, o: JsonObject, f: string, depth = 0): OtlpKeyValue[] {
  const arr = arrayField(ctx, o, f);
  const n = arr.length;
  const out: OtlpKeyValue[] = new Array(n);
  if (n === 0) return out;
  ctx.push(f);
  for (let i = 0; i < n; i++) {
    const kv = arr[i];
    ctx.push(i);
    if (!isObject(kv)) ctx.fail(`expected an object, got ${kv === null ? 'null' : typeof kv}`);
    const v = objectField(ctx, kv, 'value');
    const key = stringField(ctx, kv, 'key');
    let value: OtlpAnyValue = {};
    if (v) {
      const sv = v.stringValue;
      if (typeof sv === 'string') value = { stringValue: sv };
      else {
        ctx.push('value');
        value = anyValue(ctx, v, depth);
        ctx.pop();
      }
    }
    out[i] = { key, value };
    ctx.pop();
  }
  ctx.pop();
  return out;
}

function anyValue(ctx: DecodeContext, v: JsonObject, depth: number): OtlpAnyValue {
  // Exactly one member should be set; the first present one (in field order) wins.
  if (v.stringValue != null) return { stringValue: stringField(ctx, v, 'stringValue') };
  if (v.boolValue != null) return { boolValue: boolField(ctx, v, 'boolValue') };
  if (v.intValue != null) return { intValue: int64Value(ctx, v.intValue, 'intValue', true) };
  if (v.doubleValue != null) return { doubleValue: doubleValueOf(ctx, v.doubleValue, 'doubleValue') };
  if (v.arrayValue != null || v.kvlistValue != null) {
    if (depth >= ctx.maxDepth) ctx.fail(`AnyValue nested deeper than ${ctx.maxDepth} levels`);
    if (v.arrayValue != null) {
      const a = objectField(ctx, v, 'arrayValue')!;
      ctx.push('arrayValue');
      const arr = arrayField(ctx, a, 'values');
      const values: OtlpAnyValue[] = new Array(arr.length);
      ctx.push('values');
      for (let i = 0; i < arr.length; i++) {
        const x = arr[i];
        ctx.push(i);
        if (!isObject(x)) ctx.fail('expected an AnyValue object');
        values[i] = anyValue(ctx, x, depth + 1);
        ctx.pop();
      }
      ctx.pop();
      ctx.pop();
      return { arrayValue: { values } };
    }
    const kvl = objectField(ctx, v, 'kvlistValue')!;
    const values = withField(ctx, 'kvlistValue', () => attrs(ctx, kvl, 'values', depth + 1));
    return { kvlistValue: { values } };
  }
  if (v.bytesValue != null) return { bytesValue: bytesValueOf(ctx, v.bytesValue, 'bytesValue') };
  return {};
}

function span(ctx: DecodeContext, s: JsonObject): OtlpSpan {
  const traceId = idField(ctx, s, 'traceId', 16);
  const spanId = idField(ctx, s, 'spanId', 8);
  ctx.checkId(traceId, 16, 'traceId', true);
  ctx.checkId(spanId, 8, 'spanId', true);
  const out: OtlpSpan = {
    traceId,
    spanId,
    name: stringField(ctx, s, 'name'),
    kind: enumField(ctx, s, 'kind', SPAN_KIND),
    startTimeUnixNano: int64Field(ctx, s, 'startTimeUnixNano', false),
    endTimeUnixNano: int64Field(ctx, s, 'endTimeUnixNano', false),
  };
  const traceState = stringField(ctx, s, 'traceState');
  if (traceState) out.traceState = traceState;
  const parent = idField(ctx, s, 'parentSpanId', 8);
  if (parent) {
    ctx.checkId(parent, 8, 'parentSpanId', false);
    out.parentSpanId = parent;
  }
  const flags = int32Field(ctx, s, 'flags', true);
  if (flags) out.flags = flags;
  const a = attrs(ctx, s, 'attributes');
  if (a.length) out.attributes = a;
  const da = int32Field(ctx, s, 'droppedAttributesCount', true);
  if (da) out.droppedAttributesCount = da;
  const events = mapObjects(ctx, s, 'events', (e) => {
    const eo: JsonObject = {};
    const t = int64Field(ctx, e, 'timeUnixNano', false);
    if (t !== '0') eo.timeUnixNano = t;
    const name = stringField(ctx, e, 'name');
    if (name) eo.name = name;
    const ea = attrs(ctx, e, 'attributes');
    if (ea.length) eo.attributes = ea;
    const d = int32Field(ctx, e, 'droppedAttributesCount', true);
    if (d) eo.droppedAttributesCount = d;
    return eo;
  });
  if (events.length) out.events = events;
  const de = int32Field(ctx, s, 'droppedEventsCount', true);
  if (de) out.droppedEventsCount = de;
  const links = mapObjects(ctx, s, 'links', (l) => {
    const lo: JsonObject = { traceId: idField(ctx, l, 'traceId', 16), spanId: idField(ctx, l, 'spanId', 8) };
    ctx.checkId(lo.traceId as string, 16, 'traceId', true);
    ctx.checkId(lo.spanId as string, 8, 'spanId', true);
    const ts = stringField(ctx, l, 'traceState');
    if (ts) lo.traceState = ts;
    const la = attrs(ctx, l, 'attributes');
    if (la.length) lo.attributes = la;
    const d = int32Field(ctx, l, 'droppedAttributesCount', true);
    if (d) lo.droppedAttributesCount = d;
    const f = int32Field(ctx, l, 'flags', true);
    if (f) lo.flags = f;
    return lo;
  });
  if (links.length) out.links = links as unknown as OtlpSpan['links'];
  const dl = int32Field(ctx, s, 'droppedLinksCount', true);
  if (dl) out.droppedLinksCount = dl;
  const st = objectField(ctx, s, 'status');
  if (st) {
    const so: { message?: string; code?: number } = {};
    ctx.push('status');
    const message = stringField(ctx, st, 'message');
    if (message) so.message = message;
    const code = enumField(ctx, st, 'code', STATUS_CODE);
    if (code) so.code = code;
    ctx.pop();
    out.status = so;
  }
  return out;
}

function logRecord(ctx: DecodeContext, l: JsonObject): OtlpLogRecord {
  const out: OtlpLogRecord = {};
  const t = int64Field(ctx, l, 'timeUnixNano', false);
  if (t !== '0') out.timeUnixNano = t;
  const ot = int64Field(ctx, l, 'observedTimeUnixNano', false);
  if (ot !== '0') out.observedTimeUnixNano = ot;
  const sev = enumField(ctx, l, 'severityNumber', SEVERITY_NUMBER);
  if (sev) out.severityNumber = sev;
  const sevText = stringField(ctx, l, 'severityText');
  if (sevText) out.severityText = sevText;
  const body = objectField(ctx, l, 'body');
  if (body) out.body = withField(ctx, 'body', () => anyValue(ctx, body, 0));
  const a = attrs(ctx, l, 'attributes');
  if (a.length) out.attributes = a;
  const da = int32Field(ctx, l, 'droppedAttributesCount', true);
  if (da) out.droppedAttributesCount = da;
  const flags = int32Field(ctx, l, 'flags', true);
  if (flags) out.flags = flags;
  const traceId = idField(ctx, l, 'traceId', 16);
  if (traceId) {
    ctx.checkId(traceId, 16, 'traceId', false);
    out.traceId = traceId;
  }
  const spanId = idField(ctx, l, 'spanId', 8);
  if (spanId) {
    ctx.checkId(spanId, 8, 'spanId', false);
    out.spanId = spanId;
  }
  const eventName = stringField(ctx, l, 'eventName');
  if (eventName) out.eventName = eventName;
  return out;
}

const METRIC_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function metric(ctx: DecodeContext, m: JsonObject): OtlpMetric {
  const out: OtlpMetric = {};
  const name = stringField(ctx, m, 'name');
  if (name) out.name = name;
  const description = stringField(ctx, m, 'description');
  if (description) out.description = description;
  const unit = stringField(ctx, m, 'unit');
  if (unit) out.unit = unit;
  // A oneof: if a sender sets several, the first in declaration order wins.
  const kind = METRIC_KINDS.find((k) => m[k] != null);
  if (kind) {
    const d = objectField(ctx, m, kind)!;
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
    const pts = mapObjects(ctx, d, 'dataPoints', (p) => ctx.item(() => point(ctx, p)));
    if (pts.length) body.dataPoints = pts;
    if (kind !== 'gauge' && kind !== 'summary') {
      const t = enumField(ctx, d, 'aggregationTemporality', AGGREGATION_TEMPORALITY);
      if (t) body.aggregationTemporality = t;
    }
    if (kind === 'sum' && boolField(ctx, d, 'isMonotonic')) body.isMonotonic = true;
    ctx.pop();
    (out as JsonObject)[kind] = body;
  }
  const md = attrs(ctx, m, 'metadata');
  if (md.length) out.metadata = md;
  return out;
}

function pointBase(ctx: DecodeContext, p: JsonObject, attrField = 'attributes'): JsonObject {
  const out: JsonObject = {};
  const a = attrs(ctx, p, attrField);
  if (a.length) out.attributes = a;
  const st = int64Field(ctx, p, 'startTimeUnixNano', false);
  if (st !== '0') out.startTimeUnixNano = st;
  out.timeUnixNano = int64Field(ctx, p, 'timeUnixNano', false);
  const flags = int32Field(ctx, p, 'flags', true);
  if (flags) out.flags = flags;
  return out;
}

function putDouble(ctx: DecodeContext, out: JsonObject, p: JsonObject, f: string): void {
  const d = doubleField(ctx, p, f);
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
  const arr = arrayField(ctx, p, f);
  return arr.map((v, i) => int64Value(ctx, v, `${f}[${i}]`, false));
}

function histogramPoint(ctx: DecodeContext, p: JsonObject): JsonObject {
  const out = pointBase(ctx, p);
  out.count = int64Field(ctx, p, 'count', false);
  putDouble(ctx, out, p, 'sum');
  const bc = u64List(ctx, p, 'bucketCounts');
  if (bc.length) out.bucketCounts = bc;
  const eb = arrayField(ctx, p, 'explicitBounds').map((v, i) => doubleValueOf(ctx, v, `explicitBounds[${i}]`));
  if (eb.length) out.explicitBounds = eb;
  const ex = exemplars(ctx, p);
  if (ex.length) out.exemplars = ex;
  putDouble(ctx, out, p, 'min');
  putDouble(ctx, out, p, 'max');
  return out;
}

function buckets(ctx: DecodeContext, b: JsonObject): OtlpBuckets {
  const out: OtlpBuckets = { offset: int32Field(ctx, b, 'offset') };
  const bc = u64List(ctx, b, 'bucketCounts');
  if (bc.length) out.bucketCounts = bc;
  return out;
}

function expHistogramPoint(ctx: DecodeContext, p: JsonObject): JsonObject {
  const out = pointBase(ctx, p);
  out.count = int64Field(ctx, p, 'count', false);
  putDouble(ctx, out, p, 'sum');
  out.scale = int32Field(ctx, p, 'scale');
  out.zeroCount = int64Field(ctx, p, 'zeroCount', false);
  const pos = objectField(ctx, p, 'positive');
  if (pos) out.positive = withField(ctx, 'positive', () => buckets(ctx, pos));
  const neg = objectField(ctx, p, 'negative');
  if (neg) out.negative = withField(ctx, 'negative', () => buckets(ctx, neg));
  const ex = exemplars(ctx, p);
  if (ex.length) out.exemplars = ex;
  putDouble(ctx, out, p, 'min');
  putDouble(ctx, out, p, 'max');
  out.zeroThreshold = doubleField(ctx, p, 'zeroThreshold') ?? 0;
  return out;
}

function summaryPoint(ctx: DecodeContext, p: JsonObject): JsonObject {
  const out = pointBase(ctx, p);
  out.count = int64Field(ctx, p, 'count', false);
  out.sum = doubleField(ctx, p, 'sum') ?? 0;
  const qs = mapObjects(ctx, p, 'quantileValues', (q) => ({
    quantile: doubleField(ctx, q, 'quantile') ?? 0,
    value: doubleField(ctx, q, 'value') ?? 0,
  }));
  if (qs.length) out.quantileValues = qs;
  return out;
}

function exemplars(ctx: DecodeContext, p: JsonObject): OtlpExemplar[] {
  return mapObjects(ctx, p, 'exemplars', (e) => {
    const eo: OtlpExemplar = {};
    const fa = attrs(ctx, e, 'filteredAttributes');
    if (fa.length) eo.filteredAttributes = fa;
    const t = int64Field(ctx, e, 'timeUnixNano', false);
    if (t !== '0') eo.timeUnixNano = t;
    if (e.asDouble != null) eo.asDouble = doubleValueOf(ctx, e.asDouble, 'asDouble');
    else if (e.asInt != null) eo.asInt = int64Value(ctx, e.asInt, 'asInt', true);
    const spanId = idField(ctx, e, 'spanId', 8);
    if (spanId) {
      ctx.checkId(spanId, 8, 'spanId', false);
      eo.spanId = spanId;
    }
    const traceId = idField(ctx, e, 'traceId', 16);
    if (traceId) {
      ctx.checkId(traceId, 16, 'traceId', false);
      eo.traceId = traceId;
    }
    return eo;
  });
}
