// fast-check arbitraries of OTLP export requests in canonical OTLP/JSON form (traces, logs
// and metrics, every field the decoders know), for the decoder fuzz and differential tests.
// Values are kept canonical where a round trip through protobuf must give them back
// unchanged (lower-case hex ids, decimal-string 64-bit ints, defaults omitted).
import fc from 'fast-check';
import type { OtlpRequest, OtlpSignal } from '../../../src/core/otlp/index.js';

type Obj = Record<string, unknown>;

const hexId = (bytes: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${bytes * 2}}$`)).filter((s) => !/^0+$/.test(s));
const u64 = fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }).map(String);
const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map(String);
const u32 = fc.integer({ min: 1, max: 0xffffffff });
const str = fc.string({ minLength: 1, maxLength: 12, unit: 'binary' });
const dbl = fc.double().map((d) => (Number.isNaN(d) ? 'NaN' : d === Infinity ? 'Infinity' : d === -Infinity ? '-Infinity' : Object.is(d, -0) ? 0 : d));
const b64 = fc.uint8Array({ maxLength: 10 }).map((b) => Buffer.from(b).toString('base64'));

/** Optional fields: each key present or absent. */
function rec(fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<Obj> {
  return fc.record(fields, { requiredKeys: required, noNullPrototype: true }) as fc.Arbitrary<Obj>;
}

export const anyValue: fc.Arbitrary<Obj> = fc.letrec<{ v: Obj; kv: Obj }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    str.map((s) => ({ stringValue: s })),
    fc.constant({ stringValue: '' }),
    fc.boolean().map((b) => ({ boolValue: b })),
    i64.map((s) => ({ intValue: s })),
    dbl.map((d) => ({ doubleValue: d })),
    b64.map((s) => ({ bytesValue: s })),
    fc.constant({}),
    fc.array(tie('v'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc.array(tie('kv'), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
  ),
  kv: fc.record({ key: fc.string({ maxLength: 8 }), value: tie('v') }, { noNullPrototype: true }) as fc.Arbitrary<Obj>,
})).v;

const kvs = fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: anyValue }, { noNullPrototype: true }), { minLength: 1, maxLength: 4 });

const resource = rec({ attributes: kvs, droppedAttributesCount: u32 });
const scope = rec({ name: str, version: str, attributes: kvs, droppedAttributesCount: u32 });

const span = rec(
  {
    traceId: hexId(16),
    spanId: hexId(8),
    traceState: str,
    parentSpanId: hexId(8),
    flags: u32,
    name: fc.string({ maxLength: 16 }),
    kind: fc.integer({ min: 0, max: 5 }),
    startTimeUnixNano: fc.oneof(u64, fc.constant('0')),
    endTimeUnixNano: fc.oneof(u64, fc.constant('0')),
    attributes: kvs,
    droppedAttributesCount: u32,
    events: fc.array(rec({ timeUnixNano: u64, name: str, attributes: kvs, droppedAttributesCount: u32 }), { minLength: 1, maxLength: 2 }),
    droppedEventsCount: u32,
    links: fc.array(rec({ traceId: hexId(16), spanId: hexId(8), traceState: str, attributes: kvs, droppedAttributesCount: u32, flags: u32 }, ['traceId', 'spanId']), { minLength: 1, maxLength: 2 }),
    droppedLinksCount: u32,
    status: rec({ message: str, code: fc.integer({ min: 1, max: 2 }) }),
  },
  ['traceId', 'spanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano'],
);

const logRecord = rec({
  timeUnixNano: u64,
  observedTimeUnixNano: u64,
  severityNumber: fc.integer({ min: 1, max: 24 }),
  severityText: str,
  body: anyValue,
  attributes: kvs,
  droppedAttributesCount: u32,
  flags: u32,
  traceId: hexId(16),
  spanId: hexId(8),
  eventName: str,
});

const exemplar = rec({ filteredAttributes: kvs, timeUnixNano: u64, asDouble: dbl, spanId: hexId(8), traceId: hexId(16) });
const pointBase = { attributes: kvs, startTimeUnixNano: u64, timeUnixNano: fc.oneof(u64, fc.constant('0')), flags: u32 };
const numberPoint = fc.tuple(rec({ ...pointBase, exemplars: fc.array(exemplar, { minLength: 1, maxLength: 2 }) }, ['timeUnixNano']), fc.oneof(dbl.map((d) => ({ asDouble: d })), i64.map((s) => ({ asInt: s })), fc.constant({}))).map(([p, v]) => ({ ...p, ...v }));
const histogramPoint = rec({ ...pointBase, count: fc.oneof(u64, fc.constant('0')), sum: dbl, bucketCounts: fc.array(fc.oneof(u64, fc.constant('0')), { minLength: 1, maxLength: 4 }), explicitBounds: fc.array(dbl, { minLength: 1, maxLength: 3 }), min: dbl, max: dbl }, ['timeUnixNano', 'count']);
const buckets = rec({ offset: fc.integer({ min: -1000, max: 1000 }), bucketCounts: fc.array(fc.oneof(u64, fc.constant('0')), { minLength: 1, maxLength: 3 }) }, ['offset']);
const expPoint = rec({ ...pointBase, count: fc.oneof(u64, fc.constant('0')), sum: dbl, scale: fc.integer({ min: -10, max: 20 }), zeroCount: fc.oneof(u64, fc.constant('0')), positive: buckets, negative: buckets, min: dbl, max: dbl, zeroThreshold: dbl }, ['timeUnixNano', 'count', 'scale', 'zeroCount', 'zeroThreshold']);
const summaryPoint = rec({ ...pointBase, count: fc.oneof(u64, fc.constant('0')), sum: dbl, quantileValues: fc.array(fc.record({ quantile: dbl, value: dbl }, { noNullPrototype: true }), { minLength: 1, maxLength: 3 }) }, ['timeUnixNano', 'count', 'sum']);
const temporality = fc.integer({ min: 1, max: 2 });
const metricData = fc.oneof(
  fc.array(numberPoint, { minLength: 1, maxLength: 2 }).map((dataPoints) => ({ gauge: { dataPoints } })),
  fc.tuple(fc.array(numberPoint, { minLength: 1, maxLength: 2 }), temporality, fc.boolean()).map(([dataPoints, t, m]) => ({ sum: { dataPoints, aggregationTemporality: t, ...(m ? { isMonotonic: true } : {}) } })),
  fc.tuple(fc.array(histogramPoint, { minLength: 1, maxLength: 2 }), temporality).map(([dataPoints, t]) => ({ histogram: { dataPoints, aggregationTemporality: t } })),
  fc.tuple(fc.array(expPoint, { minLength: 1, maxLength: 2 }), temporality).map(([dataPoints, t]) => ({ exponentialHistogram: { dataPoints, aggregationTemporality: t } })),
  fc.array(summaryPoint, { minLength: 1, maxLength: 2 }).map((dataPoints) => ({ summary: { dataPoints } })),
);
const metric = fc.tuple(rec({ name: str, description: str, unit: str, metadata: kvs }), metricData).map(([m, d]) => ({ ...m, ...d }));

function request(top: string, scopeKey: string, leafKey: string, leaf: fc.Arbitrary<Obj>): fc.Arbitrary<OtlpRequest> {
  const scoped = rec({ scope, [leafKey]: fc.array(leaf, { minLength: 1, maxLength: 3 }), schemaUrl: str });
  const res = rec({ resource, [scopeKey]: fc.array(scoped, { minLength: 1, maxLength: 2 }), schemaUrl: str });
  return fc.array(res, { maxLength: 2 }).map((list) => ({ [top]: list }) as OtlpRequest);
}

export const otlpRequest: Record<OtlpSignal, fc.Arbitrary<OtlpRequest>> = {
  traces: request('resourceSpans', 'scopeSpans', 'spans', span),
  logs: request('resourceLogs', 'scopeLogs', 'logRecords', logRecord),
  metrics: request('resourceMetrics', 'scopeMetrics', 'metrics', metric),
};

export const signalAndRequest: fc.Arbitrary<[OtlpSignal, OtlpRequest]> = fc.oneof(
  otlpRequest.traces.map((r) => ['traces', r] as [OtlpSignal, OtlpRequest]),
  otlpRequest.logs.map((r) => ['logs', r] as [OtlpSignal, OtlpRequest]),
  otlpRequest.metrics.map((r) => ['metrics', r] as [OtlpSignal, OtlpRequest]),
);

/** Protobuf bytes of an AnyValue nested `depth` arrays deep, as a resource attribute of an
 * ExportTraceServiceRequest (hand-encoded: no encoder would build it). */
export function deeplyNestedProtobuf(depth: number): Uint8Array {
  const varint = (n: number): number[] => {
    const o: number[] = [];
    while (n > 127) {
      o.push((n & 127) | 128);
      n = Math.floor(n / 128);
    }
    o.push(n);
    return o;
  };
  // Built from the inside out as a list of prefixes (linear, not quadratic, in depth).
  const prefixes: number[][] = [];
  let len = 3; // AnyValue.string_value = "A"
  const wrap = (tag: number): void => {
    const p = [tag, ...varint(len)];
    prefixes.push(p);
    len += p.length;
  };
  for (let i = 0; i < depth; i++) {
    wrap(0x0a); // ArrayValue.values
    wrap(0x2a); // AnyValue.array_value
  }
  wrap(0x12); // KeyValue.value
  len += 3; // KeyValue.key = "k"
  const keyBytes = [0x0a, 1, 0x6b];
  const outer: number[][] = [];
  for (const tag of [0x0a, 0x0a, 0x0a]) {
    // Resource.attributes, ResourceSpans.resource, ExportTraceServiceRequest.resource_spans
    const p = [tag, ...varint(len)];
    outer.push(p);
    len += p.length;
  }
  const out: number[] = [];
  for (let i = outer.length - 1; i >= 0; i--) out.push(...outer[i]!);
  out.push(...keyBytes);
  for (let i = prefixes.length - 1; i >= 0; i--) out.push(...prefixes[i]!);
  out.push(0x0a, 1, 0x41);
  return Uint8Array.from(out);
}

/** OTLP/JSON text of an AnyValue nested `depth` arrays deep. */
export function deeplyNestedJson(depth: number): string {
  const open = '{"arrayValue":{"values":['.repeat(depth);
  const close = ']}}'.repeat(depth);
  return `{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":${open}{"stringValue":"a"}${close}}]}}]}`;
}
