// OTLP/JSON tolerance (id spellings, int64 spellings, enum names, unknown fields) and
// rejection of malformed input in both encodings, with readable messages.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  OtlpDecodeError,
  decodeJson,
  decodeProtobuf,
  encodeProtobuf,
  normalize,
  type OtlpRequest,
} from '../../src/core/otlp/index.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

function traceReq(span: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }], ...extra }] });
}
const firstSpan = (r: OtlpRequest) => r.resourceSpans![0]!.scopeSpans![0]!.spans![0]!;

/** A length-delimited protobuf field. */
function lenField(field: number, payload: Uint8Array): Uint8Array {
  const head = [(field << 3) | 2];
  for (let n = payload.length; ; n >>>= 7) {
    if (n < 0x80) {
      head.push(n);
      break;
    }
    head.push((n & 0x7f) | 0x80);
  }
  return concat(new Uint8Array(head), payload);
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function assertDecodeError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('OTLP/JSON tolerance', () => {
  test('hex ids of either case and base64 ids all become lower-case hex', { timeout: 5000 }, () => {
    for (const [traceId, spanId] of [
      [TRACE, SPAN],
      [TRACE.toUpperCase(), SPAN.toUpperCase()],
      [b64(TRACE), b64(SPAN)],
      [b64(TRACE).replace(/=+$/, ''), b64(SPAN).replace(/=+$/, '')],
    ]) {
      const s = firstSpan(decodeJson('traces', traceReq({ traceId, spanId, parentSpanId: spanId, name: 'x' })));
      assert.equal(s.traceId, TRACE);
      assert.equal(s.spanId, SPAN);
      assert.equal(s.parentSpanId, SPAN);
    }
  });

  test('int64 as strings or numbers, enums as numbers or names, unknown fields ignored', { timeout: 5000 }, () => {
    const req = decodeJson(
      'traces',
      traceReq({
        traceId: TRACE,
        spanId: SPAN,
        name: 'x',
        kind: 'SPAN_KIND_CLIENT',
        startTimeUnixNano: 1544712660000000000,
        endTimeUnixNano: '01544712661000000000',
        status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
        attributes: [
          { key: 'n', value: { intValue: 42 } },
          { key: 'big', value: { intValue: '9223372036854775807' } },
          { key: 'neg', value: { intValue: '-5' } },
          { key: 'd', value: { doubleValue: '1.5' } },
          { key: 'nan', value: { doubleValue: 'NaN' } },
          { key: 'bytes', value: { bytesValue: 'AQID' } },
          { key: 'empty' },
        ],
        someFutureField: { whatever: [1, 2, 3] },
      }, { futureResourceField: true }),
    );
    const s = firstSpan(req);
    assert.equal(s.kind, 3);
    assert.equal(s.startTimeUnixNano, '1544712660000000000');
    assert.equal(s.endTimeUnixNano, '1544712661000000000');
    assert.deepStrictEqual(s.status, { code: 2, message: 'boom' });
    assert.ok(!('someFutureField' in s));
    const span = normalize('traces', req).spans[0]!;
    assert.equal(span.startNs, 1544712660000000000n);
    assert.deepStrictEqual(span.attributes, {
      n: 42,
      big: '9223372036854775807',
      neg: -5,
      d: 1.5,
      nan: NaN,
      bytes: new Uint8Array([1, 2, 3]),
      empty: null,
    });
    // NaN stays JSON-serialisable in canonical form.
    assert.match(JSON.stringify(req), /"doubleValue":"NaN"/);
  });

  test('log severity by name and metric temporality by name', { timeout: 5000 }, () => {
    const logs = decodeJson('logs', JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'SEVERITY_NUMBER_WARN2', body: { stringValue: 'w' } }] }] }] }));
    assert.equal(logs.resourceLogs![0]!.scopeLogs![0]!.logRecords![0]!.severityNumber, 14);
    const metrics = decodeJson('metrics', JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'c', sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE', isMonotonic: true, dataPoints: [{ asInt: 7, timeUnixNano: 1 }] } }] }] }] }));
    const m = normalize('metrics', metrics).metrics[0]!;
    assert.ok(m.kind === 'sum');
    assert.equal(m.temporality, 2);
    assert.equal(m.value, 7);
  });

  test('summary points decode and normalize', { timeout: 5000 }, () => {
    const req = decodeJson('metrics', JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'lat', summary: { dataPoints: [{ timeUnixNano: '5', count: '3', sum: 6, quantileValues: [{ quantile: 0, value: 1 }, { quantile: 1, value: 3 }] }] } }] }] }] }));
    assert.deepStrictEqual(decodeProtobuf('metrics', encodeProtobuf('metrics', req)), req);
    const p = normalize('metrics', req).metrics[0]!;
    assert.ok(p.kind === 'summary');
    assert.deepStrictEqual([p.count, p.sum, p.quantiles], [3, 6, [{ quantile: 0, value: 1 }, { quantile: 1, value: 3 }]]);
  });
});

