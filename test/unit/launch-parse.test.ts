import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { extractTraceContext, parseSeverity, SeverityNumber } from '../../src/launch/lines.js';
import { lineToLogRecord } from '../../src/launch/stdioLogs.js';
import type { Resource, Scope } from '../../src/core/model.js';

const T = '4BF92F3577B34DA6A3CE929D0E0E4736';
const S = '00F067AA0BA902B7';
const t = T.toLowerCase();
const s = S.toLowerCase();

describe('extractTraceContext', () => {
  test('Python logging correlation format', () => {
    const line = `2024-05-01 10:00:00,123 INFO [trace_id=${T} span_id=${S}] codeanatomy.cli: hello`;
    assert.deepEqual(extractTraceContext(line), { traceId: t, spanId: s });
  });

  test('Python format with None or 0 means absent', () => {
    assert.deepEqual(extractTraceContext('2024-05-01 10:00:00,123 INFO [trace_id=None span_id=None] x: y'), {});
    assert.deepEqual(extractTraceContext('x [trace_id=0 span_id=0 resource.service.name=a] y'), {});
  });

  test('all-zero ids are absent', () => {
    assert.deepEqual(extractTraceContext(`[trace_id=${'0'.repeat(32)} span_id=${'0'.repeat(16)}]`), {});
    assert.deepEqual(extractTraceContext(`[trace_id=${T} span_id=${'0'.repeat(16)}]`), { traceId: t });
  });

  test('JSON log lines: snake, camel, dotted and nested keys', () => {
    assert.deepEqual(extractTraceContext(JSON.stringify({ msg: 'x', trace_id: T, span_id: S })), { traceId: t, spanId: s });
    assert.deepEqual(extractTraceContext(JSON.stringify({ traceId: T, spanId: S })), { traceId: t, spanId: s });
    assert.deepEqual(extractTraceContext(JSON.stringify({ 'trace.id': T, 'span.id': S })), { traceId: t, spanId: s });
    assert.deepEqual(extractTraceContext(JSON.stringify({ trace: { id: T }, span: { id: S } })), { traceId: t, spanId: s });
  });

  test('JSON with malformed ids yields nothing', () => {
    assert.deepEqual(extractTraceContext(JSON.stringify({ trace_id: 'xyz', span_id: 12 })), {});
  });

  test('traceparent-looking token', () => {
    assert.deepEqual(extractTraceContext(`calling with traceparent: 00-${T}-${S}-01 now`), { traceId: t, spanId: s });
    assert.deepEqual(extractTraceContext(`ff-${T}-${S}-01`), {});
  });

  test('ids must be exactly the right length', () => {
    assert.deepEqual(extractTraceContext(`trace_id=${T}AB span_id=${S}`), {});
    assert.deepEqual(extractTraceContext('no ids here'), {});
  });
});

describe('parseSeverity', () => {
  test('Python default format LEVEL:logger:', () => {
    assert.deepEqual(parseSeverity('ERROR:cli.telemetry:Command execution failed.'), { severityNumber: 17, severityText: 'ERROR' });
    assert.deepEqual(parseSeverity('WARNING:root:careful'), { severityNumber: 13, severityText: 'WARNING' });
    assert.deepEqual(parseSeverity('INFO:codeanatomy.diagnostics:build.start'), { severityNumber: 9, severityText: 'INFO' });
    assert.deepEqual(parseSeverity('CRITICAL:x:y'), { severityNumber: 21, severityText: 'CRITICAL' });
    assert.deepEqual(parseSeverity('DEBUG:x:y'), { severityNumber: 5, severityText: 'DEBUG' });
  });

  test('asctime formats', () => {
    assert.equal(parseSeverity(`2024-05-01 10:00:00,123 WARNING [trace_id=${T} span_id=${S}] x: Extractor a failed`).severityNumber, 13);
    assert.equal(parseSeverity('2024-05-01T10:00:00.123Z - mylogger - ERROR - boom').severityNumber, 17);
    assert.equal(parseSeverity('[2024-05-01 10:00:00] [info] started').severityNumber, 9);
  });

  test('JSON level / severity / pino numbers', () => {
    assert.deepEqual(parseSeverity('{"level":"warn","msg":"x"}'), { severityNumber: 13, severityText: 'warn' });
    assert.deepEqual(parseSeverity('{"severity":"ERROR"}'), { severityNumber: 17, severityText: 'ERROR' });
    assert.deepEqual(parseSeverity('{"level":50,"msg":"x"}'), { severityNumber: 17, severityText: '50' });
    assert.deepEqual(parseSeverity('{"log":{"level":"debug"}}'), { severityNumber: 5, severityText: 'debug' });
  });

  test('tool prefixes and tracebacks', () => {
    assert.equal(parseSeverity('error[E0308]: mismatched types').severityNumber, 17);
    assert.equal(parseSeverity('warning: unused variable').severityNumber, 13);
    assert.equal(parseSeverity('[ERROR] failed').severityNumber, 17);
    assert.equal(parseSeverity('Traceback (most recent call last):').severityNumber, 17);
  });

  test('no level → UNSPECIFIED', () => {
    assert.deepEqual(parseSeverity('  File "x.py", line 3, in f'), { severityNumber: 0 });
    assert.deepEqual(parseSeverity('an error occurred somewhere'), { severityNumber: 0 });
    assert.deepEqual(parseSeverity('{"not":"a level"}'), { severityNumber: 0 });
  });
});

describe('lineToLogRecord', () => {
  const resource: Resource = { attributes: { 'service.name': 'build' } };
  const scope: Scope = { name: 'build-diagnostics.stdio' };

  test('plain stdout line', () => {
    const r = lineToLogRecord('hello', 'stdout', 5n, resource, scope);
    assert.deepEqual(r, {
      timeNs: 5n,
      observedTimeNs: 5n,
      severityNumber: SeverityNumber.INFO,
      body: 'hello',
      attributes: { 'log.iostream': 'stdout' },
      resource,
      scope,
      source: 'stdout',
    });
  });

  test('stderr line without a level stays UNSPECIFIED; with one it is parsed', () => {
    assert.equal(lineToLogRecord('progress 5/10', 'stderr', 1n, resource, scope).severityNumber, 0);
    const r = lineToLogRecord('ERROR:cli.telemetry:Command execution failed.', 'stderr', 1n, resource, scope);
    assert.equal(r.severityNumber, 17);
    assert.equal(r.severityText, 'ERROR');
    assert.equal(r.source, 'stderr');
    assert.equal(r.attributes['log.iostream'], 'stderr');
  });

  test('ANSI stripped from body, original kept, ids and level read through the colours', () => {
    const raw = `\x1b[33mWARNING\x1b[0m:x:y [trace_id=${T} span_id=${S}]`;
    const r = lineToLogRecord(raw, 'stderr', 1n, resource, scope);
    assert.equal(r.body, `WARNING:x:y [trace_id=${T} span_id=${S}]`);
    assert.equal(r.attributes['log.record.original'], raw);
    assert.equal(r.severityNumber, 13);
    assert.equal(r.traceId, t);
    assert.equal(r.spanId, s);
  });
});
