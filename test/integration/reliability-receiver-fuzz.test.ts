// Hostile bodies over a real socket: random bytes, mutated valid requests (protobuf and
// JSON, plain and gzip), deep nesting and absurd lengths. Each is answered 200 (it still
// decoded) or 400 with a google.rpc.Status naming the problem — never a 500, never a hang —
// and a valid request sent right after each one is accepted.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { startReceiver, type ReceivedExport, type Receiver } from '../../src/receiver/index.js';
import { decodeRpcStatus, encodeProtobuf, type OtlpSignal } from '../../src/core/otlp/index.js';
import { deeplyNestedJson, deeplyNestedProtobuf, signalAndRequest } from '../unit/helpers/otlp-arbitrary.js';
import { post } from './receiver-client.js';

const TOKEN = 'fuzz-token';
const PATH: Record<OtlpSignal, string> = { traces: '/v1/traces', logs: '/v1/logs', metrics: '/v1/metrics' };
const VALID = Buffer.from(
  encodeProtobuf('traces', {
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'canary', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }],
  }),
);

interface Case {
  signal: OtlpSignal;
  json: boolean;
  gzip: boolean;
  body: Buffer;
}

function mutate(bytes: Buffer, edits: [number, number][]): Buffer {
  const out = [...bytes];
  for (const [at, v] of edits) {
    const i = out.length ? at % out.length : 0;
    if (v < 128) out[i] = v;
    else if (v < 192) out.splice(i, 0, v);
    else if (v < 240) out.splice(i, 1);
    else out.length = i;
  }
  return Buffer.from(out);
}

const hostile: fc.Arbitrary<Case> = fc.oneof(
  fc.record({ signal: fc.constantFrom<OtlpSignal>('traces', 'logs', 'metrics'), json: fc.boolean(), gzip: fc.boolean(), body: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)) }),
  fc
    .tuple(signalAndRequest, fc.boolean(), fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }))
    .map(([[signal, req], json, gzip, edits]) => ({
      signal,
      json,
      gzip,
      body: mutate(json ? Buffer.from(JSON.stringify(req)) : Buffer.from(encodeProtobuf(signal, req)), edits),
    })),
);

describe('receiver under fuzzing', () => {
  let rx: Receiver;
  let canaries = 0;
  const exports: ReceivedExport[] = [];
  before(async () => {
    rx = await startReceiver({ token: TOKEN, onExport: (e) => exports.push(e) });
  });
  after(async () => {
    await rx.close();
  });

  async function send(c: Case): Promise<{ status: number; message?: string }> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': c.json ? 'application/json' : 'application/x-protobuf',
    };
    if (c.gzip) headers['Content-Encoding'] = 'gzip';
    const r = await post(rx.url, PATH[c.signal], { headers, body: c.gzip ? gzipSync(c.body) : c.body });
    if (r.status === 200) return { status: 200 };
    const message = c.json ? (JSON.parse(r.body.toString()) as { message: string }).message : decodeRpcStatus(r.body).message;
    return { status: r.status, message };
  }

  async function canary(): Promise<void> {
    const before = exports.length;
    const r = await post(rx.url, '/v1/traces', { headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-protobuf' }, body: VALID });
    assert.equal(r.status, 200, 'the receiver still serves valid requests');
    assert.equal(exports.length, before + 1);
    assert.equal(exports.at(-1)!.batch.spans[0]!.name, 'canary');
    canaries++;
  }

  test('every hostile body gets 200 or a 400 with a message; valid requests keep working', { timeout: 120_000 }, async () => {
    const seen = { ok: 0, bad: 0 };
    await fc.assert(
      fc.asyncProperty(hostile, async (c) => {
        const r = await send(c);
        assert.ok(r.status === 200 || r.status === 400, `status ${r.status}: ${r.message}`);
        if (r.status === 400) {
          assert.ok(r.message && r.message.length > 0, 'a 400 says why');
          seen.bad++;
        } else seen.ok++;
        await canary();
      }),
      { numRuns: 400 },
    );
    assert.ok(seen.bad > 0, 'some bodies were refused');
  });

  test('deep nesting and absurd lengths over the wire', { timeout: 60_000 }, async () => {
    const cases: Case[] = [
      { signal: 'traces', json: false, gzip: false, body: Buffer.from(deeplyNestedProtobuf(20_000)) },
      { signal: 'traces', json: true, gzip: false, body: Buffer.from(deeplyNestedJson(20_000)) },
      { signal: 'traces', json: true, gzip: true, body: Buffer.from(deeplyNestedJson(200_000)) },
      { signal: 'logs', json: false, gzip: false, body: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1]) },
      { signal: 'metrics', json: false, gzip: true, body: Buffer.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]) },
      { signal: 'traces', json: true, gzip: false, body: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]) },
    ];
    for (const c of cases) {
      const r = await send(c);
      assert.equal(r.status, 400, `${c.signal} json=${c.json}: ${r.message}`);
      assert.ok(r.message && r.message.length > 0);
      await canary();
    }
    assert.ok(canaries >= cases.length);
  });
});