describe('malformed input', () => {
  test('JSON: syntax errors, non-objects and wrong types name the problem and place', { timeout: 5000 }, () => {
    assertDecodeError(() => decodeJson('traces', '{"resourceSpans": ['), /invalid JSON/);
    assertDecodeError(() => decodeJson('traces', '[1,2]'), /expected a JSON object/);
    assertDecodeError(() => decodeJson('traces', '{"resourceSpans": 5}'), /resourceSpans: expected an array/);
    assertDecodeError(
      () => decodeJson('traces', traceReq({ traceId: TRACE, spanId: SPAN, name: 7 })),
      /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.name: expected a string, got number 7/,
    );
    assertDecodeError(
      () => decodeJson('traces', traceReq({ traceId: TRACE, spanId: SPAN, startTimeUnixNano: '12x' })),
      /startTimeUnixNano: expected a 64-bit integer/,
    );
    assertDecodeError(
      () => decodeJson('traces', traceReq({ traceId: TRACE, spanId: SPAN, startTimeUnixNano: '-1' })),
      /startTimeUnixNano: integer -1 out of uint64 range|expected an unsigned/,
    );
    assertDecodeError(
      () => decodeJson('traces', traceReq({ traceId: TRACE, spanId: SPAN, kind: 'SPAN_KIND_NOPE' })),
      /kind: unknown enum value "SPAN_KIND_NOPE"/,
    );
    assertDecodeError(
      () => decodeJson('traces', traceReq({ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'a', value: { intValue: 1.5 } }] })),
      /attributes\[0\]\.value\.intValue: expected an integer/,
    );
    assertDecodeError(
      () => decodeJson('traces', traceReq({ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'a', value: { bytesValue: '%%%' } }] })),
      /bytesValue: invalid base64/,
    );
  });

  test('wrong id lengths, all-zero ids and non-hex ids', { timeout: 5000 }, () => {
    assertDecodeError(() => decodeJson('traces', traceReq({ traceId: 'abcd', spanId: SPAN })), /spans\[0\]\.traceId: id must be 16 bytes, got 2/);
    assertDecodeError(() => decodeJson('traces', traceReq({ traceId: TRACE, spanId: '0'.repeat(16) })), /spanId: id is all zeros/);
    assertDecodeError(() => decodeJson('traces', traceReq({ traceId: TRACE })), /spanId: missing 8-byte id/);
    assertDecodeError(() => decodeJson('traces', traceReq({ traceId: TRACE, spanId: 'not an id!' })), /spanId: id "not an id!" is neither hex nor base64/);
    assertDecodeError(
      () => decodeJson('logs', JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: 'abc123' }] }] }] })),
      /logRecords\[0\]\.traceId: id must be 16 bytes, got 3/,
    );
  });

  test('with onItemRejected only the bad item is dropped', { timeout: 5000 }, () => {
    const rejected: string[] = [];
    const text = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [
        { traceId: TRACE, spanId: SPAN, name: 'good' },
        { traceId: 'abcd', spanId: SPAN, name: 'bad' },
        { traceId: TRACE, spanId: SPAN, name: 'bad link', links: [{ traceId: TRACE, spanId: '01' }] },
      ] }] }],
    });
    const req = decodeJson('traces', text, { onItemRejected: (m) => rejected.push(m) });
    assert.deepStrictEqual(req.resourceSpans![0]!.scopeSpans![0]!.spans!.map((s) => s.name), ['good']);
    assert.equal(rejected.length, 2);
    assert.match(rejected[0]!, /spans\[1\]\.traceId/);
    assert.match(rejected[1]!, /spans\[2\]\.links\[0\]\.spanId: id must be 8 bytes/);
    // The same policy on the protobuf path.
    const good = JSON.parse(text);
    good.resourceSpans[0].scopeSpans[0].spans.splice(1);
    const bytes = encodeProtobuf('traces', decodeJson('traces', JSON.stringify(good)));
    const badBytes = encodeProtobuf('traces', {
      resourceSpans: [{ scopeSpans: [{ spans: [
        { traceId: TRACE, spanId: SPAN, name: 'good', kind: 0, startTimeUnixNano: '1', endTimeUnixNano: '2' },
        { traceId: TRACE.slice(2), spanId: SPAN, name: 'bad', kind: 0, startTimeUnixNano: '1', endTimeUnixNano: '2' },
      ] }] }],
    });
    const pbRejected: string[] = [];
    const pb = decodeProtobuf('traces', badBytes, { onItemRejected: (m) => pbRejected.push(m) });
    assert.deepStrictEqual(pb.resourceSpans![0]!.scopeSpans![0]!.spans!.map((s) => s.name), ['good']);
    assert.match(pbRejected[0]!, /spans\[1\]\.traceId: id must be 16 bytes, got 15/);
    assert.equal(decodeProtobuf('traces', bytes).resourceSpans![0]!.scopeSpans![0]!.spans!.length, 1);
  });

  test('protobuf: garbage and truncated bodies', { timeout: 5000 }, () => {
    assertDecodeError(() => decodeProtobuf('traces', new Uint8Array([0x0a, 0x05, 0x01])), /invalid protobuf ExportTraceServiceRequest: index out of range/);
    assertDecodeError(() => decodeProtobuf('logs', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff])), /invalid protobuf ExportLogsServiceRequest/);
    const ok = encodeProtobuf('traces', decodeJson('traces', traceReq({ traceId: TRACE, spanId: SPAN, name: 'x' })));
    assertDecodeError(() => decodeProtobuf('traces', ok.subarray(0, ok.length - 3)), /invalid protobuf/);
    // An empty body is a valid, empty request.
    assert.deepStrictEqual(decodeProtobuf('metrics', new Uint8Array(0)), { resourceMetrics: [] });
  });

  test('deeply nested AnyValues are refused, not a stack overflow', { timeout: 5000 }, () => {
    // Built as text: JSON.stringify itself would overflow the stack on this value.
    let v = '{"stringValue":"leaf"}';
    for (let i = 0; i < 100000; i++) v = `{"arrayValue":{"values":[${v}]}}`;
    const text = traceReq({ traceId: TRACE, spanId: SPAN, attributes: [{ key: 'deep', value: 'X' }] }).replace('"X"', v);
    assertDecodeError(() => decodeJson('traces', text), /nested deeper than 32 levels/);
    // Protobuf: build a 40-level value (deep enough to hit our limit, within protobufjs's).
    let w: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) w = { arrayValue: { values: [w] } };
    const req = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, name: 'x', kind: 0, startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [{ key: 'deep', value: w }] }] }] }] } as OtlpRequest;
    assertDecodeError(() => decodeProtobuf('traces', encodeProtobuf('traces', req)), /nested deeper than 32 levels|max depth/);
    // A hand-made 500-level nesting on the wire fails cleanly too (protobufjs's own limit).
    let any = lenField(1, new TextEncoder().encode('leaf')); // AnyValue.string_value
    for (let i = 0; i < 500; i++) any = lenField(5, lenField(1, any)); // AnyValue.array_value.values
    const kv = concat(lenField(1, new TextEncoder().encode('deep')), lenField(2, any));
    const spanBytes = concat(lenField(1, Buffer.from(TRACE, 'hex')), lenField(2, Buffer.from(SPAN, 'hex')), lenField(9, kv));
    const wire = lenField(1, lenField(2, lenField(2, spanBytes))); // request.resource_spans.scope_spans.spans
    assertDecodeError(() => decodeProtobuf('traces', wire), /invalid protobuf.*max depth|nested deeper/);
  });
});
