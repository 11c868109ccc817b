import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stallsSection } from '../../src/core/analysis/stalls.js';
import { STALL_EVENT, ownEvent } from '../../src/core/analysis/ownEvents.js';
import { StallSchema } from '../../src/core/report/schema.js';
import { T0_MS, eventLog, mkSpan, spanEvent, storeWith } from './helpers/telemetry.js';

const opts = { timeout: 30000 };
const iso = (ms: number) => new Date(ms).toISOString();

describe('stallsSection', () => {
  test('build_stall_v1: copies and repeats of one stall merge; JSON-string blockers', opts, () => {
    const last = T0_MS / 1000;
    const p1 = { gap_s: 30, last_progress_unix_s: last, active_task_count: 1, pending_task_count: 4, top_blockers: '["raw_symbols"]' };
    const p2 = { gap_s: 60, last_progress_unix_s: last, pending_task_count: 3, top_blockers: ['raw_symbols', 'ast_files'] };
    const store = storeWith({
      spans: [mkSpan({ name: 'engine_execute', events: [spanEvent('build_stall_v1', p1, T0_MS + 30_000)] })],
      logs: [
        eventLog('build_stall_v1', p1, { atMs: T0_MS + 30_000 }),
        eventLog('build_stall_v1', p2, { atMs: T0_MS + 60_000 }),
        // A second, separate stall; redacted and missing fields.
        eventLog('build_stall_v1', { gap_s: '[redacted]', top_blockers: '[redacted]' }, { atMs: T0_MS + 500_000 }),
      ],
    });
    const st = stallsSection(store);
    assert.equal(st.length, 2);
    for (const x of st) assert.equal(StallSchema.safeParse(x).success, true);
    assert.deepEqual(st[0], {
      id: 'build-1',
      startedAt: iso(T0_MS + 30_000),
      endedAt: null,
      gapS: 60,
      source: 'build',
      lastProgressAt: iso(T0_MS),
      activeTaskCount: 1,
      pendingTaskCount: 3,
      active: [],
      pendingTasks: [],
      blockers: ['raw_symbols', 'ast_files'],
      cpuBusy: null,
    });
    assert.equal(st[1]!.gapS, 0);
    assert.deepEqual(st[1]!.blockers, []);
  });

  test('monitor records merge by stall.id: start, update, end', opts, () => {
    const base = { 'stall.id': 'monitor-1', last_progress_unix_s: T0_MS / 1000 };
    const logs = [
      ownEvent(STALL_EVENT, T0_MS + 3000, 'WARN', { ...base, 'stall.state': 'start', gap_s: 3, active: ['engine_execute'], pending_tasks: ['v'], blockers: ['raw_symbols'], cpu_busy: false, active_task_count: 0, pending_task_count: 1 }),
      ownEvent(STALL_EVENT, T0_MS + 8000, 'WARN', { ...base, 'stall.state': 'update', gap_s: 8, active: ['engine_execute'], pending_tasks: ['v'], blockers: ['raw_symbols', 'x'], active_task_count: 0, pending_task_count: 1 }),
      ownEvent(STALL_EVENT, T0_MS + 12_000, 'WARN', { ...base, 'stall.state': 'end', gap_s: 11.5, ended_unix_s: (T0_MS + 11_500) / 1000, 'stall.end_reason': 'progress' }),
      ownEvent(STALL_EVENT, T0_MS + 40_000, 'WARN', { 'stall.id': 'monitor-2', 'stall.state': 'start', gap_s: 3 }),
      // Garbage is ignored.
      ownEvent(STALL_EVENT, T0_MS + 41_000, 'WARN', { 'stall.state': 'start' }),
    ];
    const st = stallsSection(storeWith({ logs }));
    assert.equal(st.length, 2);
    assert.deepEqual(st[0], {
      id: 'monitor-1',
      startedAt: iso(T0_MS + 3000),
      endedAt: iso(T0_MS + 11_500),
      gapS: 11.5,
      source: 'monitor',
      lastProgressAt: iso(T0_MS),
      activeTaskCount: 0,
      pendingTaskCount: 1,
      active: ['engine_execute'],
      pendingTasks: ['v'],
      blockers: ['raw_symbols', 'x'],
      // An update without cpu_busy (unknown then) keeps the last known value.
      cpuBusy: false,
    });
    assert.equal(st[1]!.id, 'monitor-2');
    assert.equal(st[1]!.endedAt, null);
    assert.equal(st[1]!.cpuBusy, null);
  });

  test('build and monitor stalls together, by start time', opts, () => {
    const logs = [
      ownEvent(STALL_EVENT, T0_MS + 5000, 'WARN', { 'stall.id': 'monitor-1', 'stall.state': 'start', gap_s: 5 }),
      eventLog('build_stall_v1', { gap_s: 2, last_progress_unix_s: T0_MS / 1000 }, { atMs: T0_MS + 2000 }),
    ];
    assert.deepEqual(stallsSection(storeWith({ logs })).map((x) => x.source), ['build', 'monitor']);
    assert.deepEqual(stallsSection(storeWith({})), []);
  });
});
