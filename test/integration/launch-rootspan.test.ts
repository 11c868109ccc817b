import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { rootSpanIds, startRootSpan, traceparentOf } from '../../src/launch/rootSpan.js';
import { decodeProtobuf } from '../../src/core/otlp/index.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const SECRET = 'hunter2-SECRET-value';
const received: Received[] = [];
let server: Server;
let endpoint: string;

before(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      let body = Buffer.concat(parts);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      received.push({ path: req.url ?? '', headers: req.headers, body });
      // An empty ExportTraceServiceResponse is a valid (zero-length) protobuf message.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('startRootSpan', () => {
  test('exports build.invocation with the bearer token, result attributes and no secrets', { timeout: 20000 }, async () => {
    const savedAttrs = process.env.OTEL_RESOURCE_ATTRIBUTES;
    process.env.OTEL_RESOURCE_ATTRIBUTES = `leak=${SECRET}`;
    try {
      received.length = 0;
      const root = startRootSpan({
        endpoint: `${endpoint}/`,
        token: 'tok-abc',
        runId: 'run-0001',
        command: `/opt/${SECRET}/bin/codeanatomy`,
        tokenCount: 4,
        serviceVersion: '9.9.9',
      });
      assert.match(root.traceId, /^[0-9a-f]{32}$/);
      assert.match(root.spanId, /^[0-9a-f]{16}$/);
      assert.equal(root.traceparent, `00-${root.traceId}-${root.spanId}-01`);
      root.setPid(4242);
      await root.end({ outcome: 'failure', exitCode: 0, signal: null, reportedExitCode: 13, errorType: 'ExecutionError' });
      await root.end({ outcome: 'failure', exitCode: 0, signal: null, reportedExitCode: 13 }); // idempotent

      assert.equal(received.length, 1);
      const req = received[0]!;
      assert.equal(req.path, '/v1/traces');
      assert.equal(req.headers.authorization, 'Bearer tok-abc');
      assert.match(String(req.headers['content-type']), /application\/x-protobuf/);
      const body = req.body;
      for (const s of [
        'build.invocation',
        'build-diagnostics',
        '9.9.9',
        'deployment.environment.name',
        'cicd.pipeline.run.id',
        'run-0001',
        'cicd.pipeline.result',
        'failure',
        'process.exit.code',
        'error.type',
        'ExecutionError',
        'process.executable.name',
        'codeanatomy',
        'process.args_count',
        'build.reported_exit_code',
        'process.pid',
      ]) {
        assert.ok(body.includes(s), `body lacks ${s}`);
      }
      assert.ok(body.includes(Buffer.from(root.traceId, 'hex')), 'trace id bytes');
      assert.ok(body.includes(Buffer.from(root.spanId, 'hex')), 'span id bytes');
      assert.ok(!body.includes(SECRET), 'secret leaked into the span');
      assert.ok(!body.includes('/opt/'), 'command path leaked');
    } finally {
      if (savedAttrs === undefined) delete process.env.OTEL_RESOURCE_ATTRIBUTES;
      else process.env.OTEL_RESOURCE_ATTRIBUTES = savedAttrs;
    }
  });

  test('two roots get distinct traces; cancelled maps to cancellation', { timeout: 20000 }, async () => {
    received.length = 0;
    const a = startRootSpan({ endpoint, token: 't', runId: 'r1', command: 'make', tokenCount: 1, serviceVersion: '1' });
    const b = startRootSpan({ endpoint, token: 't', runId: 'r2', command: 'make', tokenCount: 1, serviceVersion: '1' });
    assert.notEqual(a.traceId, b.traceId);
    await a.end({ outcome: 'cancelled', exitCode: null, signal: 'SIGINT', reportedExitCode: null });
    await b.end({ outcome: 'success', exitCode: 0, signal: null, reportedExitCode: null });
    assert.equal(received.length, 2);
    assert.ok(received[0]!.body.includes('cancellation'));
    assert.ok(received[0]!.body.includes('SIGINT'));
    assert.ok(!received[0]!.body.includes('error.type'));
    assert.ok(received[1]!.body.includes('success'));
  });

  test('a span created after the fact keeps the ids handed out before and the start time given', { timeout: 20000 }, async () => {
    received.length = 0;
    // What the session does: ids (and the child's TRACEPARENT) first, the span once the build runs.
    const ids = rootSpanIds(randomBytes);
    const traceparent = traceparentOf(ids);
    const startTimeMs = Date.now() - 1500.25;
    const root = startRootSpan({ endpoint, token: 't', runId: 'r', command: 'make', tokenCount: 1, serviceVersion: '1', ids, startTimeMs });
    assert.deepEqual({ traceId: root.traceId, spanId: root.spanId, traceparent: root.traceparent }, { ...ids, traceparent });
    assert.match(traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await root.end({ outcome: 'success', exitCode: 0, signal: null, reportedExitCode: null });
    assert.equal(received.length, 1);
    const span = decodeProtobuf('traces', received[0]!.body).resourceSpans?.[0]?.scopeSpans?.[0]?.spans?.[0];
    assert.ok(span, 'one span exported');
    assert.equal(span.traceId, ids.traceId);
    assert.equal(span.spanId, ids.spanId);
    assert.equal(span.parentSpanId || '', '');
    // Start at the given time (sub-millisecond kept), end now.
    const startNs = BigInt(span.startTimeUnixNano);
    assert.ok(startNs / 1000n >= BigInt(Math.floor(startTimeMs * 1000)) - 1n && startNs / 1000n <= BigInt(Math.ceil(startTimeMs * 1000)) + 1n, `start ${startNs}`);
    assert.ok(BigInt(span.endTimeUnixNano ?? 0) - startNs >= 1_400_000_000n, 'ends after it started');
  });

  test('in-process delivery (what the session uses): the same OTLP request, no HTTP; a throwing sink loses only the span', { timeout: 20000 }, async () => {
    received.length = 0;
    const bodies: Uint8Array[] = [];
    const ids = rootSpanIds(randomBytes);
    const root = startRootSpan({ deliver: (b) => bodies.push(b), runId: 'run-9', command: '/usr/bin/make', tokenCount: 2, serviceVersion: '2.0.0', ids });
    root.setPid(777);
    await root.end({ outcome: 'failure', exitCode: 2, signal: null, reportedExitCode: null, errorType: 'exit_code' });
    assert.equal(received.length, 0, 'nothing went over HTTP');
    assert.equal(bodies.length, 1);
    const rs = decodeProtobuf('traces', bodies[0]!).resourceSpans?.[0];
    const span = rs?.scopeSpans?.[0]?.spans?.[0];
    assert.ok(span, 'one span delivered');
    assert.equal(span.name, 'build.invocation');
    assert.equal(span.traceId, ids.traceId);
    assert.equal(span.spanId, ids.spanId);
    assert.equal(span.status?.code, 2);
    const attrs = Object.fromEntries((span.attributes ?? []).map((a) => [a.key, a.value]));
    assert.deepEqual(attrs['process.executable.name'], { stringValue: 'make' });
    assert.deepEqual(attrs['process.pid'], { intValue: '777' });
    assert.deepEqual(attrs['error.type'], { stringValue: 'exit_code' });
    assert.deepEqual(attrs['cicd.pipeline.result'], { stringValue: 'failure' });
    const service = (rs?.resource?.attributes ?? []).find((a) => a.key === 'service.name');
    assert.deepEqual(service?.value, { stringValue: 'build-diagnostics' });

    const failing = startRootSpan({ deliver: () => { throw new Error('store gone'); }, runId: 'r', command: 'x', tokenCount: 1, serviceVersion: '1' });
    await failing.end({ outcome: 'success', exitCode: 0, signal: null, reportedExitCode: null });
  });

  test('end() resolves even when the receiver is gone', { timeout: 20000 }, async () => {
    const root = startRootSpan({ endpoint: 'http://127.0.0.1:1', token: 't', runId: 'r', command: 'x', tokenCount: 1, serviceVersion: '1' });
    await root.end({ outcome: 'success', exitCode: 0, signal: null, reportedExitCode: null });
    assert.match(root.traceId, /^[0-9a-f]{32}$/);
  });
});
