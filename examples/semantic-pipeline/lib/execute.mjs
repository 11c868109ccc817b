// engine_execute: one `datafusion.execute` task span per planned view, in plan
// order. A view whose input dataset blocks waits for it (re-checking the folder),
// which is the `stall` scenario; the `fail` scenario's view raises.
import path from 'node:path';
import { trace } from '@opentelemetry/api';
import { blocks, checkReadiness, datasetStats } from './datasets.mjs';
import { errorType, recordError, shortHash, sleep } from './stage.mjs';
import { joinError, notReadyError } from './traceback.mjs';

const POLL_MS = 1000;

export async function executeViews(b, ctx, compiled) {
  const outputs = [];
  for (const c of compiled) outputs.push(await executeView(b, ctx, c));
  const warnings = [];
  if (b.plan.slowdown > 1) {
    warnings.push('SPILL');
    b.rep.log('INFO', 'codeanatomy.execution', 'Engine warning: code=SPILL stage=engine_execute message=sort spilled 2 files under memory pressure', ctx);
  }
  const rows = outputs.reduce((n, o) => n + o.rows, 0);
  b.rep.event('engine_execution_summary_v1', {
    spec_hash: b.specHash,
    envelope_hash: shortHash('envelope', b.specHash, b.runId),
    output_rows: rows,
    output_batches: outputs.reduce((n, o) => n + o.partitions, 0),
    elapsed_compute_nanos: Math.round(outputs.reduce((n, o) => n + o.durationMs, 0) * 1e6),
    spill_file_count: warnings.length ? 2 : 0,
    spilled_bytes: warnings.length ? 65536 : 0,
    operator_count: outputs.length * 6,
    tables_materialized: outputs.length,
    total_rows_written: rows,
    warning_count: warnings.length,
    warning_codes: warnings,
  }, ctx, { kind: 'artifact', stderr: true });
  return outputs;
}

async function executeView(b, ctx, { view, planHash, identity }) {
  const sourceFile = path.join(b.dir, view.source.file);
  const span = b.tel.tracers.datafusion.startSpan('datafusion.execute', {
    attributes: {
      view_name: view.name,
      'db.system.name': 'datafusion',
      'db.operation.name': 'execute',
      plan_kind: view.plan_kind,
      plan_fingerprint: planHash,
      plan_identity_hash: identity,
      'code.file.path': sourceFile,
      'code.line.number': view.source.line,
      'code.function.name': view.source.function,
      'codeanatomy.run_id': b.runId,
    },
  }, ctx);
  const vctx = trace.setSpan(ctx, span);
  const { traceId, spanId } = span.spanContext();
  b.state.active = 1;
  b.rep.log('INFO', 'codeanatomy.datafusion', `Executing view ${view.name}`, vctx);
  const t0 = performance.now();
  const base = { plan_hash: planHash, plan_identity_hash: identity, plan_kind: view.plan_kind, view_name: view.name,
    run_id: b.runId, trace_id: traceId, span_id: spanId };
  try {
    await waitForInputs(b, vctx, view);
    const ms = view.base_ms * b.plan.slowdown * b.opts.speed;
    if (view.name === b.plan.failView) {
      await sleep(ms / 2, b.signal);
      throw joinError(b.dir);
    }
    await sleep(ms, b.signal);
    const inputs = view.referenced_tables.map((n) => datasetStats(b.dir, b.cfg.datasets.get(n) ?? { name: n }));
    const scanned = inputs.reduce((n, s) => n + s.bytes, 0);
    const rows = inputs.reduce((n, s) => n + s.rows, 0) * (1 + (parseInt(planHash.slice(0, 2), 16) % 4));
    const partitions = inputs.length + 1;
    const durationMs = performance.now() - t0;
    span.setAttributes({ rows_produced: rows, bytes_scanned: scanned, partition_count: partitions });
    b.rep.event('datafusion_plan_execution_v1', { ...base, status: 'ok', duration_ms: Math.round(durationMs),
      rows_produced: rows, bytes_scanned: scanned, partition_count: partitions, repartition_count: partitions > 2 ? 1 : 0,
      explain_analyze_duration_ms: Math.round(durationMs * 0.9), explain_analyze_output_rows: rows }, vctx, { kind: 'artifact' });
    b.rep.event('engine_output_v1', { table_name: view.name, delta_location: path.join(b.dir, 'build', view.name),
      rows_written: rows, partition_count: partitions }, vctx, { kind: 'artifact' });
    b.tel.instruments.taskDuration.record(durationMs / 1000, { task_kind: 'view', status: 'ok' });
    b.tel.instruments.executeDuration.record(durationMs / 1000, { view_name: view.name });
    b.state.completed += 1;
    b.state.bytesRead += scanned;
    b.state.bytesWritten += rows * 64;
    return { view, rows, partitions, durationMs };
  } catch (err) {
    recordError(span, err);
    b.tel.instruments.taskDuration.record((performance.now() - t0) / 1000, { task_kind: 'view', status: 'error' });
    if (!err?.signal) {
      b.rep.event('datafusion_plan_execution_v1', { ...base, status: 'error', error: `${errorType(err)}: ${err?.message}`,
        duration_ms: Math.round(performance.now() - t0) }, vctx, { kind: 'artifact' });
    }
    throw err;
  } finally {
    b.state.active = 0;
    span.end();
  }
}

/** Waits (silently but for the heartbeat) until no input of view blocks, or gives up after --stall-seconds. */
async function waitForInputs(b, ctx, view) {
  const blocked = () => view.referenced_tables
    .map((n) => b.cfg.datasets.get(n))
    .filter(Boolean)
    .map((ds) => checkReadiness(b.dir, ds))
    .filter(blocks);
  let pending = blocked();
  if (pending.length === 0) return;
  const limitMs = b.opts.stallSeconds * 1000;
  const start = performance.now();
  b.state.blockers = pending.map((r) => r.dataset);
  b.rep.log('WARNING', 'codeanatomy.datafusion',
    `View ${view.name} waits for ${b.state.blockers.join(', ')} (${pending[0].reason}); giving up after ${b.opts.stallSeconds}s`, ctx);
  for (;;) {
    const left = limitMs - (performance.now() - start);
    if (left <= 0) {
      throw notReadyError(b.dir, view, pending[0].dataset, b.opts.stallSeconds, pending[0].reason);
    }
    await sleep(Math.min(POLL_MS, left), b.signal);
    pending = blocked();
    if (pending.length === 0) {
      b.state.blockers = [];
      b.rep.log('INFO', 'codeanatomy.datafusion', `Inputs of ${view.name} are ready`, ctx);
      return;
    }
  }
}
