import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor, REDACTED } from '../../src/core/safety/redact.js';
import { DEFAULT_LIMITS, RunBudget, resolveLimits } from '../../src/core/safety/limits.js';
import { countItems, emptySanitizeStats, sanitizeRequest } from '../../src/core/safety/sanitize.js';
import { decodeProtobuf, encodeProtobuf, normalize, type OtlpKeyValue, type OtlpRequest } from '../../src/core/otlp/index.js';
import { StdioMasker } from '../../src/launch/stdioMask.js';

const T = '0123456789abcdef0123456789abcdef';
const S = '0123456789abcdef';
const kv = (key: string, v: string): OtlpKeyValue => ({ key, value: { stringValue: v } });
const policy = (limits = resolveLimits()) => ({ redactor: new Redactor(), limits });

function tracesWithSecrets(): OtlpRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', 'b'), kv('deploy.api_key', 'R-SECRET')] },
        scopeSpans: [
          {
            scope: { name: 's', attributes: [kv('scope.token', 'SC-SECRET')] },
            spans: [
              {
                traceId: T,
                spanId: S,
                name: 'x',
                kind: 1,
                startTimeUnixNano: '1',
                endTimeUnixNano: '2',
                attributes: [kv('http.request.header.authorization', 'Bearer A-SECRET'), kv('db.statement', 'login password=P-SECRET')],
                events: [{ name: 'e', timeUnixNano: '1', attributes: [kv('cookie', 'E-SECRET')] }],
                links: [{ traceId: T, spanId: S, attributes: [kv('link.secret', 'L-SECRET')] }],
                status: { code: 2, message: 'failed with AKIAIOSFODNN7EXAMPLE' },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('sanitizeRequest: redaction everywhere', () => {
  test('spans, events, links, resources, scopes and status messages', () => {
    const req = sanitizeRequest(tracesWithSecrets(), policy());
    const text = JSON.stringify(req);
    for (const s of ['R-SECRET', 'SC-SECRET', 'A-SECRET', 'P-SECRET', 'E-SECRET', 'L-SECRET', 'AKIAIOSFODNN7EXAMPLE']) assert.ok(!text.includes(s), s);
    const span = normalize('traces', req).spans[0]!;
    assert.equal(span.attributes['http.request.header.authorization'], REDACTED);
    assert.equal(span.attributes['db.statement'], `login password=${REDACTED}`);
    assert.equal(span.resource.attributes['service.name'], 'b');
  });

  test('logs: attributes, string bodies and map bodies (nested)', () => {
    const req: OtlpRequest = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { body: { stringValue: 'token=T-SECRET here' }, attributes: [kv('user.password', 'U-SECRET')] },
                {
                  body: { kvlistValue: { values: [kv('password', 'M-SECRET'), { key: 'nested', value: { kvlistValue: { values: [kv('session_cookie', 'N-SECRET'), kv('ok', 'fine')] } } }] } },
                },
              ],
            },
          ],
        },
      ],
    };
    const text = JSON.stringify(sanitizeRequest(req, policy()));
    for (const s of ['T-SECRET', 'U-SECRET', 'M-SECRET', 'N-SECRET']) assert.ok(!text.includes(s), s);
    assert.ok(text.includes('fine'));
  });

  test('metric point attributes and exemplars', () => {
    const req: OtlpRequest = {
      resourceMetrics: [
        { scopeMetrics: [{ metrics: [{ name: 'm', sum: { dataPoints: [{ timeUnixNano: '1', asInt: '1', attributes: [kv('api_key', 'K-SECRET')], exemplars: [{ filteredAttributes: [kv('auth_token', 'X-SECRET')] }] }] } }] }] },
      ],
    };
    const text = JSON.stringify(sanitizeRequest(req, policy()));
    assert.ok(!text.includes('K-SECRET') && !text.includes('X-SECRET'));
  });

  test('counts what it redacted', () => {
    const red = new Redactor();
    sanitizeRequest(tracesWithSecrets(), { redactor: red, limits: resolveLimits() });
    assert.equal(red.stats.redactedKeys, 5);
    assert.ok(red.stats.maskedValues >= 2);
  });
});

