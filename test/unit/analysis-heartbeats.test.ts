import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { heartbeatsSection, thin } from '../../src/core/analysis/heartbeats.js';
import { activeStages } from '../../src/core/analysis/active.js';
import { ownEvent, LIVENESS_EVENT } from '../../src/core/analysis/ownEvents.js';
import { HeartbeatsSectionSchema } from '../../src/core/report/schema.js';
import { T0_MS, eventLog, mkSpan, spanEvent, storeWith } from './helpers/telemetry.js';

const opts = { timeout: 30000 };
const s = (sec: number) => T0_MS / 1000 + sec;

describe('heartbeatsSection', () => {
  test('timeline, median interval, last stage; log + span-event copies merged', opts, () => {
    const beat = (sec: number, extra: Record<string, unknown> = {}) => ({ stage: 'extraction', timestamp_unix_s: s(sec), ...extra });
    const hbSpan = mkSpan({ name: 'build.heartbeat', startMs: T0_MS + 10_000, endMs: T0_MS + 10_001, events: [spanEvent('build_heartbeat_v1', beat(10), T0_MS + 10_000)] });
    const store = storeWith({
      spans: [hbSpan],
      logs: [
        eventLog('build_heartbeat_v1', beat(0, { dataset_rows: { a: 1 } }), { atMs: T0_MS }),
        eventLog('build_heartbeat_v1', beat(5, { bytes_read: '100', active_task_count: 2 }), { atMs: T0_MS + 5000 }),
        eventLog('build_heartbeat_v1', beat(10), { atMs: T0_MS + 10_000 }),
        eventLog('build_heartbeat_v1', { stage: 'engine_execute', timestamp_unix_s: s(21), top_blockers: '["x"]' }, { atMs: T0_MS + 21_000 }),
        // A later heartbeat without a stage keeps the last known stage.
        eventLog('build_heartbeat_v1', { timestamp_unix_s: s(26) }, { atMs: T0_MS + 26_000 }),
      ],
    });
    // A heartbeat span without the event (every 5th beat, outside the event's context).
    store.ingest({ spans: [mkSpan({ name: 'build.heartbeat', startMs: T0_MS + 20_000 })], logs: [], metrics: [] });
    const h = heartbeatsSection(store);
    assert.equal(HeartbeatsSectionSchema.safeParse(h).success, true);
    assert.equal(h.count, 5);
    // gaps 5, 5, 11, 5 → median 5
    assert.equal(h.intervalS, 5);
    assert.equal(h.lastAt, new Date(T0_MS + 26_000).toISOString());
    assert.equal(h.lastStage, 'engine_execute');
    assert.equal(h.samples[1]!.bytesRead, 100);
    assert.equal(h.samples[1]!.activeTaskCount, 2);
    assert.equal(h.samples[0]!.pendingTaskCount, null);
  });

  test('heartbeat spans count when no heartbeat event arrived; redacted/missing fields are null', opts, () => {
    const spans = [0, 5, 10].map((sec) => mkSpan({ name: 'build.heartbeat', startMs: T0_MS + sec * 1000 }));
    const spansOnly = heartbeatsSection(storeWith({ spans }));
    assert.equal(spansOnly.count, 3);
    assert.equal(spansOnly.intervalS, 5);
    const logs = [
      eventLog('build_heartbeat_v1', { stage: '[redacted]', bytes_written: '[redacted]', timestamp_unix_s: 'nope' }, { atMs: T0_MS + 12_000 }),
      eventLog('build_heartbeat_v1', { bytes_written: 7 }, { atMs: T0_MS + 13_000 }),
    ];
    const h = heartbeatsSection(storeWith({ spans, logs }));
    assert.equal(h.count, 2);
    assert.equal(h.intervalS, 1);
    assert.equal(h.lastStage, null);
    assert.equal(h.samples[0]!.bytesWritten, null);
    assert.equal(h.samples[1]!.bytesWritten, 7);
    assert.equal(h.lastAt, new Date(T0_MS + 13_000).toISOString());
  });

  test('liveness samples from our own records', opts, () => {
    const logs = [
      ownEvent(LIVENESS_EVENT, T0_MS + 1000, 'INFO', { spans: 1, logs: 2, events: 0, cpu_seconds: 0.5, rss_bytes: 1000, process_count: 2 }),
      ownEvent(LIVENESS_EVENT, T0_MS + 2000, 'INFO', { spans: 3, logs: 4, events: 1 }),
    ];
    const h = heartbeatsSection(storeWith({ logs }));
    assert.equal(h.count, 0);
    assert.equal(h.intervalS, null);
    assert.deepEqual(h.liveness, [
      { at: new Date(T0_MS + 1000).toISOString(), spans: 1, logs: 2, events: 0, cpuSeconds: 0.5, rssBytes: 1000, processCount: 2 },
      { at: new Date(T0_MS + 2000).toISOString(), spans: 3, logs: 4, events: 1, cpuSeconds: null, rssBytes: null, processCount: null },
    ]);
  });

  test('thin keeps the bound, the first and the last', opts, () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const t = thin(xs, 600);
    assert.equal(t.length, 600);
    assert.equal(t[0], 0);
    assert.equal(t[599], 999);
    assert.deepEqual(thin([1, 2], 600), [1, 2]);
  });
});

describe('activeStages', () => {
  test('phases from log events, stages closed by their span, heartbeat stage', opts, () => {
    const store = storeWith({
      spans: [
        mkSpan({
          name: 'extraction',
          startMs: T0_MS,
          endMs: T0_MS + 3000,
          attributes: { 'codeanatomy.stage': 'extraction' },
          events: [spanEvent('stage.start', { 'codeanatomy.stage': 'extraction' }, T0_MS), spanEvent('stage.end', { 'codeanatomy.stage': 'extraction' }, T0_MS + 3000)],
        }),
      ],
      logs: [
        eventLog('build.phase.start', { phase: 'extract' }, { atMs: T0_MS }),
        eventLog('build.phase.end', { phase: 'extract', status: 'ok' }, { atMs: T0_MS + 3000 }),
        eventLog('build.phase.start', { phase: 'semantic' }, { atMs: T0_MS + 3100 }),
        eventLog('build_heartbeat_v1', { stage: 'extraction', timestamp_unix_s: s(1) }, { atMs: T0_MS + 1000 }),
        eventLog('build_heartbeat_v1', { stage: 'engine_execute', timestamp_unix_s: s(5) }, { atMs: T0_MS + 5000 }),
      ],
    });
    assert.deepEqual(activeStages(store), ['semantic', 'engine_execute']);
  });
});
