import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { executionMetricsSection } from '../../src/core/analysis/metrics.js';
import { RunStore } from '../../src/core/store.js';
import { T0_MS, eventLog, gaugePoint, histogramPoint, mkSpan, spanEvent, storeWith, sumPoint } from './helpers/telemetry.js';

const T = { timeout: 30_000 };
const TR = 'abcdef0123456789abcdef0123456789';
const SP = '0123456789abcdef';

describe('plan executions', () => {
  test('log + span-event copies are one execution, joined to the span by trace_id/span_id', T, () => {
    const payload = { plan_hash: 'p1', view_name: 'cpg_nodes', status: 'ok', trace_id: TR, span_id: SP, rows_produced: 120, bytes_scanned: '4096', partition_count: 4 };
    const span = mkSpan({
      name: 'datafusion.execute', traceId: TR, spanId: SP, startMs: T0_MS, endMs: T0_MS + 1500,
      attributes: { view_name: 'cpg_nodes' }, events: [spanEvent('datafusion_plan_execution_v1', payload, T0_MS + 1400)],
    });
    const store = storeWith({ spans: [span], logs: [eventLog('datafusion_plan_execution_v1', payload, { atMs: T0_MS + 1400, traceId: TR, spanId: SP })] });
    const m = executionMetricsSection(store);
    assert.equal(m.plans.length, 1);
    assert.deepEqual(m.plans[0], {
      planHash: 'p1', viewName: 'cpg_nodes', rowsProduced: 120, bytesScanned: 4096, partitionCount: 4,
      durationMs: 1500, status: 'ok', traceId: TR, spanId: SP,
    });
    assert.deepEqual({ ...m.totals, engine: undefined }, { plans: 1, rowsProduced: 120, bytesScanned: 4096, partitionCount: 4, durationMs: 1500, engine: undefined });
  });

  test('without ids the view name finds the datafusion.execute span; redacted values are null', T, () => {
    const span = mkSpan({ name: 'datafusion.execute', traceId: TR, spanId: SP, startMs: T0_MS, endMs: T0_MS + 250, attributes: { view_name: 'cpg_edges' }, error: 'boom' });
    const store = storeWith({
      spans: [span],
      logs: [eventLog('datafusion_plan_execution_v1', { plan_hash: 'p2', view_name: 'cpg_edges', rows_produced: '[redacted]', duration_ms: 30 })],
    });
    const [p] = executionMetricsSection(store).plans;
    assert.equal(p!.traceId, TR);
    assert.equal(p!.spanId, SP);
    assert.equal(p!.durationMs, 30, 'the event’s own duration wins');
    assert.equal(p!.status, 'error', 'status from the span when the event has none');
    assert.equal(p!.rowsProduced, null);
  });

  test('engine_execution_summary_v1: distinct summaries add up, copies do not', T, () => {
    const a = { spec_hash: 's', envelope_hash: 'e1', output_rows: 10, total_rows_written: 10, warning_codes: ['W1', 'W2'] };
    const b = { spec_hash: 's', envelope_hash: 'e2', output_rows: 5, total_rows_written: 5, warning_codes: '[redacted]' };
    const store = storeWith({ logs: [eventLog('engine_execution_summary_v1', a), eventLog('engine_execution_summary_v1', a), eventLog('engine_execution_summary_v1', b, { atMs: T0_MS + 1 })] });
    const engine = executionMetricsSection(store).totals.engine!;
    assert.equal(engine['output_rows'], 15);
    assert.equal(engine['total_rows_written'], 15);
    assert.equal(engine['envelope_hash'], 'e2');
    assert.equal(engine['warning_codes'], '[redacted]');
    assert.deepEqual(Object.keys(engine), [...Object.keys(engine)].sort());
    assert.equal(executionMetricsSection(storeWith({})).totals.engine, null);
  });
});

describe('metric points', () => {
  test('latest gauge, cumulative sums per process added, delta sums accumulated, histogram count/sum', T, () => {
    const store = new RunStore();
    store.ingest({
      spans: [], logs: [],
      metrics: [
        gaugePoint('codeanatomy.dataset.rows', 10, { atMs: T0_MS, attributes: { dataset: 'ast' } }),
        gaugePoint('codeanatomy.dataset.rows', 30, { atMs: T0_MS + 2000, attributes: { dataset: 'ast' } }),
        gaugePoint('codeanatomy.dataset.rows', 20, { atMs: T0_MS + 1000, attributes: { dataset: 'ast' } }),
        sumPoint('codeanatomy.error.count', 1, { atMs: T0_MS, instance: 'w1', attributes: { stage: 'extraction' } }),
        sumPoint('codeanatomy.error.count', 2, { atMs: T0_MS + 1000, instance: 'w1', attributes: { stage: 'extraction' } }),
        sumPoint('codeanatomy.error.count', 5, { atMs: T0_MS + 500, instance: 'w2', attributes: { stage: 'extraction' } }),
        sumPoint('codeanatomy.storage.operation.count', 3, { temporality: 1 }),
        sumPoint('codeanatomy.storage.operation.count', 4, { temporality: 1, atMs: T0_MS + 10 }),
        histogramPoint('codeanatomy.stage.duration', 2, 7.5, { attributes: { stage: 'extraction', status: 'ok' } }),
      ],
    });
    const pts = executionMetricsSection(store).metricPoints;
    const find = (name: string, kind: string) => pts.find((p) => p.name === name && p.kind === kind);
    assert.equal(find('codeanatomy.dataset.rows', 'gauge')!.value, 30);
    assert.equal(find('codeanatomy.dataset.rows', 'gauge')!.at, '2026-02-14T10:00:02.000Z');
    assert.deepEqual(find('codeanatomy.dataset.rows', 'gauge')!.attributes, { dataset: 'ast' });
    assert.equal(find('codeanatomy.error.count', 'sum')!.value, 7);
    assert.equal(find('codeanatomy.storage.operation.count', 'sum')!.value, 7);
    assert.equal(find('codeanatomy.stage.duration', 'histogram_count')!.value, 2);
    assert.equal(find('codeanatomy.stage.duration', 'histogram_sum')!.value, 7.5);
    assert.deepEqual(pts.map((p) => p.name), [...pts.map((p) => p.name)].sort());
  });
});
