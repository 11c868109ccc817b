// Binary OTLP → canonical OTLP/JSON, the reference path: protobufjs decodes the wire format
// into its message objects, then one hand-written pass turns them (Long for 64-bit ints,
// Uint8Array for bytes, oneof virtual properties) into the canonical form of types.ts.
// The receiver's fast path (from-proto.ts) decodes traces and logs straight from the wire;
// this one still decodes metrics, and the differential tests hold the two equal
// (test/unit/otlp-fast-decode.test.ts).
import { otlpTypes } from './schema.js';
import { DecodeContext } from './context.js';
import { bytesToBase64, bytesToHex, canonDouble, isZeroLong, longToDecimal } from './encoding.js';
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

// protobufjs messages are untyped. What we rely on: unset plain scalars read as their
// default (from the prototype), repeated fields as arrays, unset sub-messages, oneof
// members and `optional` fields as null, and the oneof name (`value`, `data`) names the
// member that is set. 64-bit integers are long.js Longs; bytes are Uint8Arrays.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Pb = any;

export function decodeProtobufReference(signal: OtlpSignal, bytes: Uint8Array, opts?: DecodeOptions): OtlpRequest {
  const type = otlpTypes().request[signal];
  let msg: Pb;
  try {
    msg = type.decode(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new OtlpDecodeError(`invalid protobuf ${type.name}: ${why}`);
  }
  const ctx = new DecodeContext(opts);
  if (signal === 'traces') {
    return { resourceSpans: walk(ctx, msg.resourceSpans, 'resourceSpans', 'scopeSpans', 'spans', (s) => ctx.item(() => span(ctx, s))) };
  }
  if (signal === 'logs') {
    return { resourceLogs: walk(ctx, msg.resourceLogs, 'resourceLogs', 'scopeLogs', 'logRecords', (l) => ctx.item(() => logRecord(ctx, l))) };
  }
  return { resourceMetrics: walk(ctx, msg.resourceMetrics, 'resourceMetrics', 'scopeMetrics', 'metrics', (m) => metric(ctx, m)) };
}

/** Resource → scope → leaf lists, the same three levels for every signal. */
function walk<R>(
  ctx: DecodeContext,
  resources: Pb[],
  resField: string,
  scopeField: string,
  leafField: string,
  leaf: (x: Pb) => unknown,
): R[] {
  return mapList(ctx, resField, resources, (rx: Pb) => {
    const out: Pb = {};
    if (rx.resource) out.resource = resource(ctx, rx.resource);
    const scopes = mapList(ctx, scopeField, rx[scopeField], (sx: Pb) => {
      const so: Pb = {};
      if (sx.scope) so.scope = scope(ctx, sx.scope);
      const leaves = mapList(ctx, leafField, sx[leafField], leaf);
      if (leaves.length) so[leafField] = leaves;
      if (sx.schemaUrl) so.schemaUrl = sx.schemaUrl;
      return so;
    });
    if (scopes.length) out[scopeField] = scopes;
    if (rx.schemaUrl) out.schemaUrl = rx.schemaUrl;
    return out as R;
  });
}

function mapList<R>(ctx: DecodeContext, field: string, arr: Pb[] | undefined, fn: (x: Pb) => R | undefined): R[] {
  const out: R[] = [];
  if (!arr || arr.length === 0) return out;
  ctx.push(field);
  for (let i = 0; i < arr.length; i++) {
    ctx.push(i);
    const r = fn(arr[i]);
    if (r !== undefined) out.push(r);
    ctx.pop();
  }
  ctx.pop();
  return out;
}

function resource(ctx: DecodeContext, r: Pb): OtlpResource {
  const out: OtlpResource = {};
  if (r.attributes.length) out.attributes = attrs(ctx, r.attributes);
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  return out;
}

function scope(ctx: DecodeContext, s: Pb): OtlpScope {
  const out: OtlpScope = {};
  if (s.name) out.name = s.name;
  if (s.version) out.version = s.version;
  if (s.attributes.length) out.attributes = attrs(ctx, s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  return out;
}

function attrs(ctx: DecodeContext, kvs: Pb[]): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = new Array(kvs.length);
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i];
    out[i] = { key: kv.key, value: kv.value ? anyValue(ctx, kv.value, 0) : {} };
  }
  return out;
}

