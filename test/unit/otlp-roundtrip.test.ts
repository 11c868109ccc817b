// Our own records → OTLP/JSON → back: normalize(logsToOtlp(x)) equals x (and the same for
// spans), directly, through JSON text (as the run bundle stores it) and through protobuf.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { plainSpan } from '../../src/core/otlp/spanObject.js';
import type { AttrMap, AttrValue, LogRecord, Resource, Scope, Span } from '../../src/core/model.js';
import {
  decodeJson,
  decodeProtobuf,
  encodeProtobuf,
  logsToOtlp,
  normalize,
  spansToOtlp,
  type OtlpSignal,
} from '../../src/core/otlp/index.js';

const hexId = (bytes: number) =>
  fc.stringMatching(new RegExp(`^[0-9a-f]{${bytes * 2}}$`)).filter((s) => !/^0+$/.test(s));
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const positiveU32 = fc.integer({ min: 1, max: 0xffffffff });
const nonEmpty = fc.string({ minLength: 1, maxLength: 20 });

const attrValue: fc.Arbitrary<AttrValue> = fc.letrec<{ value: AttrValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 20 }),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    // -0 does not survive JSON text; normalize cannot tell it from 0 either way.
    fc.double().map((d) => (Object.is(d, -0) ? 0 : d)),
    fc.uint8Array({ maxLength: 12 }),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;
const attrs: fc.Arbitrary<AttrMap> = fc.dictionary(fc.string({ maxLength: 10 }), attrValue, {
  maxKeys: 5,
  noNullPrototype: true,
});

// A small pool so several records share a resource/scope object.
const RESOURCES: Resource[] = [
  { attributes: { 'service.name': 'a' } },
  { attributes: { 'service.name': 'b', n: 3 }, droppedAttributesCount: 2, schemaUrl: 'https://x/1' },
];
const SCOPES: Scope[] = [
  { name: 'lib.one' },
  { name: 'lib.two', version: '1.2', attributes: { k: 'v' }, schemaUrl: 'https://x/2' },
];
const origin = fc.record(
  { resource: fc.constantFrom(...RESOURCES), scope: fc.constantFrom(...SCOPES) },
  { noNullPrototype: true },
);

const logRecord: fc.Arbitrary<LogRecord> = fc
  .tuple(
    fc.record(
      {
        timeNs: u64,
        observedTimeNs: u64,
        severityNumber: fc.integer({ min: 0, max: 24 }),
        severityText: nonEmpty,
        body: attrValue,
        attributes: attrs,
        droppedAttributesCount: positiveU32,
        flags: positiveU32,
        traceId: hexId(16),
        spanId: hexId(8),
        eventName: nonEmpty,
      },
      { noNullPrototype: true, requiredKeys: ['timeNs', 'observedTimeNs', 'severityNumber', 'body', 'attributes'] },
    ),
    origin,
  )
  .map(([r, o]) => ({ ...r, ...o, source: 'otlp' as const }));

const span: fc.Arbitrary<Span> = fc
  .tuple(
    fc.record(
      {
        traceId: hexId(16),
        spanId: hexId(8),
        parentSpanId: hexId(8),
        traceState: nonEmpty,
        flags: positiveU32,
        name: fc.string({ maxLength: 20 }),
        kind: fc.integer({ min: 0, max: 5 }),
        startNs: u64,
        endNs: u64,
        status: fc.record({ code: fc.integer({ min: 0, max: 2 }), message: nonEmpty }, { noNullPrototype: true, requiredKeys: ['code'] }),
        attributes: attrs,
        droppedAttributesCount: positiveU32,
        events: fc.array(
          fc.record(
            { timeNs: u64, name: fc.string({ maxLength: 10 }), attributes: attrs, droppedAttributesCount: positiveU32 },
            { noNullPrototype: true, requiredKeys: ['timeNs', 'name', 'attributes'] },
          ),
          { maxLength: 3 },
        ),
        droppedEventsCount: positiveU32,
        links: fc.array(
          fc.record(
            { traceId: hexId(16), spanId: hexId(8), traceState: nonEmpty, attributes: attrs, droppedAttributesCount: positiveU32, flags: positiveU32 },
            { noNullPrototype: true, requiredKeys: ['traceId', 'spanId', 'attributes'] },
          ),
          { maxLength: 2 },
        ),
        droppedLinksCount: positiveU32,
      },
      { noNullPrototype: true, requiredKeys: ['traceId', 'spanId', 'name', 'kind', 'startNs', 'endNs', 'status', 'attributes', 'events', 'links'] },
    ),
    origin,
  )
  .map(([s, o]) => ({ ...s, ...o }));

