// The fast protobuf decoder (src/core/otlp/from-proto.ts) against the reference path
// (protobufjs's reflection decode + conversion, from-proto-reference.ts): on valid requests
// of every shape, on the real exporters' bytes and on mutated bytes they accept and refuse
// the same input, give deep-equal requests, and reject the same items.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OtlpDecodeError, decodeProtobuf, decodeProtobufReference, encodeProtobuf, normalize, type OtlpRequest, type OtlpSignal } from '../../src/core/otlp/index.js';
import { u64Decimal, i64Decimal, lastTime, nsDecimal } from '../../src/core/otlp/wire.js';
import { deeplyNestedProtobuf, otlpRequest } from './helpers/otlp-arbitrary.js';

type Outcome = { ok: true; req: OtlpRequest; rejected: string[] } | { ok: false; message: string };

function run(fn: typeof decodeProtobuf, s: OtlpSignal, bytes: Uint8Array, partial: boolean): Outcome {
  const rejected: string[] = [];
  try {
    const req = fn(s, Buffer.from(bytes), partial ? { onItemRejected: (m) => rejected.push(m) } : undefined);
    return { ok: true, req, rejected };
  } catch (e) {
    if (!(e instanceof OtlpDecodeError)) throw e;
    return { ok: false, message: e.message };
  }
}

function same(s: OtlpSignal, bytes: Uint8Array): void {
  for (const partial of [true, false]) {
    const fast = run(decodeProtobuf, s, bytes, partial);
    const ref = run(decodeProtobufReference, s, bytes, partial);
    assert.equal(fast.ok, ref.ok, `accept/refuse differ: fast ${fast.ok ? 'ok' : (fast as { message: string }).message}, reference ${ref.ok ? 'ok' : (ref as { message: string }).message}`);
    if (fast.ok && ref.ok) {
      assert.deepStrictEqual(fast.req, ref.req);
      assert.deepStrictEqual(fast.rejected, ref.rejected);
      // Same key order too: the bundle stores JSON.stringify of the request.
      assert.equal(JSON.stringify(fast.req), JSON.stringify(ref.req));
      assert.deepStrictEqual(normalize(s, fast.req), normalize(s, ref.req));
    }
  }
}

const ids = fc.constantFrom('', '00', '0'.repeat(32), '0'.repeat(16), 'ab'.repeat(7), 'ab'.repeat(16), 'cd'.repeat(8), 'ef'.repeat(9));
/** Requests whose ids are sometimes wrong (empty, all zero, wrong length). */
const withBadIds = (s: 'traces' | 'logs') =>
  fc.tuple(otlpRequest[s], fc.array(fc.tuple(fc.nat(), fc.constantFrom('traceId', 'spanId', 'parentSpanId'), ids), { maxLength: 3 })).map(([req, edits]) => {
    const items = (s === 'traces' ? req.resourceSpans?.flatMap((r) => r.scopeSpans ?? []).flatMap((x) => x.spans ?? []) : req.resourceLogs?.flatMap((r) => r.scopeLogs ?? []).flatMap((x) => x.logRecords ?? [])) ?? [];
    for (const [at, field, id] of edits) if (items.length) (items[at % items.length] as Record<string, unknown>)[field] = id;
    return req;
  });

function encode(s: OtlpSignal, req: OtlpRequest): Uint8Array {
  return encodeProtobuf(s, req);
}

function mutate(bytes: Uint8Array, edits: [number, number, number][]): Uint8Array {
  const out = [...bytes];
  for (const [op, at, v] of edits) {
    const i = out.length ? at % out.length : 0;
    if (op === 0 && out.length) out[i] = v;
    else if (op === 1) out.splice(i, 0, v);
    else if (op === 2) out.splice(i, 1);
    else if (op === 3) out.splice(i, 0, ...out.slice(i, i + 1 + (v % 24))); // duplicate a run (repeated fields)
  }
  return Uint8Array.from(out);
}
const edits = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });

