// Every field of the published OTLP/JSON examples survives a trip through the receiver,
// posted as JSON and as (gzip-compressed) protobuf: the request handed to onExport is the
// fixture with lower-cased ids, and serialises back to the same JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startReceiver, type ReceivedExport } from '../../src/receiver/index.js';
import { decodeJson, encodeProtobuf, type OtlpSignal } from '../../src/core/otlp/index.js';
import { post } from './receiver-client.js';

const DIR =
  [resolve('test/fixtures/otlp-examples'), resolve('../shared/fixtures/otlp-examples')].find((d) =>
    existsSync(join(d, 'trace.json')),
  ) ?? assert.fail('OTLP example fixtures not found');
const FIXTURES: [string, OtlpSignal][] = [
  ['trace.json', 'traces'],
  ['logs.json', 'logs'],
  ['metrics.json', 'metrics'],
  ['events.json', 'logs'],
];
const lowerIds = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(lowerIds)
    : typeof v === 'object' && v !== null
      ? Object.fromEntries(
          Object.entries(v).map(([k, x]) => [k, /^(traceId|spanId|parentSpanId)$/.test(k) && typeof x === 'string' ? x.toLowerCase() : lowerIds(x)]),
        )
      : v;

test('OTLP example fixtures round-trip through the receiver in JSON and protobuf', { timeout: 20000 }, async () => {
  const got: ReceivedExport[] = [];
  const rx = await startReceiver({ token: 'tok', onExport: (e) => got.push(e) });
  try {
    for (const [file, signal] of FIXTURES) {
      const text = readFileSync(join(DIR, file), 'utf8');
      const expected = lowerIds(JSON.parse(text));
      const path = `/v1/${signal}`;
      const auth = { Authorization: 'Bearer tok' };
      const bodies = [
        { headers: { ...auth, 'Content-Type': 'application/json' }, body: text },
        { headers: { ...auth, 'Content-Type': 'application/x-protobuf' }, body: Buffer.from(encodeProtobuf(signal, decodeJson(signal, text))) },
        {
          headers: { ...auth, 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
          body: gzipSync(encodeProtobuf(signal, decodeJson(signal, text))),
        },
      ];
      for (const b of bodies) {
        const r = await post(rx.url, path, b);
        assert.equal(r.status, 200, `${file}: ${r.body.toString()}`);
        const exp = got.at(-1)!;
        assert.equal(exp.signal, signal);
        assert.deepStrictEqual(exp.request, expected, `${file} via ${b.headers['Content-Type']}`);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(exp.request)), expected);
      }
    }
    assert.equal(got.length, FIXTURES.length * 3);
  } finally {
    await rx.close();
  }
});