/** The order the *ToOtlp functions emit: by resource, then by scope within it, first seen first. */
function grouped<T extends { resource: Resource; scope: Scope }>(items: T[]): T[] {
  const byResource = new Map<Resource, Map<Scope, T[]>>();
  for (const it of items) {
    const scopes = byResource.get(it.resource) ?? new Map<Scope, T[]>();
    byResource.set(it.resource, scopes);
    scopes.set(it.scope, [...(scopes.get(it.scope) ?? []), it]);
  }
  return [...byResource.values()].flatMap((scopes) => [...scopes.values()].flat());
}

/** Records that shared a resource (scope) object still share one after the round trip. */
function assertSharing<T extends { resource: Resource; scope: Scope }>(a: T[], b: T[]): void {
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      assert.equal(a[i]!.resource === a[j]!.resource, b[i]!.resource === b[j]!.resource);
      assert.equal(
        a[i]!.resource === a[j]!.resource && a[i]!.scope === a[j]!.scope,
        b[i]!.resource === b[j]!.resource && b[i]!.scope === b[j]!.scope,
      );
    }
  }
}

function viaAllPaths(signal: OtlpSignal, req: ReturnType<typeof logsToOtlp>) {
  return [
    normalize(signal, req),
    normalize(signal, decodeJson(signal, JSON.stringify(req))),
    normalize(signal, decodeProtobuf(signal, encodeProtobuf(signal, req))),
  ];
}

describe('round trips of our own records', () => {
  test('normalize(logsToOtlp(x)) equals x, also through JSON text and protobuf', { timeout: 60000 }, () => {
    fc.assert(
      fc.property(fc.array(logRecord, { maxLength: 6 }), (records) => {
        const expected = grouped(records);
        for (const batch of viaAllPaths('logs', logsToOtlp(records))) {
          assert.deepStrictEqual(batch.logs, expected);
          assertSharing(expected, batch.logs);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('normalize(spansToOtlp(x)) equals x, also through JSON text and protobuf', { timeout: 60000 }, () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 5 }), (spans) => {
        const expected = grouped(spans);
        for (const batch of viaAllPaths('traces', spansToOtlp(spans))) {
          assert.deepStrictEqual(batch.spans.map(plainSpan), expected.map(plainSpan));
          assertSharing(expected, batch.spans);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('an attribute named __proto__ stays an own property', { timeout: 5000 }, () => {
    const req = decodeJson(
      'logs',
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"__proto__","value":{"kvlistValue":{"values":[{"key":"polluted","value":{"boolValue":true}}]}}}]}]}]}]}',
    );
    const log = normalize('logs', req).logs[0]!;
    assert.deepStrictEqual(Object.keys(log.attributes), ['__proto__']);
    assert.equal(Object.getPrototypeOf(log.attributes), Object.prototype);
    assert.equal((log.attributes as Record<string, unknown>).polluted, undefined);
    assert.deepStrictEqual(logsToOtlp([log]).resourceLogs![0]!.scopeLogs![0]!.logRecords![0]!.attributes, req.resourceLogs![0]!.scopeLogs![0]!.logRecords![0]!.attributes);
  });
});
