// Real OpenTelemetry JS SDK exporters in a real child process deliver traces, logs and
// metrics to the receiver over http/protobuf and http/json, configured only by the
// standard OTEL_* environment, with attribute types intact.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startReceiver, type ReceivedExport } from '../../src/receiver/index.js';
import type { AttrMap } from '../../src/core/model.js';
import { runNodeChild } from './helpers/child.js';

const CHILD = resolve('test/fixtures/children/otel-emit-basic.mjs');
const TOKEN = 'run-token-5b8efff7';

/** Runs the child to completion; resolves with its exit code and output. */
const runChild = (env: Record<string, string>) => runNodeChild(CHILD, { env });

const EXPECTED_ATTRS: AttrMap = {
  'attr.string': 'hello',
  'attr.int': 42,
  'attr.double': 3.5,
  'attr.bool': true,
  'attr.strings': ['a', 'b'],
  'attr.ints': [1, 2, 3],
};

describe('real OTel SDK exporters → receiver', () => {
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    test(`traces, logs and metrics arrive over ${protocol}`, { timeout: 40000 }, async () => {
      const got: ReceivedExport[] = [];
      const rejected: { status: number; message: string }[] = [];
      const rx = await startReceiver({ token: TOKEN, onExport: (e) => got.push(e), onRejected: (r) => rejected.push(r) });
      try {
        const run = await runChild({
          OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${TOKEN}`,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_LOGS_EXPORTER: 'otlp',
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_SERVICE_NAME: 'otel-emit-basic',
          OTEL_TRACES_SAMPLER: 'always_on',
          OTEL_LOG_LEVEL: 'warn',
        });
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /otel-emit-basic: done/);
        assert.deepStrictEqual(rejected, []);
        const encoding = protocol === 'http/json' ? 'json' : 'protobuf';
        assert.ok(got.length >= 3);
        assert.ok(got.every((e) => e.encoding === encoding), `all exports in ${encoding}`);
        assert.ok(got.every((e) => e.rejectedItems === 0));

        // Traces: parent/child, kinds, status, events, every attribute type.
        const spans = got.flatMap((e) => e.batch.spans);
        const parent = spans.find((s) => s.name === 'emit.parent');
        const child = spans.find((s) => s.name === 'emit.child');
        assert.ok(parent && child, `spans: ${spans.map((s) => s.name).join(', ')}`);
        assert.deepStrictEqual(parent.attributes, EXPECTED_ATTRS);
        assert.equal(parent.kind, 2);
        assert.equal(parent.parentSpanId, undefined);
        assert.equal(child.parentSpanId, parent.spanId);
        assert.equal(child.traceId, parent.traceId);
        assert.match(child.traceId, /^[0-9a-f]{32}$/);
        assert.deepStrictEqual(child.status, { code: 2, message: 'child failed on purpose' });
        assert.deepStrictEqual(child.events.map((e) => [e.name, e.attributes]), [['emit.event', { 'attr.int': 7 }]]);
        assert.ok(child.startNs > 1_600_000_000_000_000_000n && child.endNs >= child.startNs);
        assert.equal(parent.resource.attributes['service.name'], 'otel-emit-basic');
        assert.deepStrictEqual([parent.scope.name, parent.scope.version], ['otel-emit-basic', '1.0.0']);
        // Ints stay ints and doubles doubles on the wire (canonical form keeps the OTLP type).
        const spanReq = got.find((e) => e.signal === 'traces')!.request;
        const wireAttrs = spanReq.resourceSpans!.flatMap((r) => r.scopeSpans ?? []).flatMap((s) => s.spans ?? []).find((s) => s.name === 'emit.parent')!.attributes!;
        assert.deepStrictEqual(wireAttrs.find((a) => a.key === 'attr.int')!.value, { intValue: '42' });
        assert.deepStrictEqual(wireAttrs.find((a) => a.key === 'attr.double')!.value, { doubleValue: 3.5 });

        // Logs: trace-correlated, event name, severity, body and attributes.
        const log = got.flatMap((e) => e.batch.logs).find((l) => l.body === 'emitted a log');
        assert.ok(log);
        assert.equal(log.source, 'otlp');
        assert.equal(log.severityNumber, 13);
        assert.equal(log.severityText, 'WARN');
        assert.equal(log.eventName, 'emit.log_event');
        assert.deepStrictEqual(log.attributes, EXPECTED_ATTRS);
        assert.equal(log.traceId, child.traceId);
        assert.equal(log.spanId, child.spanId);

        // Metrics: a monotonic sum, a histogram and a gauge.
        const points = got.flatMap((e) => e.batch.metrics);
        const items = points.find((p) => p.name === 'emit.items');
        assert.ok(items && items.kind === 'sum');
        assert.equal(items.value, 5);
        assert.equal(items.isMonotonic, true);
        assert.deepStrictEqual(items.attributes, { 'attr.string': 'hello' });
        assert.equal(items.unit, '1');
        const duration = points.find((p) => p.name === 'emit.duration');
        assert.ok(duration && duration.kind === 'histogram');
        assert.equal(duration.count, 1);
        assert.equal(duration.sum, 12.5);
        assert.deepStrictEqual(duration.attributes, { 'attr.bool': true });
        const queue = points.find((p) => p.name === 'emit.queue');
        assert.ok(queue && queue.kind === 'gauge');
        assert.equal(queue.value, 7);
        assert.ok(rx.stats().accepted >= 3);
      } finally {
        await rx.close();
      }
    });
  }

  test('a child with the wrong token gets 401 and nothing is accepted', { timeout: 40000 }, async () => {
    const got: ReceivedExport[] = [];
    const rejected: number[] = [];
    const rx = await startReceiver({ token: TOKEN, onExport: (e) => got.push(e), onRejected: (r) => rejected.push(r.status) });
    try {
      const run = await runChild({
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20wrong',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
      });
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, /shutdown failed: Unauthorized/);
      assert.equal(got.length, 0);
      assert.ok(rejected.length >= 3 && rejected.every((s) => s === 401), `statuses: ${rejected.join(',')}`);
      assert.deepStrictEqual(rx.stats(), { accepted: 0, rejected: rejected.length });
    } finally {
      await rx.close();
    }
  });
});
