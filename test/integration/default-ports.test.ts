// The default-port listener: a sender hard-wired to the standard OTLP ports (as the Rust
// engine is) reaches the active run without a token; nothing is accepted with no run
// attached; a port held by someone else is reported once and is not fatal. One test uses
// the real ports 4318/4317 when they are free and checks the "held" path when they are not.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { Client, Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { DefaultPortListener, isLoopbackPeer, type DefaultPortExport, type PortStatus } from '../../src/receiver/defaultPorts.js';
import { GRPC_SERVICES } from '../../src/receiver/grpc.js';
import { RECEIVED_VIA_KEY } from '../../src/core/artifacts/provenance.js';
import { encodeProtobuf, type OtlpRequest } from '../../src/core/otlp/index.js';
import { RunStore } from '../../src/core/store.js';
import { post } from './receiver-client.js';
import { runNodeChild } from './helpers/child.js';

const CHILD = resolve('test/fixtures/children/default-port-emit.mjs');

// No OTEL_* at all: the exporter must find the port on its own.
const runChild = (args: string[]) => runNodeChild(CHILD, { args });

const REQ: OtlpRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'engine' } }, { key: RECEIVED_VIA_KEY, value: { stringValue: 'spoofed' } }] },
      scopeSpans: [{ spans: [{ traceId: '11111111111111111111111111111111', spanId: '2222222222222222', name: 'grpc.span', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }],
    },
  ],
};