describe('sanitizeRequest: capture limits', () => {
  const spanWith = (attributes: OtlpKeyValue[]): OtlpRequest => ({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: T, spanId: S, name: 'x', kind: 1, startTimeUnixNano: '1', endTimeUnixNano: '2', attributes }] }] }],
  });
  const firstSpan = (r: OtlpRequest) => r.resourceSpans![0]!.scopeSpans![0]!.spans![0]!;

  test('attribute count: extra attributes are dropped and counted', () => {
    const stats = emptySanitizeStats();
    const req = sanitizeRequest(spanWith([kv('a', '1'), kv('b', '2'), kv('c', '3')]), policy(resolveLimits({ maxAttributes: 2 })), stats);
    assert.equal(firstSpan(req).attributes!.length, 2);
    assert.equal(firstSpan(req).droppedAttributesCount, 1);
    assert.equal(stats.droppedAttributes, 1);
  });

  test('value length: cut with a marker, within the limit, and idempotent', () => {
    const p = policy(resolveLimits({ maxValueLength: 100 }));
    const req = sanitizeRequest(spanWith([kv('long', 'x'.repeat(1000))]), p);
    const v = (firstSpan(req).attributes![0]!.value as { stringValue: string }).stringValue;
    assert.ok(v.length <= 100, String(v.length));
    assert.match(v, /…\[truncated \d+ chars\]$/);
    const again = sanitizeRequest(structuredClone(req), p);
    assert.deepEqual(again, req);
  });

  test('list length: 50 items by default; plan lists (execution_path) are kept whole', () => {
    const list = (n: number) => ({ arrayValue: { values: Array.from({ length: n }, (_, i) => ({ stringValue: `n${i}` })) } });
    const req = sanitizeRequest(spanWith([{ key: 'items', value: list(80) }, { key: 'execution_path', value: list(80) }]), policy());
    const attrs = firstSpan(req).attributes!;
    assert.equal((attrs[0]!.value as { arrayValue: { values: unknown[] } }).arrayValue.values.length, DEFAULT_LIMITS.maxListLength);
    assert.equal((attrs[1]!.value as { arrayValue: { values: unknown[] } }).arrayValue.values.length, 80);
  });

  test('map length: 50 entries by default', () => {
    const map = { kvlistValue: { values: Array.from({ length: 70 }, (_, i) => kv(`k${i}`, 'v')) } };
    const req = sanitizeRequest(spanWith([{ key: 'm', value: map }]), policy());
    assert.equal((firstSpan(req).attributes![0]!.value as { kvlistValue: { values: unknown[] } }).kvlistValue.values.length, 50);
  });

  test('debug lifts every limit', () => {
    const l = resolveLimits({ maxAttributes: 1 }, true);
    const req = sanitizeRequest(spanWith([kv('a', 'x'.repeat(100_000)), kv('b', '2')]), policy(l));
    assert.equal(firstSpan(req).attributes!.length, 2);
    assert.equal((firstSpan(req).attributes![0]!.value as { stringValue: string }).stringValue.length, 100_000);
    assert.ok(l.maxSpans > 1e15 && l.maxBytes > 1e15);
  });
});

