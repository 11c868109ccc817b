// The OTLP/gRPC receiver: real OTel JS gRPC exporters (chosen by OTEL_EXPORTER_OTLP_PROTOCOL
// =grpc in a child configured only by OTEL_* env) deliver all three signals; a raw grpc-js
// client checks the error semantics: INVALID_ARGUMENT for a malformed message (and the
// server keeps serving), UNAUTHENTICATED for a wrong token, RESOURCE_EXHAUSTED for an
// oversized message and with RetryInfo when the sink asks the client to come back later,
// partial success for items with bad ids, and the same normalized output as HTTP.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { Client, Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import {
  ExportRetryLater,
  GRPC_SERVICES,
  decodeRetryDelayMs,
  endpointsFor,
  startGrpcReceiver,
} from '../../src/receiver/grpc.js';
import { startReceiver, type ReceivedExport } from '../../src/receiver/index.js';
import { decodeExportResponse, encodeProtobuf, type OtlpRequest, type OtlpSignal } from '../../src/core/otlp/index.js';
import { post } from './receiver-client.js';
import { runNodeChild } from './helpers/child.js';

const CHILD = resolve('test/fixtures/children/otel-emit-basic.mjs');
const TOKEN = 'grpc-token-1f2e';

const runChild = (env: Record<string, string>) => runNodeChild(CHILD, { env });

interface CallResult {
  err: ServiceError | null;
  body: Buffer | undefined;
}

/** One raw unary Export call with our bytes, no protobuf on the client side. */
function call(url: string, signal: OtlpSignal, body: Buffer, auth: string | undefined): Promise<CallResult> {
  const client = new Client(url.replace(/^http:\/\//, ''), credentials.createInsecure());
  const md = new Metadata();
  if (auth !== undefined) md.set('authorization', auth);
  return new Promise((res) => {
    client.makeUnaryRequest(
      GRPC_SERVICES[signal].path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      md,
      { deadline: Date.now() + 10000 },
      (err, value) => {
        client.close();
        res({ err: err ?? null, body: value });
      },
    );
  });
}

const SPAN_REQ: OtlpRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeSpans: [
        {
          scope: { name: 'sc' },
          spans: [
            { traceId: '5b8aa5a2d2c872e8321cf37308d69df2', spanId: '051581bf3cb55c13', name: 'ok', kind: 1, startTimeUnixNano: '1000', endTimeUnixNano: '2000' },
          ],
        },
      ],
    },
  ],
};
const spanBytes = (): Buffer => Buffer.from(encodeProtobuf('traces', SPAN_REQ));

