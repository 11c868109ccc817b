import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StallMonitor, UPDATE_EVERY_MS, type ProcessSample } from '../../src/core/analysis/monitor.js';
import { stallsSection } from '../../src/core/analysis/stalls.js';
import { heartbeatsSection } from '../../src/core/analysis/heartbeats.js';
import { readinessSection } from '../../src/core/analysis/readiness.js';
import { planDiff } from '../../src/core/analysis/plan.js';
import { LIVENESS_EVENT, STALL_EVENT } from '../../src/core/analysis/ownEvents.js';
import type { LogRecord } from '../../src/core/model.js';
import type { DatasetState } from '../../src/core/report/schema.js';
import { RunStore } from '../../src/core/store.js';
import { T0_MS, eventLog, logLine, mkSpan } from './helpers/telemetry.js';

const opts = { timeout: 30000 };

/** A monitor on a fake clock, wired like the session: emitted records go into the store. */
function rig(o: { thresholdS?: number; sample?: () => ProcessSample | undefined; recheck?: () => DatasetState[] } = {}) {
  let nowMs = T0_MS;
  const store = new RunStore();
  const emitted: LogRecord[] = [];
  const monitor = new StallMonitor({
    store,
    thresholdS: o.thresholdS ?? 3,
    now: () => nowMs,
    ...(o.sample ? { sampleProcess: o.sample } : {}),
    ...(o.recheck ? { recheck: o.recheck } : {}),
    emit: (records) => {
      emitted.push(...records);
      store.ingest({ spans: [], logs: records, metrics: [] });
    },
  });
  const at = (sec: number) => {
    nowMs = T0_MS + sec * 1000;
  };
  /** Advance the clock second by second, ticking like the session's timer. */
  const runTo = (sec: number) => {
    while (nowMs < T0_MS + sec * 1000) {
      nowMs = Math.min(nowMs + 1000, T0_MS + sec * 1000);
      monitor.tick();
    }
  };
  const ingestLogs = (...logs: LogRecord[]) => store.ingest({ spans: [], logs, metrics: [] });
  const stallRecords = () => emitted.filter((r) => r.eventName === STALL_EVENT);
  const states = () => stallRecords().map((r) => r.attributes['stall.state']);
  return { store, monitor, emitted, at, runTo, ingestLogs, stallRecords, states, now: () => nowMs };
}

const beat = (sec: number, extra: Record<string, unknown> = {}) =>
  eventLog('build_heartbeat_v1', { stage: 'engine_execute', timestamp_unix_s: T0_MS / 1000 + sec, dataset_rows: '{"a": 10}', ...extra }, { atMs: T0_MS + sec * 1000 });

describe('StallMonitor progress rules', () => {
  test('a heartbeat that only ticks does not reset the stall clock', opts, () => {
    const r = rig();
    r.runTo(1);
    r.ingestLogs(beat(1));
    r.runTo(2);
    r.ingestLogs(beat(2));
    r.runTo(2.9);
    assert.equal(r.monitor.current(), undefined);
    r.runTo(3);
    const s = r.monitor.current();
    assert.ok(s, 'stalled although heartbeats kept ticking');
    assert.equal(s.gapS, 3);
    assert.equal(s.lastProgressAt, new Date(T0_MS).toISOString());
    assert.deepEqual(r.states(), ['start']);
    r.monitor.dispose();
  });

  test('a heartbeat whose counters change is progress', opts, () => {
    const r = rig();
    r.ingestLogs(beat(0));
    r.at(2);
    r.ingestLogs(beat(2, { dataset_rows: '{"a": 20}' }));
    r.runTo(4.5);
    assert.equal(r.monitor.current(), undefined, 'no stall 2.5 s after a counter change');
    r.runTo(5);
    assert.ok(r.monitor.current());
    assert.equal(r.monitor.current()!.lastProgressAt, new Date(T0_MS + 2000).toISOString());
    r.monitor.dispose();
  });

  test('an older span-event copy of a heartbeat is not mistaken for a change', opts, () => {
    const r = rig();
    r.ingestLogs(beat(0, { completed_task_count: 1 }));
    r.at(1);
    r.ingestLogs(beat(1, { completed_task_count: 1 }));
    // The copy of the first heartbeat arrives late, on the heartbeat span's export.
    r.store.ingest({ spans: [mkSpan({ name: 'build.heartbeat', startMs: T0_MS, events: [] })], logs: [beat(0, { completed_task_count: 1 })], metrics: [] });
    r.runTo(3);
    assert.ok(r.monitor.current(), 'neither the heartbeat span nor the stale copy counted as progress');
    r.monitor.dispose();
  });

  test('spans, log lines and events are progress; our own records and metrics are not', opts, () => {
    const r = rig();
    r.at(2);
    r.store.ingest({ spans: [mkSpan({ name: 'extraction.ast_files' })], logs: [], metrics: [] });
    r.runTo(4);
    assert.equal(r.monitor.current(), undefined);
    r.at(4.5);
    r.ingestLogs(logLine('INFO:codeanatomy.diagnostics:build_heartbeat_v1'));
    r.runTo(5);
    assert.ok(r.monitor.current(), 'the stderr echo of a heartbeat is not progress');
    r.at(6);
    r.ingestLogs(logLine('2026-02-14 10:00:06,000 INFO [trace_id=None span_id=None] x: working'));
    r.runTo(7);
    assert.equal(r.monitor.current(), undefined);
    assert.deepEqual(r.states(), ['start', 'end']);
    r.monitor.dispose();
  });
});