describe('RunBudget', () => {
  test('drops whole requests past a cap, counts them and says "truncated"', () => {
    const b = new RunBudget({ maxSpans: 3, maxLogs: 10, maxMetricPoints: 10, maxBytes: 1000 });
    assert.equal(b.admit({ spans: 2, logs: 0, metrics: 0 }, 0), true);
    assert.equal(b.admit({ spans: 2, logs: 0, metrics: 0 }, 10), false);
    assert.equal(b.admit({ spans: 0, logs: 1, metrics: 0 }, 10), true);
    assert.equal(b.admit({ spans: 0, logs: 1, metrics: 0 }, 1000), false);
    assert.deepEqual(b.dropped, { spans: 2, logs: 1, metrics: 0 });
    assert.match(b.warning()!, /^truncated: .*3 spans.*1000 bytes/);
  });
  test('no warning when nothing was dropped', () => {
    assert.equal(new RunBudget(resolveLimits()).warning(), undefined);
  });
  test('countItems counts spans, logs and points', () => {
    assert.deepEqual(countItems(tracesWithSecrets()), { spans: 1, logs: 0, metrics: 0 });
  });
});

describe('sanitizeRequest on decoded protobuf (shared KeyValue objects)', () => {
  // The fast protobuf decoder hands out one KeyValue object for every occurrence of the same
  // short pair; sanitizing must replace, never change, them.
  const LONG = 'a value of nearly sixty characters, short enough to share.';
  const body = () => {
    const span = (spanId: string) => ({
      traceId: T,
      spanId,
      name: 'x',
      kind: 1,
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
      attributes: [kv('db.statement', 'login password=P-SECRET'), kv('note', LONG), kv('api_key', 'K')],
    });
    return encodeProtobuf('traces', { resourceSpans: [{ scopeSpans: [{ spans: [span('0123456789abcdef'), span('1123456789abcdef')] }] }] });
  };
  test('every occurrence is sanitized and counted; a later decode still sees the original values', () => {
    const req = decodeProtobuf('traces', body());
    const spans = req.resourceSpans![0]!.scopeSpans![0]!.spans!;
    assert.equal(spans[0]!.attributes![1], spans[1]!.attributes![1], 'the decoder shares the repeated pair');
    const stats = emptySanitizeStats();
    sanitizeRequest(req, policy(resolveLimits({ maxValueLength: 40 })), stats);
    assert.equal(stats.truncatedValues, 2);
    for (const s of spans) {
      assert.ok(!JSON.stringify(s).includes('P-SECRET'));
      assert.deepEqual(s.attributes![2], { key: 'api_key', value: { stringValue: REDACTED } });
    }
    const again = decodeProtobuf('traces', body()).resourceSpans![0]!.scopeSpans![0]!.spans!;
    for (const s of again) {
      assert.deepEqual(
        s.attributes!.map((a) => a.value),
        [{ stringValue: 'login password=P-SECRET' }, { stringValue: LONG }, { stringValue: 'K' }],
      );
    }
  });
});

describe('StdioMasker (stdio.log bytes)', () => {
  test('masks per line, keeps ANSI and untouched lines byte for byte', () => {
    const m = new StdioMasker(new Redactor());
    const bad = Buffer.from([0x66, 0xff, 0x0a]); // invalid UTF-8 must pass through untouched
    const out = Buffer.concat([
      m.push(Buffer.from('\x1b[32mok\x1b[0m\nexport TOKEN=')),
      m.push(Buffer.from('abc123\r\n')),
      m.push(bad),
      m.flush(),
    ]);
    assert.equal(out.toString('latin1'), `\x1b[32mok\x1b[0m\nexport TOKEN=${REDACTED}\r\nf\xff\n`);
  });
  test('a key block over several chunks is masked; a partial last line is flushed masked', () => {
    const m = new StdioMasker(new Redactor());
    const text = m.push(Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBg\n')).toString() + m.push(Buffer.from('-----END PRIVATE KEY-----\npassword=x')).toString() + m.flush().toString();
    assert.ok(!text.includes('MIIBVQIBADANBg'), text);
    assert.ok(text.endsWith(`password=${REDACTED}`), text);
  });
  test('redaction off: bytes pass through unchanged', () => {
    const m = new StdioMasker(new Redactor({ enabled: false }));
    assert.equal(m.push(Buffer.from('password=x\n')).toString(), 'password=x\n');
  });
});
