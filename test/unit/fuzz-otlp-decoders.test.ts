// Fuzzing the OTLP decoders with hostile input: random bytes, valid requests with bytes
// flipped/inserted/cut, extreme nesting and absurd declared lengths. Whatever arrives, a
// decoder either returns a request or throws OtlpDecodeError with a message — never
// another exception (that would be a 500 or a crash), never a hang.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OtlpDecodeError, decodeJson, decodeProtobuf, encodeProtobuf, normalize, type OtlpSignal } from '../../src/core/otlp/index.js';
import { deeplyNestedJson, deeplyNestedProtobuf, signalAndRequest } from './helpers/otlp-arbitrary.js';

const SIGNALS: OtlpSignal[] = ['traces', 'logs', 'metrics'];
const signal = fc.constantFrom(...SIGNALS);

/** Decode + normalize (what the receiver does); true when accepted, false on OtlpDecodeError. */
function accepts(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof OtlpDecodeError) {
      assert.ok(e.message.length > 0, 'an error names the problem');
      return false;
    }
    throw new Error(`decoder threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
  }
}

const pb = (s: OtlpSignal, b: Uint8Array) => () => normalize(s, decodeProtobuf(s, b, { onItemRejected: () => {} }));
const js = (s: OtlpSignal, t: string) => () => normalize(s, decodeJson(s, t, { onItemRejected: () => {} }));

/** A valid encoded request with a few random byte edits. */
const mutatedProtobuf = fc
  .tuple(signalAndRequest, fc.array(fc.tuple(fc.constantFrom('flip', 'insert', 'delete', 'cut'), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }))
  .map(([[s, req], edits]) => {
    const bytes = [...encodeProtobuf(s, req)];
    for (const [op, at, v] of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (op === 'flip' && bytes.length) bytes[i] = bytes[i]! ^ (v || 1);
      else if (op === 'insert') bytes.splice(i, 0, v);
      else if (op === 'delete') bytes.splice(i, 1);
      else bytes.length = i;
    }
    return [s, Uint8Array.from(bytes)] as const;
  });

const mutatedJson = fc
  .tuple(signalAndRequest, fc.array(fc.tuple(fc.nat(), fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '0', 'null', '\\', '\u0000', '1e999', '"x"', '')), { minLength: 1, maxLength: 4 }))
  .map(([[s, req], edits]) => {
    let text = JSON.stringify(req);
    for (const [at, piece] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + piece + text.slice(i + (piece === '' ? 1 : 0));
    }
    return [s, text] as const;
  });

/** Structurally valid JSON with values of the wrong types in OTLP places. */
const wrongTypes = fc.tuple(signal, fc.json({ depthSize: 'small' })).map(([s, j]) => {
  const top = s === 'traces' ? 'resourceSpans' : s === 'logs' ? 'resourceLogs' : 'resourceMetrics';
  const scope = s === 'traces' ? 'scopeSpans' : s === 'logs' ? 'scopeLogs' : 'scopeMetrics';
  const leaf = s === 'traces' ? 'spans' : s === 'logs' ? 'logRecords' : 'metrics';
  const v = JSON.parse(j) as unknown;
  return [s, JSON.stringify({ [top]: [{ resource: { attributes: [{ key: 'k', value: v }] }, [scope]: [{ [leaf]: [v, { name: v, attributes: v, traceId: v }] }] }] })] as const;
});

describe('OTLP decoders under fuzzing', () => {
  test('random bytes: a request or a 400-worthy error, never a crash', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(signal, fc.uint8Array({ maxLength: 512 }), (s, bytes) => {
        accepts(pb(s, bytes));
      }),
      { numRuns: 1500 },
    );
  });

  test('valid protobuf requests with bytes flipped, inserted, deleted or cut', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(mutatedProtobuf, ([s, bytes]) => {
        accepts(pb(s, bytes));
      }),
      { numRuns: 600 },
    );
  });

  test('random text and mutated JSON requests', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(signal, fc.string({ maxLength: 300 }), (s, text) => {
        accepts(js(s, text));
      }),
      { numRuns: 600 },
    );
    fc.assert(
      fc.property(mutatedJson, ([s, text]) => {
        accepts(js(s, text));
      }),
      { numRuns: 600 },
    );
  });

  test('JSON values of the wrong type anywhere', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(wrongTypes, ([s, text]) => {
        accepts(js(s, text));
      }),
      { numRuns: 500 },
    );
  });

  test('deep nesting is refused with a message, at any depth', { timeout: 60_000 }, () => {
    for (const depth of [33, 100, 5_000, 50_000]) {
      assert.equal(accepts(pb('traces', deeplyNestedProtobuf(depth))), false, `protobuf depth ${depth}`);
      assert.equal(accepts(js('traces', deeplyNestedJson(depth))), false, `JSON depth ${depth}`);
    }
    assert.equal(accepts(pb('traces', deeplyNestedProtobuf(10))), true);
    assert.equal(accepts(js('traces', deeplyNestedJson(10))), true);
  });

  test('huge declared lengths and truncated varints are refused', { timeout: 30_000 }, () => {
    const cases = [
      [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3], // length 2^32-1 for resourceSpans
      [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // an 11-byte varint
      [0x0a, 0x05, 0x0a, 0x7f, 0x0a], // nested length past the end of its parent
      [0x0a], // tag without length
      [0x09, 1, 2, 3], // fixed64 of an unknown field, cut short
      [0x0b, 0x0a, 0x00], // start-group wire type
      [0x0f], // wire type 7 does not exist
    ];
    for (const s of SIGNALS) {
      for (const c of cases) assert.equal(accepts(pb(s, Uint8Array.from(c))), false, `${s}: ${c.join(',')}`);
    }
    // A valid request followed by a second resource whose declared length is 256 MiB.
    const good = encodeProtobuf('traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '1'.repeat(32), spanId: '2'.repeat(16), name: 'n', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] });
    assert.equal(accepts(pb('traces', good)), true);
    assert.equal(accepts(pb('traces', Uint8Array.from([...good, 0x0a, 0x80, 0x80, 0x80, 0x80, 0x01, 0x0a]))), false);
  });
});
