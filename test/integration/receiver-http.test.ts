// The OTLP/HTTP receiver over real loopback sockets: status codes, error bodies, partial
// success, size limits (including a 1 GiB gzip bomb) and that it keeps serving after
// every kind of bad request.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { startReceiver, type ReceivedExport, type Receiver } from '../../src/receiver/index.js';
import {
  decodeExportResponse,
  decodeJson,
  decodeRpcStatus,
  encodeProtobuf,
} from '../../src/core/otlp/index.js';
import { post } from './receiver-client.js';

const TOKEN = 'test-token-1234';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const PB = { 'Content-Type': 'application/x-protobuf' };
const JSON_CT = { 'Content-Type': 'application/json; charset=utf-8' };
const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

const traceJson = (spans: object[]) => JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] });
const goodSpan = (name: string) => ({ traceId: TRACE, spanId: SPAN, name, kind: 1, startTimeUnixNano: '1000', endTimeUnixNano: '2000' });
const tracePb = (name: string) => Buffer.from(encodeProtobuf('traces', decodeJson('traces', traceJson([goodSpan(name)]))));

describe('receiver over HTTP', () => {
  let rx: Receiver;
  const exports: ReceivedExport[] = [];
  const rejections: { status: number; message: string; path: string }[] = [];

  before(async () => {
    rx = await startReceiver({ token: TOKEN, onExport: (e) => exports.push(e), onRejected: (r) => rejections.push(r) });
  });
  after(async () => {
    await rx.close();
  });

  test('binds to loopback on an ephemeral port and refuses other hosts', { timeout: 10000 }, async () => {
    assert.match(rx.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(rx.port > 0);
    await assert.rejects(startReceiver({ token: 't', host: '0.0.0.0', onExport: () => {} }), /loopback/);
  });

  test('accepts protobuf, JSON and gzip-compressed JSON', { timeout: 10000 }, async () => {
    const before = exports.length;
    const r1 = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...PB }, body: tracePb('pb') });
    assert.equal(r1.status, 200);
    assert.equal(r1.headers['content-type'], 'application/x-protobuf');
    assert.deepStrictEqual(decodeExportResponse('traces', r1.body), {});
    const r2 = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...JSON_CT }, body: traceJson([goodSpan('json')]) });
    assert.equal(r2.status, 200);
    assert.deepStrictEqual(JSON.parse(r2.body.toString()), {});
    const r3 = await post(rx.url, '/v1/traces', {
      headers: { ...AUTH, ...JSON_CT, 'Content-Encoding': 'gzip' },
      body: gzipSync(traceJson([goodSpan('gz')])),
    });
    assert.equal(r3.status, 200);
    const got = exports.slice(before);
    assert.deepStrictEqual(got.map((e) => [e.signal, e.encoding, e.batch.spans[0]?.name]), [
      ['traces', 'protobuf', 'pb'],
      ['traces', 'json', 'json'],
      ['traces', 'json', 'gz'],
    ]);
    assert.equal(got[0]!.batch.spans[0]!.resource.attributes['service.name'], 'svc');
    assert.equal(got[2]!.bytes, Buffer.byteLength(traceJson([goodSpan('gz')])));
  });

  test('answers partial_success when only some spans are bad', { timeout: 10000 }, async () => {
    const before = exports.length;
    const body = traceJson([goodSpan('ok'), { ...goodSpan('bad'), traceId: 'abcd' }, { ...goodSpan('bad2'), spanId: '0'.repeat(16) }]);
    const r = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...JSON_CT }, body });
    assert.equal(r.status, 200);
    const resp = JSON.parse(r.body.toString());
    assert.equal(resp.partialSuccess.rejectedSpans, '2');
    assert.match(resp.partialSuccess.errorMessage, /spans\[1\]\.traceId: id must be 16 bytes/);
    assert.equal(exports.length, before + 1);
    assert.deepStrictEqual(exports.at(-1)!.batch.spans.map((s) => s.name), ['ok']);
    assert.equal(exports.at(-1)!.rejectedItems, 2);
    // The protobuf answer carries the same information.
    const pbBody = Buffer.from(encodeProtobuf('traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ ...goodSpan('x'), traceId: TRACE.slice(4) }] }] }] }));
    const rp = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...PB }, body: pbBody });
    assert.equal(rp.status, 200);
    const pbResp = decodeExportResponse('traces', rp.body) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(pbResp.partialSuccess.rejectedSpans, '1');
    assert.match(pbResp.partialSuccess.errorMessage, /traceId: id must be 16 bytes, got 14/);
  });

  test('401 for a missing or wrong token; nothing is passed on', { timeout: 10000 }, async () => {
    const before = exports.length;
    const r1 = await post(rx.url, '/v1/traces', { headers: { ...PB }, body: tracePb('x') });
    assert.equal(r1.status, 401);
    assert.match(decodeRpcStatus(r1.body).message, /bearer token/);
    const r2 = await post(rx.url, '/v1/logs', { headers: { ...JSON_CT, Authorization: 'Bearer nope' }, body: '{}' });
    assert.equal(r2.status, 401);
    assert.deepStrictEqual(JSON.parse(r2.body.toString()), { code: 16, message: 'missing or wrong bearer token' });
    const r3 = await post(rx.url, '/v1/logs', { headers: { ...JSON_CT, Authorization: `Basic ${TOKEN}` }, body: '{}' });
    assert.equal(r3.status, 401);
    assert.equal(exports.length, before);
    assert.equal(rejections.at(-1)!.status, 401);
  });

  test('400 for malformed protobuf, JSON and gzip, then keeps serving', { timeout: 10000 }, async () => {
    const before = exports.length;
    const r1 = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...PB }, body: Buffer.from([0x0a, 0x09, 0x01, 0x02]) });
    assert.equal(r1.status, 400);
    assert.equal(r1.headers['content-type'], 'application/x-protobuf');
    const st = decodeRpcStatus(r1.body);
    assert.equal(st.code, 3);
    assert.match(st.message, /invalid protobuf ExportTraceServiceRequest/);
    const r2 = await post(rx.url, '/v1/metrics', { headers: { ...AUTH, ...JSON_CT }, body: '{"resourceMetrics": [' });
    assert.equal(r2.status, 400);
    assert.match(JSON.parse(r2.body.toString()).message, /invalid JSON/);
    const r3 = await post(rx.url, '/v1/logs', { headers: { ...AUTH, ...JSON_CT }, body: '{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"severityNumber": "loud"}]}]}]}' });
    assert.equal(r3.status, 400);
    assert.match(JSON.parse(r3.body.toString()).message, /logRecords\[0\]\.severityNumber: unknown enum value/);
    const r4 = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...JSON_CT, 'Content-Encoding': 'gzip' }, body: 'not gzip at all' });
    assert.equal(r4.status, 400);
    assert.match(JSON.parse(r4.body.toString()).message, /invalid gzip body/);
    assert.equal(exports.length, before);
    const ok = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...PB }, body: tracePb('after') });
    assert.equal(ok.status, 200);
    assert.equal(exports.at(-1)!.batch.spans[0]!.name, 'after');
  });

  test('415 for other content types and encodings, 404 and 405', { timeout: 10000 }, async () => {
    const r1 = await post(rx.url, '/v1/traces', { headers: { ...AUTH, 'Content-Type': 'text/plain' }, body: 'hi' });
    assert.equal(r1.status, 415);
    assert.match(JSON.parse(r1.body.toString()).message, /unsupported content type "text\/plain"/);
    const r2 = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...JSON_CT, 'Content-Encoding': 'br' }, body: '{}' });
    assert.equal(r2.status, 415);
    const r3 = await post(rx.url, '/v1/profiles', { headers: { ...AUTH, ...JSON_CT }, body: '{}' });
    assert.equal(r3.status, 404);
    const r4 = await post(rx.url, '/v1/traces', { method: 'GET', headers: { ...AUTH } });
    assert.equal(r4.status, 405);
    assert.equal(r4.headers.allow, 'POST');
    const r5 = await post(rx.url, '/v1/metrics', { method: 'PUT', headers: { ...AUTH, ...JSON_CT }, body: '{}' });
    assert.equal(r5.status, 405);
    assert.ok(rx.stats().rejected >= 5);
    assert.ok(rx.stats().accepted >= 1);
  });

  test('413 for a gzip bomb (1 GiB of zeros) without inflating it in memory', { timeout: 60000 }, async () => {
    // Build the bomb by streaming 1 GiB of zeros through zlib (about 1 MB compressed).
    const gz = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gz.on('data', (c: Buffer) => parts.push(c));
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 1024; i++) {
      if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
    }
    const ended = new Promise((r) => gz.once('end', r));
    gz.end();
    await ended;
    const bomb = Buffer.concat(parts);
    assert.ok(bomb.length < 4 * 1024 * 1024);

    const before = exports.length;
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      // Streamed in small chunks without a Content-Length, so only the decompressed count can stop it.
      const source = Readable.from((function* () {
        for (let o = 0; o < bomb.length; o += 16384) yield bomb.subarray(o, o + 16384);
      })());
      const r = await post(rx.url, '/v1/logs', { headers: { ...AUTH, ...PB, 'Content-Encoding': 'gzip' }, body: source });
      assert.equal(r.status, 413);
      assert.match(decodeRpcStatus(r.body).message, /exceeds 33554432 bytes after decompression/);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - baseline) / 1024 / 1024;
    assert.ok(growthMb < 200, `RSS grew by ${growthMb.toFixed(0)} MB while receiving a 1024 MB bomb`);
    assert.equal(exports.length, before);
    const ok = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...PB }, body: tracePb('still-up') });
    assert.equal(ok.status, 200);
  });
});

