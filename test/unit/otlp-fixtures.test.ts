// The published OTLP/JSON examples (../shared/fixtures/otlp-examples) must decode from
// JSON and from protobuf to the same canonical object, and keep every field: the only
// change allowed is upper-case hex ids becoming lower-case.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  decodeJson,
  decodeProtobuf,
  encodeProtobuf,
  normalize,
  type OtlpSignal,
} from '../../src/core/otlp/index.js';
import type { MetricPoint } from '../../src/core/model.js';

// A copy inside the repository wins; else the shared folder next to the checkout.
const DIR =
  [resolve('test/fixtures/otlp-examples'), resolve('../shared/fixtures/otlp-examples')].find((d) =>
    existsSync(join(d, 'trace.json')),
  ) ?? assert.fail('OTLP example fixtures not found (test/fixtures/otlp-examples or ../shared/fixtures/otlp-examples)');
const FIXTURES: [string, OtlpSignal][] = [
  ['trace.json', 'traces'],
  ['logs.json', 'logs'],
  ['metrics.json', 'metrics'],
  ['events.json', 'logs'],
];

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
/** The fixture as we expect it back: ids lower-cased, nothing else touched. */
function lowerIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(lowerIds);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, ID_KEYS.has(k) && typeof x === 'string' ? x.toLowerCase() : lowerIds(x)]),
  );
}

describe('OTLP/JSON example fixtures', () => {
  for (const [file, signal] of FIXTURES) {
    test(`${file}: decodeJson keeps every field`, { timeout: 10000 }, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const canonical = decodeJson(signal, text);
      assert.deepStrictEqual(canonical, lowerIds(JSON.parse(text)));
      // Canonical form is its own fixed point, also through JSON text.
      assert.deepStrictEqual(decodeJson(signal, JSON.stringify(canonical)), canonical);
    });

    test(`${file}: protobuf encode → decode gives the same canonical object`, { timeout: 10000 }, () => {
      const canonical = decodeJson(signal, readFileSync(join(DIR, file), 'utf8'));
      const bytes = encodeProtobuf(signal, canonical);
      assert.ok(bytes.length > 50);
      assert.deepStrictEqual(decodeProtobuf(signal, bytes), canonical);
    });
  }

  test('trace.json normalizes to one span with exact ids and nanosecond times', { timeout: 10000 }, () => {
    const b = normalize('traces', decodeJson('traces', readFileSync(join(DIR, 'trace.json'), 'utf8')));
    assert.equal(b.spans.length, 1);
    const s = b.spans[0]!;
    assert.equal(s.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(s.spanId, 'eee19b7ec3c1b174');
    assert.equal(s.parentSpanId, 'eee19b7ec3c1b173');
    assert.equal(s.kind, 2);
    assert.equal(s.startNs, 1544712660000000000n);
    assert.equal(s.endNs, 1544712661000000000n);
    assert.deepStrictEqual(s.attributes, { 'my.span.attr': 'some value' });
    assert.deepStrictEqual(s.resource, { attributes: { 'service.name': 'my.service' } });
    assert.deepStrictEqual(s.scope, {
      name: 'my.library',
      version: '1.0.0',
      attributes: { 'my.scope.attribute': 'some scope attribute' },
    });
    assert.deepStrictEqual(s.status, { code: 0 });
  });

  test('logs.json normalizes attribute types', { timeout: 10000 }, () => {
    const b = normalize('logs', decodeJson('logs', readFileSync(join(DIR, 'logs.json'), 'utf8')));
    const l = b.logs[0]!;
    assert.equal(l.source, 'otlp');
    assert.equal(l.severityNumber, 10);
    assert.equal(l.severityText, 'Information');
    assert.equal(l.body, 'Example log record');
    assert.equal(l.traceId, '5b8efff798038103d269b633813fc60c');
    assert.deepStrictEqual(l.attributes, {
      'string.attribute': 'some string',
      'boolean.attribute': true,
      'int.attribute': 10,
      'double.attribute': 637.704,
      'array.attribute': ['many', 'values'],
      'map.attribute': { 'some.map.key': 'some value' },
    });
  });

  test('events.json keeps the event name and a kvlist body', { timeout: 10000 }, () => {
    const b = normalize('logs', decodeJson('logs', readFileSync(join(DIR, 'events.json'), 'utf8')));
    const l = b.logs[0]!;
    assert.equal(l.eventName, 'browser.page_view');
    assert.deepStrictEqual(l.body, {
      type: 0,
      url: 'https://www.guidgenerator.com/online-guid-generator.aspx',
      referrer: 'https://wwww.google.com',
      title: 'Free Online GUID Generator',
    });
    assert.equal(l.traceId, undefined);
  });

  test('metrics.json gives one point per metric type, resources shared by reference', { timeout: 10000 }, () => {
    const b = normalize('metrics', decodeJson('metrics', readFileSync(join(DIR, 'metrics.json'), 'utf8')));
    assert.deepStrictEqual(
      b.metrics.map((m) => [m.name, m.kind]),
      [
        ['my.counter', 'sum'],
        ['my.gauge', 'gauge'],
        ['my.histogram', 'histogram'],
        ['my.exponential.histogram', 'exponentialHistogram'],
      ],
    );
    const [sum, gauge, hist, exp] = b.metrics as [MetricPoint, MetricPoint, MetricPoint, MetricPoint];
    assert.ok(sum.kind === 'sum' && gauge.kind === 'gauge' && hist.kind === 'histogram' && exp.kind === 'exponentialHistogram');
    assert.equal(sum.value, 5);
    assert.equal(sum.isMonotonic, true);
    assert.equal(sum.temporality, 1);
    assert.equal(sum.startNs, 1544712660300000000n);
    assert.equal(gauge.value, 10);
    assert.equal(gauge.startNs, undefined);
    assert.deepStrictEqual([hist.count, hist.sum, hist.min, hist.max], [2, 2, 0, 2]);
    assert.deepStrictEqual(hist.bucketCounts, [1, 1]);
    assert.deepStrictEqual(hist.explicitBounds, [1]);
    assert.deepStrictEqual([exp.count, exp.sum, exp.scale, exp.zeroCount, exp.zeroThreshold], [3, 10, 0, 1, 0]);
    assert.deepStrictEqual(exp.positive, { offset: 1, bucketCounts: [0, 2] });
    assert.ok(b.metrics.every((m) => m.resource === sum.resource && m.scope === sum.scope));
  });
});