describe('fast protobuf decoder = reference decoder', () => {
  for (const s of ['traces', 'logs'] as const) {
    test(`${s}: valid requests of every shape`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(otlpRequest[s], (req) => same(s, encode(s, req))),
        { numRuns: 400 },
      );
    });

    test(`${s}: requests with bad ids (partial success)`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(withBadIds(s), (req) => same(s, encode(s, req))),
        { numRuns: 300 },
      );
    });

    test(`${s}: mutated bytes`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(otlpRequest[s], edits, (req, e) => same(s, mutate(encode(s, req), e))),
        { numRuns: 1500 },
      );
    });

    test(`${s}: random bytes`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (b) => same(s, b)),
        { numRuns: 1000 },
      );
    });
  }

  test('deep nesting, inside and outside items', { timeout: 30_000 }, () => {
    for (const depth of [0, 1, 31, 32, 33, 45, 47, 48, 49, 50, 95, 96, 97, 98, 99, 100, 200]) same('traces', deeplyNestedProtobuf(depth));
  });

  test('span times handed to normalize follow a request changed after decoding', () => {
    const span = (spanId: string, start: string) => ({ traceId: 'ab'.repeat(16), spanId, name: 'x', kind: 1, startTimeUnixNano: start, endTimeUnixNano: '1771063200999999999' });
    const body = (a: string, b: string) => encode('traces', { resourceSpans: [{ scopeSpans: [{ spans: [span('cd'.repeat(8), a), span('ef'.repeat(8), b)] }] }] });
    const times = (req: OtlpRequest) => normalize('traces', req).spans.map((s) => [s.startNs, s.endNs]);
    const end = 1771063200999999999n;
    assert.deepStrictEqual(times(decodeProtobuf('traces', body('1771063200000000001', '5'))), [[1771063200000000001n, end], [5n, end]]);
    const changed = decodeProtobuf('traces', body('1771063200000000001', '5'));
    const spans = changed.resourceSpans![0]!.scopeSpans![0]!.spans!;
    spans[0]!.startTimeUnixNano = '42000000000';
    spans.reverse();
    assert.deepStrictEqual(times(changed), [[5n, end], [42000000000n, end]]);
    // Normalized after another request was decoded: the times are its own.
    const first = decodeProtobuf('traces', body('7', '8'));
    const second = decodeProtobuf('traces', body('9', '10'));
    assert.deepStrictEqual(times(first), [[7n, end], [8n, end]]);
    assert.deepStrictEqual(times(second), [[9n, end], [10n, end]]);
    assert.deepStrictEqual(times(second), [[9n, end], [10n, end]], 'normalized twice');
  });

  test('64-bit decimal conversion matches BigInt', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        const lo = Number(v & 0xffffffffn);
        const hi = Number(v >> 32n);
        assert.equal(u64Decimal(lo, hi), v.toString());
        assert.equal(i64Decimal(lo, hi), BigInt.asIntN(64, v).toString());
        assert.equal(nsDecimal(lo, hi), v.toString());
        assert.equal(BigInt(lastTime.s) * 1_000_000_000n + BigInt(lastTime.ns), v);
        assert.ok(lastTime.ns >= 0 && lastTime.ns < 1e9 && Number.isInteger(lastTime.ns));
      }),
      { numRuns: 3000 },
    );
    for (const v of [0n, 1n, 999_999_999n, 1_000_000_000n, (1n << 53n) - 1n, 1n << 53n, (1n << 64n) - 1n, 1n << 63n, 1771063200000000000n, 1771063200000000001n]) {
      assert.equal(u64Decimal(Number(v & 0xffffffffn), Number(v >> 32n)), v.toString());
      assert.equal(nsDecimal(Number(v & 0xffffffffn), Number(v >> 32n)), v.toString());
      assert.equal(BigInt(lastTime.s) * 1_000_000_000n + BigInt(lastTime.ns), v);
    }
  });
});
