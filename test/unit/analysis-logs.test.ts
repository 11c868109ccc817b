import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { logStream, logsSection, severityName } from '../../src/core/analysis/logs.js';
import { eventLog, logLine, stderrLines, storeWith } from './helpers/telemetry.js';

const T = { timeout: 30_000 };

describe('logs section', () => {
  test('severity ranges of the OTel logs data model, text fallback', T, () => {
    assert.deepEqual([1, 4, 5, 9, 12, 13, 17, 21, 24].map((n) => severityName(n)), ['TRACE', 'TRACE', 'DEBUG', 'INFO', 'INFO', 'WARN', 'ERROR', 'FATAL', 'FATAL']);
    assert.equal(severityName(0, 'warning'), 'WARN');
    assert.equal(severityName(0, 'CRITICAL'), 'FATAL');
    assert.equal(severityName(0), 'UNSPECIFIED');
    assert.equal(severityName(99), 'UNSPECIFIED');
    assert.equal(severityName(Number.NaN, 'nonsense'), 'UNSPECIFIED');
  });

  test('counts, correlated share and streams', T, () => {
    const store = storeWith({
      logs: [
        eventLog('build.start', { run_id: 'r' }, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }),
        logLine('warn', {}, undefined, 13),
        logLine('err', {}, undefined, 17),
        ...stderrLines('line one\nline two'),
      ],
    });
    const s = logsSection(store);
    assert.equal(s.count, 5);
    assert.deepEqual(s.bySeverity, { TRACE: 0, DEBUG: 0, INFO: 1, WARN: 1, ERROR: 1, FATAL: 0, UNSPECIFIED: 2 });
    assert.equal(s.correlatedFraction, 0.2);
    assert.deepEqual(s.byStream, { otlp: 3, stdout: 0, stderr: 2 });
    assert.equal(store.logsOfSpan('a'.repeat(32), 'b'.repeat(16)).length, 1, 'the per-span index');
  });

  test('a stdio line re-read from a bundle (source lost, log.iostream kept) still counts as stderr', T, () => {
    const [line] = stderrLines('Traceback (most recent call last):');
    const reread = { ...line!, source: 'otlp' as const };
    assert.equal(logStream(reread), 'stderr');
    assert.deepEqual(logsSection(storeWith({ logs: [reread] })).byStream, { otlp: 0, stdout: 0, stderr: 1 });
  });

  test('an empty store', T, () => {
    const s = logsSection(storeWith({}));
    assert.equal(s.count, 0);
    assert.equal(s.correlatedFraction, 0);
  });
});