function anyValue(ctx: DecodeContext, v: Pb, depth: number): OtlpAnyValue {
  switch (v.value as string | undefined) {
    case 'stringValue':
      return { stringValue: v.stringValue };
    case 'boolValue':
      return { boolValue: v.boolValue };
    case 'intValue':
      return { intValue: longToDecimal(v.intValue, true) };
    case 'doubleValue':
      return { doubleValue: canonDouble(v.doubleValue) };
    case 'bytesValue':
      return { bytesValue: bytesToBase64(v.bytesValue) };
    case 'arrayValue': {
      if (depth >= ctx.maxDepth) ctx.fail(`AnyValue nested deeper than ${ctx.maxDepth} levels`);
      const vals: Pb[] = v.arrayValue.values;
      const out: OtlpAnyValue[] = new Array(vals.length);
      for (let i = 0; i < vals.length; i++) out[i] = anyValue(ctx, vals[i], depth + 1);
      return { arrayValue: { values: out } };
    }
    case 'kvlistValue': {
      if (depth >= ctx.maxDepth) ctx.fail(`AnyValue nested deeper than ${ctx.maxDepth} levels`);
      const kvs: Pb[] = v.kvlistValue.values;
      const out: OtlpKeyValue[] = new Array(kvs.length);
      for (let i = 0; i < kvs.length; i++) {
        const kv = kvs[i];
        out[i] = { key: kv.key, value: kv.value ? anyValue(ctx, kv.value, depth + 1) : {} };
      }
      return { kvlistValue: { values: out } };
    }
    default:
      return {};
  }
}

const u64 = (v: U64): string => longToDecimal(v, false);
type U64 = { low: number; high: number } | number;

function span(ctx: DecodeContext, s: Pb): OtlpSpan {
  const traceId = bytesToHex(s.traceId);
  const spanId = bytesToHex(s.spanId);
  ctx.checkId(traceId, 16, 'traceId', true);
  ctx.checkId(spanId, 8, 'spanId', true);
  const out: OtlpSpan = {
    traceId,
    spanId,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: u64(s.startTimeUnixNano),
    endTimeUnixNano: u64(s.endTimeUnixNano),
  };
  if (s.traceState) out.traceState = s.traceState;
  if (s.parentSpanId.length) {
    out.parentSpanId = bytesToHex(s.parentSpanId);
    ctx.checkId(out.parentSpanId, 8, 'parentSpanId', false);
  }
  if (s.flags) out.flags = s.flags;
  if (s.attributes.length) out.attributes = attrs(ctx, s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.events.length) {
    out.events = s.events.map((e: Pb) => {
      const eo: Pb = {};
      if (!isZeroLong(e.timeUnixNano)) eo.timeUnixNano = u64(e.timeUnixNano);
      if (e.name) eo.name = e.name;
      if (e.attributes.length) eo.attributes = attrs(ctx, e.attributes);
      if (e.droppedAttributesCount) eo.droppedAttributesCount = e.droppedAttributesCount;
      return eo;
    });
  }
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.links.length) {
    ctx.push('links');
    out.links = s.links.map((l: Pb, i: number) => {
      ctx.push(i);
      const lo: Pb = { traceId: bytesToHex(l.traceId), spanId: bytesToHex(l.spanId) };
      ctx.checkId(lo.traceId, 16, 'traceId', true);
      ctx.checkId(lo.spanId, 8, 'spanId', true);
      if (l.traceState) lo.traceState = l.traceState;
      if (l.attributes.length) lo.attributes = attrs(ctx, l.attributes);
      if (l.droppedAttributesCount) lo.droppedAttributesCount = l.droppedAttributesCount;
      if (l.flags) lo.flags = l.flags;
      ctx.pop();
      return lo;
    });
    ctx.pop();
  }
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  if (s.status) {
    const st: { message?: string; code?: number } = {};
    if (s.status.message) st.message = s.status.message;
    if (s.status.code) st.code = s.status.code;
    out.status = st;
  }
  return out;
}

function logRecord(ctx: DecodeContext, l: Pb): OtlpLogRecord {
  const out: OtlpLogRecord = {};
  if (!isZeroLong(l.timeUnixNano)) out.timeUnixNano = u64(l.timeUnixNano);
  if (!isZeroLong(l.observedTimeUnixNano)) out.observedTimeUnixNano = u64(l.observedTimeUnixNano);
  if (l.severityNumber) out.severityNumber = l.severityNumber;
  if (l.severityText) out.severityText = l.severityText;
  if (l.body) out.body = anyValue(ctx, l.body, 0);
  if (l.attributes.length) out.attributes = attrs(ctx, l.attributes);
  if (l.droppedAttributesCount) out.droppedAttributesCount = l.droppedAttributesCount;
  if (l.flags) out.flags = l.flags;
  if (l.traceId.length) {
    out.traceId = bytesToHex(l.traceId);
    ctx.checkId(out.traceId, 16, 'traceId', false);
  }
  if (l.spanId.length) {
    out.spanId = bytesToHex(l.spanId);
    ctx.checkId(out.spanId, 8, 'spanId', false);
  }
  if (l.eventName) out.eventName = l.eventName;
  return out;
}

