// Property tests: recognition never throws and never loses an event, whatever the attributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KNOWN_EVENT_NAMES, recognizeLog, recognizeSpanEvents } from '../../src/core/events/index.js';
import { skipsSchema } from '../../src/core/events/recognize.js';
import { EVENT_SCHEMAS } from '../../src/core/events/schemas.js';
import type { AttrValue, Attributes } from '../../src/core/model.js';
import { pipelineLog, stageSpan } from '../fixtures/events/pipeline-events.js';

const T = { timeout: 60_000 };

// Field names the schemas know, plus random ones, so typed decoders see hostile values.
const knownKeys = [
  'view_names', 'view_count', 'dataset_rows', 'top_blockers', 'ok', 'exit_code', 'timestamp_ns',
  'dependencies', 'inputs', 'tasks', 'config', 'missing_task_fingerprints', 'tables_materialized',
  'codeanatomy.stage', 'stage', 'event.kind', 'spec_hash', '__proto__', 'constructor',
];

const scalar: fc.Arbitrary<AttrValue> = fc.oneof(
  fc.string(),
  fc.constantFrom('[redacted]', 'true', 'false', '12', '9007199254740993', '[1,2', '{"a":', '[]', '{}', 'NaN', ''),
  fc.json(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 8 }),
);

const value: fc.Arbitrary<AttrValue> = fc.letrec<{ v: AttrValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4 }) as fc.Arbitrary<AttrValue>,
  ),
})).v;

const attrs: fc.Arbitrary<Attributes> = fc.dictionary(
  fc.oneof(fc.constantFrom(...knownKeys), fc.string({ maxLength: 10 })),
  value,
  { maxKeys: 10 },
);

const name = fc.oneof(fc.constantFrom(...KNOWN_EVENT_NAMES), fc.string({ maxLength: 20 }));

test('random attribute maps never throw and known names stay events', T, () => {
  fc.assert(
    fc.property(name, attrs, value, (n, a, body) => {
      const log = { ...pipelineLog(n, {}), attributes: a, body };
      const e = recognizeLog(log);
      if (n !== '') {
        assert.ok(e, 'a record with an eventName is an event');
        assert.equal(e.name, n.slice(0, 256));
        assert.equal(typeof e.payload, 'object');
      }
      if (e && (KNOWN_EVENT_NAMES as readonly string[]).includes(e.name)) {
        // Known names never degrade to generic on odd field values.
        assert.equal(e.known, true, JSON.stringify(e.issues));
      }
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    }),
    { numRuns: 1500 },
  );
});

test('random span events never throw', T, () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(name, attrs), { maxLength: 5 }), (evs) => {
      const span = stageSpan(evs.map(([n, a], i) => ({ timeNs: BigInt(i), name: n, attributes: a })));
      const out = recognizeSpanEvents(span);
      assert.ok(out.length <= evs.length);
      for (const e of out) assert.equal(e.spanId, span.spanId);
    }),
    { numRuns: 500 },
  );
});

test('a payload recognized without zod is exactly what zod would decode', T, () => {
  const names = KNOWN_EVENT_NAMES.filter((n) => skipsSchema(n, {}));
  assert.ok(names.includes('dataset_readiness_v1'), 'scalar-only schemas take the quick path');
  const payload = (n: (typeof names)[number]) => {
    const keys = Object.keys((EVENT_SCHEMAS[n] as unknown as { shape: object }).shape);
    const v = fc.oneof(scalar, fc.constantFrom(Infinity, -Infinity, NaN, -0, 'x', 3, true, false));
    // Plain objects, as attribute maps are.
    return fc.dictionary(fc.oneof(fc.constantFrom(...keys, '__proto__'), fc.string({ maxLength: 8 })), v, { maxKeys: 8 }).map((d) => ({ ...d }));
  };
  let quick = 0;
  fc.assert(
    fc.property(fc.constantFrom(...names).chain((n) => fc.tuple(fc.constant(n), payload(n))), ([n, input]) => {
      if (!skipsSchema(n, input)) return;
      quick++;
      const r = (EVENT_SCHEMAS[n] as unknown as { safeParse(x: unknown): { success: boolean; data?: unknown } }).safeParse(input);
      assert.ok(r.success);
      assert.deepStrictEqual(r.data, input);
      const [e] = recognizeSpanEvents(stageSpan([{ timeNs: 1n, name: n, attributes: input as Attributes }]));
      assert.equal(e!.payload, input, 'the attributes themselves are the payload');
      assert.equal(e!.known, true);
    }),
    { numRuns: 1500 },
  );
  assert.ok(quick > 100, `quick path taken ${quick} times`);
});