function grpcCall(url: string, body: Buffer): Promise<ServiceError | null> {
  const client = new Client(url.replace(/^http:\/\//, ''), credentials.createInsecure());
  return new Promise((res) => {
    client.makeUnaryRequest(GRPC_SERVICES.traces.path, (b: Buffer) => b, (b: Buffer) => b, body, new Metadata(), { deadline: Date.now() + 10000 }, (err) => {
      client.close();
      res(err ?? null);
    });
  });
}

const okUrl = (s: PortStatus): string => {
  assert.ok(s.ok, `listener should be up: ${JSON.stringify(s)}`);
  return s.url;
};

describe('default-port listener', () => {
  test('attached: a hard-wired exporter and a raw gRPC client land in the run, marked; detached: refused', { timeout: 40000 }, async () => {
    const listener = new DefaultPortListener({ httpPort: 0, grpcPort: 0 });
    try {
      const st = await listener.start();
      const httpUrl = okUrl(st.http);
      const grpcUrl = okUrl(st.grpc);
      const body = Buffer.from(encodeProtobuf('traces', REQ));

      // No run yet: 503 / UNAVAILABLE, nothing delivered.
      const before = await post(httpUrl, '/v1/traces', { headers: { 'Content-Type': 'application/x-protobuf' }, body });
      assert.equal(before.status, 503);
      assert.equal((await grpcCall(grpcUrl, body))?.code, status.UNAVAILABLE);

      const got: DefaultPortExport[] = [];
      const store = new RunStore();
      listener.attach((e) => {
        got.push(e);
        store.ingest(e.batch);
      });
      const run = await runChild([httpUrl]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(await grpcCall(grpcUrl, body), null);

      const engine = store.spans.find((s) => s.name === 'engine.execute');
      assert.ok(engine, `spans: ${store.spans.map((s) => s.name).join(',')}`);
      assert.equal(engine.resource.attributes['service.name'], 'codeanatomy_engine');
      assert.equal(engine.resource.attributes[RECEIVED_VIA_KEY], 'default_port.http');
      const viaGrpc = store.spans.find((s) => s.name === 'grpc.span');
      assert.ok(viaGrpc);
      // A sender cannot claim another provenance.
      assert.equal(viaGrpc.resource.attributes[RECEIVED_VIA_KEY], 'default_port.grpc');
      assert.deepStrictEqual([...new Set(got.map((e) => e.viaDefaultPort))].sort(), ['grpc', 'http']);
      // The canonical request (what the bundle stores) carries the mark too.
      const httpExp = got.find((e) => e.viaDefaultPort === 'http')!;
      assert.ok(httpExp.request.resourceSpans![0]!.resource!.attributes!.some((kv) => kv.key === RECEIVED_VIA_KEY));

      listener.detach();
      assert.equal(listener.attached, false);
      const after = await post(httpUrl, '/v1/traces', { headers: { 'Content-Type': 'application/x-protobuf' }, body });
      assert.equal(after.status, 503);
      assert.equal((await grpcCall(grpcUrl, body))?.code, status.UNAVAILABLE);
      assert.equal(got.length, 2);
    } finally {
      await listener.close();
    }
  });

  test('a second listener on held ports is reported once and is not fatal', { timeout: 20000 }, async () => {
    const first = new DefaultPortListener({ httpPort: 0, grpcPort: 0 });
    const notices: string[] = [];
    let second: DefaultPortListener | undefined;
    try {
      const st = await first.start();
      assert.ok(st.http.ok && st.grpc.ok);
      second = new DefaultPortListener({ httpPort: st.http.port, grpcPort: st.grpc.port, onNotice: (m) => notices.push(m) });
      const s2 = await second.start();
      assert.equal(s2.http.ok, false);
      assert.equal(s2.grpc.ok, false);
      assert.match(!s2.http.ok ? s2.http.message : '', /held by another process/);
      assert.match(!s2.grpc.ok ? s2.grpc.message : '', /held by another process/);
      // start() again (e.g. the next run in the same window): no second notice.
      await second.close();
      await second.start();
      assert.equal(notices.length, 2, notices.join('\n'));
      // The first one still serves.
      const got: DefaultPortExport[] = [];
      first.attach((e) => got.push(e));
      const r = await post(st.http.url, '/v1/traces', { headers: { 'Content-Type': 'application/x-protobuf' }, body: Buffer.from(encodeProtobuf('traces', REQ)) });
      assert.equal(r.status, 200);
      assert.equal(got.length, 1);
    } finally {
      await second?.close();
      await first.close();
    }
  });

  test('the real default ports: a hard-wired exporter lands when 4318 is free, else the held port is reported', { timeout: 40000 }, async () => {
    const notices: string[] = [];
    const listener = new DefaultPortListener({ onNotice: (m) => notices.push(m) });
    try {
      const st = await listener.start();
      assert.equal(st.http.port, 4318);
      assert.equal(st.grpc.port, 4317);
      const got: DefaultPortExport[] = [];
      listener.attach((e) => got.push(e));
      if (st.http.ok) {
        assert.equal(st.http.url, 'http://127.0.0.1:4318');
        const run = await runChild([]);
        assert.equal(run.code, 0, run.stderr);
        const span = got.flatMap((e) => e.batch.spans).find((s) => s.name === 'engine.execute');
        assert.ok(span, 'the hard-wired exporter reached the listener');
        assert.equal(span.resource.attributes[RECEIVED_VIA_KEY], 'default_port.http');
      } else {
        assert.match(st.http.message, /127\.0\.0\.1:4318/);
        assert.ok(notices.some((n) => n.includes('4318')));
      }
      if (st.grpc.ok) {
        assert.equal(await grpcCall(st.grpc.url, Buffer.from(encodeProtobuf('traces', REQ))), null);
        assert.ok(got.some((e) => e.viaDefaultPort === 'grpc'));
      } else {
        assert.match(st.grpc.message, /127\.0\.0\.1:4317/);
        assert.ok(notices.some((n) => n.includes('4317')));
      }
    } finally {
      await listener.close();
    }
  });

  test('only loopback peers count as loopback', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackPeer(a), true, a);
    for (const a of [undefined, '', '10.0.0.1', '::ffff:10.0.0.1', '192.168.1.5', 'fe80::1', 'localhost']) assert.equal(isLoopbackPeer(a), false, String(a));
  });
});