function metric(ctx: DecodeContext, m: Pb): OtlpMetric {
  const out: OtlpMetric = {};
  if (m.name) out.name = m.name;
  if (m.description) out.description = m.description;
  if (m.unit) out.unit = m.unit;
  const kind = m.data as string | undefined;
  if (kind) {
    const d = m[kind];
    const body: Pb = {};
    const pts = mapList(ctx, 'dataPoints', d.dataPoints, (p: Pb) =>
      ctx.item(() => {
        switch (kind) {
          case 'gauge':
          case 'sum':
            return numberPoint(ctx, p);
          case 'histogram':
            return histogramPoint(ctx, p);
          case 'exponentialHistogram':
            return expHistogramPoint(ctx, p);
          default:
            return summaryPoint(ctx, p);
        }
      }),
    );
    if (pts.length) body.dataPoints = pts;
    if (d.aggregationTemporality) body.aggregationTemporality = d.aggregationTemporality;
    if (d.isMonotonic) body.isMonotonic = true;
    (out as Pb)[kind] = body;
  }
  if (m.metadata.length) out.metadata = attrs(ctx, m.metadata);
  return out;
}

/** Fields every data point type shares. */
function pointBase(ctx: DecodeContext, p: Pb): Pb {
  const out: Pb = {};
  if (p.attributes.length) out.attributes = attrs(ctx, p.attributes);
  if (!isZeroLong(p.startTimeUnixNano)) out.startTimeUnixNano = u64(p.startTimeUnixNano);
  out.timeUnixNano = u64(p.timeUnixNano);
  if (p.flags) out.flags = p.flags;
  return out;
}

function numberPoint(ctx: DecodeContext, p: Pb): Pb {
  const out = pointBase(ctx, p);
  if (p.value === 'asDouble') out.asDouble = canonDouble(p.asDouble);
  else if (p.value === 'asInt') out.asInt = longToDecimal(p.asInt, true);
  if (p.exemplars.length) out.exemplars = exemplars(ctx, p.exemplars);
  return out;
}

function histogramPoint(ctx: DecodeContext, p: Pb): Pb {
  const out = pointBase(ctx, p);
  out.count = u64(p.count);
  if (p.sum != null) out.sum = canonDouble(p.sum);
  if (p.bucketCounts.length) out.bucketCounts = p.bucketCounts.map(u64);
  if (p.explicitBounds.length) out.explicitBounds = p.explicitBounds.map(canonDouble);
  if (p.exemplars.length) out.exemplars = exemplars(ctx, p.exemplars);
  if (p.min != null) out.min = canonDouble(p.min);
  if (p.max != null) out.max = canonDouble(p.max);
  return out;
}

function buckets(b: Pb): OtlpBuckets {
  const out: OtlpBuckets = { offset: b.offset };
  if (b.bucketCounts.length) out.bucketCounts = b.bucketCounts.map(u64);
  return out;
}

function expHistogramPoint(ctx: DecodeContext, p: Pb): Pb {
  const out = pointBase(ctx, p);
  out.count = u64(p.count);
  if (p.sum != null) out.sum = canonDouble(p.sum);
  out.scale = p.scale;
  out.zeroCount = u64(p.zeroCount);
  if (p.positive) out.positive = buckets(p.positive);
  if (p.negative) out.negative = buckets(p.negative);
  if (p.exemplars.length) out.exemplars = exemplars(ctx, p.exemplars);
  if (p.min != null) out.min = canonDouble(p.min);
  if (p.max != null) out.max = canonDouble(p.max);
  out.zeroThreshold = canonDouble(p.zeroThreshold);
  return out;
}

function summaryPoint(ctx: DecodeContext, p: Pb): Pb {
  const out = pointBase(ctx, p);
  out.count = u64(p.count);
  out.sum = canonDouble(p.sum);
  if (p.quantileValues.length) {
    out.quantileValues = p.quantileValues.map((q: Pb) => ({
      quantile: canonDouble(q.quantile),
      value: canonDouble(q.value),
    }));
  }
  return out;
}

function exemplars(ctx: DecodeContext, list: Pb[]): OtlpExemplar[] {
  ctx.push('exemplars');
  const out = list.map((e: Pb, i: number) => {
    ctx.push(i);
    const eo: OtlpExemplar = {};
    if (e.filteredAttributes.length) eo.filteredAttributes = attrs(ctx, e.filteredAttributes);
    if (!isZeroLong(e.timeUnixNano)) eo.timeUnixNano = u64(e.timeUnixNano);
    if (e.value === 'asDouble') eo.asDouble = canonDouble(e.asDouble);
    else if (e.value === 'asInt') eo.asInt = longToDecimal(e.asInt, true);
    if (e.spanId.length) {
      eo.spanId = bytesToHex(e.spanId);
      ctx.checkId(eo.spanId, 8, 'spanId', false);
    }
    if (e.traceId.length) {
      eo.traceId = bytesToHex(e.traceId);
      ctx.checkId(eo.traceId, 16, 'traceId', false);
    }
    ctx.pop();
    return eo;
  });
  ctx.pop();
  return out;
}