describe('OTLP/gRPC receiver', () => {
  test('real OTel JS gRPC exporters deliver traces, logs and metrics', { timeout: 40000 }, async () => {
    const got: ReceivedExport[] = [];
    const rejected: string[] = [];
    const rx = await startGrpcReceiver({ token: TOKEN, onExport: (e) => got.push(e), onRejected: (r) => rejected.push(`${r.code} ${r.message}`) });
    try {
      const ep = endpointsFor('grpc', { httpUrl: 'http://127.0.0.1:1', grpcUrl: rx.url });
      const run = await runChild({
        OTEL_EXPORTER_OTLP_ENDPOINT: ep.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: ep.protocol,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${TOKEN}`,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_SERVICE_NAME: 'otel-emit-basic',
        OTEL_TRACES_SAMPLER: 'always_on',
        OTEL_LOG_LEVEL: 'warn',
      });
      assert.equal(run.code, 0, run.stderr);
      assert.deepStrictEqual(rejected, []);
      assert.deepStrictEqual(new Set(got.map((e) => e.signal)), new Set(['traces', 'logs', 'metrics']));
      const spans = got.flatMap((e) => e.batch.spans);
      const parent = spans.find((s) => s.name === 'emit.parent');
      const child = spans.find((s) => s.name === 'emit.child');
      assert.ok(parent && child);
      assert.equal(child.parentSpanId, parent.spanId);
      assert.equal(parent.attributes['attr.int'], 42);
      assert.deepStrictEqual(parent.attributes['attr.strings'], ['a', 'b']);
      assert.equal(parent.resource.attributes['service.name'], 'otel-emit-basic');
      const log = got.flatMap((e) => e.batch.logs).find((l) => l.body === 'emitted a log');
      assert.ok(log);
      assert.equal(log.spanId, child.spanId);
      const items = got.flatMap((e) => e.batch.metrics).find((p) => p.name === 'emit.items');
      assert.ok(items && items.kind === 'sum' && items.value === 5);
      assert.equal(rx.stats().accepted, got.length);
    } finally {
      await rx.close();
    }
  });

  test('a child with the wrong token gets UNAUTHENTICATED and nothing is accepted', { timeout: 40000 }, async () => {
    const got: ReceivedExport[] = [];
    const codes: number[] = [];
    const rx = await startGrpcReceiver({ token: TOKEN, onExport: (e) => got.push(e), onRejected: (r) => codes.push(r.code) });
    try {
      const run = await runChild({
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20wrong',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
      });
      assert.equal(run.code, 3, run.stderr);
      assert.equal(got.length, 0);
      assert.ok(codes.length >= 1 && codes.every((c) => c === status.UNAUTHENTICATED), `codes: ${codes.join(',')}`);
      // Same from a raw client, with no authorization at all.
      const r = await call(rx.url, 'traces', spanBytes(), undefined);
      assert.equal(r.err?.code, status.UNAUTHENTICATED);
      assert.match(r.err!.details, /bearer token/);
    } finally {
      await rx.close();
    }
  });

  test('malformed message → INVALID_ARGUMENT, and the server keeps serving', { timeout: 20000 }, async () => {
    const got: ReceivedExport[] = [];
    const rx = await startGrpcReceiver({ token: TOKEN, onExport: (e) => got.push(e) });
    try {
      const bad = await call(rx.url, 'traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), `Bearer ${TOKEN}`);
      assert.equal(bad.err?.code, status.INVALID_ARGUMENT);
      assert.ok(bad.err!.details.length > 0, 'a readable reason');
      const junk = await call(rx.url, 'logs', Buffer.from('not protobuf at all'), `Bearer ${TOKEN}`);
      assert.equal(junk.err?.code, status.INVALID_ARGUMENT);
      const ok = await call(rx.url, 'traces', spanBytes(), `Bearer ${TOKEN}`);
      assert.equal(ok.err, null);
      assert.deepStrictEqual(decodeExportResponse('traces', ok.body!), {});
      assert.equal(got.length, 1);
      assert.equal(got[0]!.batch.spans[0]!.name, 'ok');
      assert.deepStrictEqual(rx.stats(), { accepted: 1, rejected: 2 });
    } finally {
      await rx.close();
    }
  });

  test('gRPC and HTTP give the same normalized output; bad ids → partial success', { timeout: 20000 }, async () => {
    const viaGrpc: ReceivedExport[] = [];
    const viaHttp: ReceivedExport[] = [];
    const g = await startGrpcReceiver({ token: TOKEN, onExport: (e) => viaGrpc.push(e) });
    const h = await startReceiver({ token: TOKEN, onExport: (e) => viaHttp.push(e) });
    try {
      const req: OtlpRequest = structuredClone(SPAN_REQ);
      // A span with an 8-byte trace id is dropped on its own.
      req.resourceSpans![0]!.scopeSpans![0]!.spans!.push({ ...req.resourceSpans![0]!.scopeSpans![0]!.spans![0]!, traceId: '0102030405060708', name: 'bad' });
      const bytes = Buffer.from(encodeProtobuf('traces', req));
      const r = await call(g.url, 'traces', bytes, `bearer ${TOKEN}`);
      assert.equal(r.err, null);
      const resp = decodeExportResponse('traces', r.body!) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
      assert.equal(resp.partialSuccess?.rejectedSpans, '1');
      assert.ok(resp.partialSuccess?.errorMessage);
      const hr = await post(h.url, '/v1/traces', { headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-protobuf' }, body: bytes });
      assert.equal(hr.status, 200);
      assert.deepStrictEqual(viaGrpc, viaHttp);
      assert.equal(viaGrpc[0]!.rejectedItems, 1);
      assert.deepStrictEqual(viaGrpc[0]!.batch.spans.map((s) => s.name), ['ok']);
    } finally {
      await Promise.all([g.close(), h.close()]);
    }
  });

  test('oversized → RESOURCE_EXHAUSTED without retry info; a busy sink → RESOURCE_EXHAUSTED with RetryInfo', { timeout: 20000 }, async () => {
    const codes: number[] = [];
    let busy = false;
    const rx = await startGrpcReceiver({
      token: TOKEN,
      maxMessageBytes: 256,
      onExport: () => {
        if (busy) throw new ExportRetryLater('the run store is catching up', 1500);
      },
      onRejected: (r) => codes.push(r.code),
    });
    try {
      const big = Buffer.from(encodeProtobuf('traces', { resourceSpans: [{ ...SPAN_REQ.resourceSpans![0]!, resource: { attributes: [{ key: 'k', value: { stringValue: 'x'.repeat(500) } }] } }] }));
      const r = await call(rx.url, 'traces', big, `Bearer ${TOKEN}`);
      assert.equal(r.err?.code, status.RESOURCE_EXHAUSTED);
      assert.equal(r.err!.metadata.get('grpc-status-details-bin').length, 0, 'no RetryInfo: retrying the same message cannot succeed');
      busy = true;
      const b = await call(rx.url, 'traces', spanBytes(), `Bearer ${TOKEN}`);
      assert.equal(b.err?.code, status.RESOURCE_EXHAUSTED);
      const bin = b.err!.metadata.get('grpc-status-details-bin')[0];
      assert.ok(Buffer.isBuffer(bin));
      assert.equal(decodeRetryDelayMs(bin), 1500);
      busy = false;
      const ok = await call(rx.url, 'traces', spanBytes(), `Bearer ${TOKEN}`);
      assert.equal(ok.err, null);
      // grpc-js refuses the oversized message itself, before interceptors and handler run
      // (documented in grpc.ts): only the busy-sink refusal is observed.
      assert.deepStrictEqual(codes, [status.RESOURCE_EXHAUSTED]);
    } finally {
      await rx.close();
    }
  });

  test('only loopback binds; endpointsFor picks the receiver by protocol', { timeout: 10000 }, async () => {
    await assert.rejects(startGrpcReceiver({ token: TOKEN, host: '0.0.0.0', onExport: () => {} }), /loopback/);
    await assert.rejects(startGrpcReceiver({ token: '', onExport: () => {} }), /token/);
    const urls = { httpUrl: 'http://127.0.0.1:1111', grpcUrl: 'http://127.0.0.1:2222' };
    assert.deepStrictEqual(endpointsFor(undefined, urls), { endpoint: urls.httpUrl, protocol: 'http/protobuf' });
    assert.deepStrictEqual(endpointsFor('http/json', urls), { endpoint: urls.httpUrl, protocol: 'http/json' });
    assert.deepStrictEqual(endpointsFor('grpc', urls), { endpoint: urls.grpcUrl, protocol: 'grpc' });
    assert.throws(() => endpointsFor('grpc', { httpUrl: urls.httpUrl }), /gRPC receiver/);
  });
});