describe('StallMonitor stall lifecycle', () => {
  test('one stall: start once, updates at most every few seconds, end on progress; then a new id', opts, () => {
    const r = rig();
    r.runTo(3);
    assert.deepEqual(r.states(), ['start']);
    r.runTo(3 + UPDATE_EVERY_MS / 1000 - 1);
    assert.deepEqual(r.states(), ['start'], 'not re-raised every tick');
    r.runTo(3 + (2 * UPDATE_EVERY_MS) / 1000);
    assert.deepEqual(r.states(), ['start', 'update', 'update']);
    r.at(13.5);
    r.ingestLogs(eventLog('engine_output_v1', { table_name: 'v' }, { atMs: T0_MS + 13_500 }));
    r.runTo(14);
    assert.deepEqual(r.states(), ['start', 'update', 'update', 'end']);
    const end = r.stallRecords()[3]!;
    assert.equal(end.attributes['gap_s'], 13.5);
    assert.equal(end.attributes['ended_unix_s'], (T0_MS + 13_500) / 1000);
    assert.equal(end.attributes['stall.end_reason'], 'progress');
    assert.equal(r.monitor.current(), undefined);
    r.runTo(17);
    assert.equal(r.monitor.current()!.id, 'monitor-2');
    r.monitor.dispose();
    const st = stallsSection(r.store);
    assert.deepEqual(st.map((s) => [s.id, s.gapS, s.endedAt]), [
      ['monitor-1', 13.5, new Date(T0_MS + 13_500).toISOString()],
      // Still open when the run ended: closed at dispose.
      ['monitor-2', 3.5, new Date(T0_MS + 17_000).toISOString()],
    ]);
    assert.equal(r.stallRecords().at(-1)!.attributes['stall.end_reason'], 'run_ended');
  });

  test('a stall names the blocking dataset (re-checked) and the pending view it blocks', opts, () => {
    let checks = 0;
    const raw: DatasetState = {
      dataset: 'raw_symbols', path: 'data/extract/raw_symbols', format: 'delta', status: 'missing_delta_log', reason: 'delta_log_missing',
      source: 'recheck', required: true, fileCount: 1, deltaLogFileCount: null, checkedAt: null,
    };
    const r = rig({ recheck: () => (checks++, [raw]) });
    r.ingestLogs(
      eventLog('build.phase.start', { phase: 'engine_execute' }),
      eventLog('engine_spec_summary_v1', { view_names: '["cpg_nodes","cpg_symbol_edges"]' }),
      eventLog('datafusion_plan_bundle_v1', { view_name: 'cpg_nodes', referenced_tables: '["ast_files"]' }),
      eventLog('datafusion_plan_bundle_v1', { view_name: 'cpg_symbol_edges', referenced_tables: '["raw_symbols","libcst_files"]' }),
      eventLog('engine_output_v1', { table_name: 'cpg_nodes' }),
    );
    r.runTo(3);
    const s = r.monitor.current()!;
    assert.deepEqual(s.blockers, ['raw_symbols']);
    assert.deepEqual(s.pendingTasks, ['cpg_symbol_edges']);
    assert.equal(s.pendingTaskCount, 1);
    assert.deepEqual(s.active, ['engine_execute']);
    assert.equal(s.cpuBusy, null);
    assert.equal(checks, 1);
    // The re-check is on record, so the report (and a rebuild from the bundle) sees it.
    const rs = readinessSection(r.store);
    assert.deepEqual(rs.issues.map((d) => [d.dataset, d.status, d.source]), [['raw_symbols', 'missing_delta_log', 'recheck']]);
    const start = r.stallRecords()[0]!;
    assert.equal(start.attributes['blockers'], '["raw_symbols"]');
    assert.equal(start.attributes['pending_tasks'], '["cpg_symbol_edges"]');
    // Live: the view is blocked; after the build finished: missing, blocked_by_dataset.
    const live = planDiff(r.store, rs, { finished: false });
    assert.equal(live.tasks.find((t) => t.name === 'cpg_symbol_edges')!.status, 'blocked');
    r.monitor.dispose();
    const done = planDiff(r.store, readinessSection(r.store), { finished: true });
    assert.deepEqual(done.missing, ['cpg_symbol_edges']);
    assert.deepEqual(done.reasons, { cpg_symbol_edges: 'blocked_by_dataset' });
    assert.deepEqual(done.blockedBy, { cpg_symbol_edges: ['raw_symbols'] });
    assert.deepEqual(stallsSection(r.store)[0]!.blockers, ['raw_symbols']);
  });

  test('updates carry changed blockers; unchanged re-checks are not re-recorded', opts, () => {
    let status: DatasetState['status'] = 'missing_path';
    const r = rig({
      recheck: () => [{ dataset: 'in', path: 'in', format: 'dir', status, reason: null, source: 'recheck', required: true, fileCount: null, deltaLogFileCount: null, checkedAt: null }],
    });
    r.runTo(3);
    assert.deepEqual(r.monitor.current()!.blockers, ['in']);
    r.runTo(25);
    const readinessRecords = () => r.emitted.filter((x) => x.eventName === 'dataset_readiness_v1').length;
    assert.equal(readinessRecords(), 1);
    status = 'ok';
    r.runTo(40);
    assert.equal(readinessRecords(), 2);
    assert.deepEqual(r.monitor.current()!.blockers, []);
    r.monitor.dispose();
  });

  test('CPU: busy, idle or unknown over the gap', opts, () => {
    const run = (sample?: () => ProcessSample | undefined) => {
      const r = rig({ ...(sample ? { sample } : {}) });
      r.runTo(3);
      const busy = r.monitor.current()!.cpuBusy;
      r.monitor.dispose();
      return busy;
    };
    let cpu = 0;
    assert.equal(run(() => ({ cpuSeconds: (cpu += 0.9), rssBytes: 1, processCount: 2 })), true);
    assert.equal(run(() => ({ cpuSeconds: 1.0, rssBytes: 1, processCount: 2 })), false);
    assert.equal(run(), null);
    assert.equal(run(() => undefined), null);
  });

  test('no stall once the process tree is gone', opts, () => {
    let alive = true;
    const r = rig({ sample: () => (alive ? { cpuSeconds: 0, rssBytes: 1, processCount: 1 } : undefined) });
    r.runTo(1);
    alive = false;
    r.runTo(10);
    assert.equal(r.monitor.current(), undefined);
    r.monitor.dispose();
  });

  test('liveness records once per tick with counts of what the build sent', opts, () => {
    const r = rig({ sample: () => ({ cpuSeconds: 1.23456, rssBytes: 2048, processCount: 3 }) });
    r.ingestLogs(logLine('a'), logLine('b'), eventLog('build.start', {}));
    r.store.ingest({ spans: [mkSpan({ name: 's' })], logs: [], metrics: [] });
    r.runTo(2);
    const live = r.emitted.filter((x) => x.eventName === LIVENESS_EVENT);
    assert.equal(live.length, 2);
    assert.deepEqual(
      { ...live[1]!.attributes },
      { 'event.name': LIVENESS_EVENT, 'event.kind': 'event', spans: 1, logs: 3, events: 1, cpu_seconds: 1.235, rss_bytes: 2048, process_count: 3 },
    );
    assert.equal(heartbeatsSection(r.store).liveness.length, 2);
    r.monitor.dispose();
  });

  test('a rebuild from the records alone gives the same stalls', opts, () => {
    const r = rig();
    r.ingestLogs(eventLog('build_heartbeat_v1', { stage: 'x', top_blockers: '["ds"]' }));
    r.runTo(9);
    r.monitor.dispose();
    const fresh = new RunStore();
    fresh.ingest({ spans: [], logs: [...r.store.logs], metrics: [] });
    assert.deepEqual(stallsSection(fresh), stallsSection(r.store));
    assert.deepEqual(stallsSection(fresh)[0]!.blockers, ['ds']);
    assert.deepEqual(stallsSection(fresh)[0]!.active, ['x']);
  });
});
