// The heartbeat: build_heartbeat_v1 every period from a timer that, like the real
// heartbeat thread, runs outside the build's trace context; and every 5 periods a
// root span `build.heartbeat` in a new trace (codeanatomy-telemetry.md §3, §4).
import { ROOT_CONTEXT } from '@opentelemetry/api';

/** The counters the build updates and the heartbeat reads. */
export function newProgressState() {
  return {
    stage: 'startup',
    total: 0,
    completed: 0,
    active: 0,
    bytesRead: 0,
    bytesWritten: 0,
    datasetRows: {},
    datasetColumns: {},
    scanRowGroups: {},
    scanFragments: {},
    blockers: [],
  };
}

export function heartbeatPayload(state, runId, quirks) {
  const payload = {
    run_id: runId,
    stage: state.stage,
    timestamp_unix_s: Date.now() / 1000,
    dataset_rows: state.datasetRows,
    dataset_columns: state.datasetColumns,
    scan_row_groups: state.scanRowGroups,
    scan_fragments: state.scanFragments,
  };
  // The real pipeline never sets these (§3 quirks); --quirks imitates that.
  if (!quirks) {
    Object.assign(payload, {
      active_task_count: state.active,
      pending_task_count: Math.max(0, state.total - state.completed - state.active),
      completed_task_count: state.completed,
      total_task_count: state.total,
      bytes_read: state.bytesRead,
      bytes_written: state.bytesWritten,
      top_blockers: state.blockers,
    });
  }
  return payload;
}

/**
 * @param {{ reporter: import('./events.mjs').Reporter, tracer: import('@opentelemetry/api').Tracer,
 *           state: ReturnType<typeof newProgressState>, periodMs: number, quirks: boolean }} opts
 */
export function startHeartbeat({ reporter, tracer, state, periodMs, quirks }) {
  let tick = 0;
  const beat = () => {
    try {
      const payload = heartbeatPayload(state, reporter.runId, quirks);
      reporter.event('build_heartbeat_v1', payload, ROOT_CONTEXT, { withRunId: !quirks });
      if (tick % 5 === 0) {
        const attributes = { 'codeanatomy.stage': state.stage, 'heartbeat.seq': tick / 5 };
        if (!quirks) attributes['codeanatomy.run_id'] = reporter.runId;
        tracer.startSpan('build.heartbeat', { root: true, attributes }, ROOT_CONTEXT).end();
      }
    } catch {
      /* the heartbeat never takes the build down */
    }
    tick += 1;
  };
  beat();
  const timer = setInterval(beat, periodMs);
  return { stop: () => clearInterval(timer) };
}