describe('receiver size limit on plain bodies', () => {
  test('413 for a declared and for a streamed oversized body', { timeout: 30000 }, async () => {
    const exports: ReceivedExport[] = [];
    const rx = await startReceiver({ token: TOKEN, maxBodyBytes: 1024 * 1024, onExport: (e) => exports.push(e) });
    try {
      const big = Buffer.alloc(3 * 1024 * 1024, 0x20);
      const r1 = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...JSON_CT }, body: big });
      assert.equal(r1.status, 413);
      assert.match(JSON.parse(r1.body.toString()).message, /exceeds the limit of 1048576/);
      const stream = Readable.from((function* () {
        for (let i = 0; i < 3 * 64; i++) yield Buffer.alloc(16384, 0x20);
      })());
      const r2 = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...JSON_CT }, body: stream });
      assert.equal(r2.status, 413);
      assert.match(JSON.parse(r2.body.toString()).message, /body exceeds 1048576 bytes/);
      // Just under the limit is fine.
      const fits = traceJson([goodSpan('fits')]) + ' '.repeat(1024 * 1024 - 400);
      const r3 = await post(rx.url, '/v1/traces', { headers: { ...AUTH, ...JSON_CT }, body: fits });
      assert.equal(r3.status, 200);
      assert.equal(exports.length, 1);
    } finally {
      await rx.close();
    }
  });
});
