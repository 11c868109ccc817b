// Fixture builders for analysis tests: LogRecords, Spans and stores shaped the way the real
// pipeline sends them (codeanatomy-telemetry.md §3: events as INFO log records on scope
// `codeanatomy.diagnostics` with body/eventName = the event name, nested lists and maps as
// JSON strings, plus an optional span-event copy). Shared by all test/unit/analysis-* files:
// extend, do not replace.
import type { AttrValue, Attributes, LogRecord, Resource, Scope, Span, SpanEvent } from '../../../src/core/model.js';
import { RunStore } from '../../../src/core/store.js';

export const PIPELINE_RESOURCE: Resource = { attributes: { 'service.name': 'codeanatomy', 'service.version': '0.1.0' } };
export const DIAG_SCOPE: Scope = { name: 'codeanatomy.diagnostics' };
export const PIPELINE_SCOPE: Scope = { name: 'codeanatomy.pipeline' };

/** Base time of fixtures: 2026-02-14T10:00:00Z. */
export const T0_MS = Date.UTC(2026, 1, 14, 10, 0, 0);
export const nsAt = (ms: number): bigint => BigInt(Math.round(ms)) * 1_000_000n;

let idCounter = 1;
/** Deterministic-looking hex ids, unique per test process. */
export function hexId(bytes: 8 | 16): string {
  return (idCounter++).toString(16).padStart(bytes * 2, '0');
}

/** The pipeline's payload encoding: lists/objects become JSON strings. */
export function wirePayload(payload: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined) continue;
    if (Array.isArray(v) || (typeof v === 'object' && v !== null)) out[k] = JSON.stringify(v);
    else out[k] = v as AttrValue;
  }
  return out;
}

export interface EventOpts {
  atMs?: number;
  traceId?: string;
  spanId?: string;
  scope?: Scope;
  resource?: Resource;
  /** Keep lists as native arrays instead of JSON strings. */
  native?: boolean;
}

/** A pipeline event as an OTel log record. */
export function eventLog(name: string, payload: Record<string, unknown>, o: EventOpts = {}): LogRecord {
  const ns = nsAt(o.atMs ?? T0_MS);
  const attrs = o.native ? (payload as Attributes) : wirePayload(payload);
  return {
    timeNs: ns,
    observedTimeNs: ns,
    severityNumber: 9,
    severityText: 'INFO',
    body: name,
    attributes: { 'event.name': name, 'event.kind': 'event', ...attrs },
    eventName: name,
    ...(o.traceId ? { traceId: o.traceId } : {}),
    ...(o.spanId ? { spanId: o.spanId } : {}),
    resource: o.resource ?? PIPELINE_RESOURCE,
    scope: o.scope ?? DIAG_SCOPE,
    source: 'otlp',
  };
}

/** A plain log line (not an event). */
export function logLine(body: string, attributes: Attributes = {}, atMs = T0_MS, severityNumber = 9): LogRecord {
  const ns = nsAt(atMs);
  return {
    timeNs: ns,
    observedTimeNs: ns,
    severityNumber,
    body,
    attributes,
    resource: PIPELINE_RESOURCE,
    scope: { name: 'codeanatomy.execution' },
    source: 'otlp',
  };
}

export interface SpanOpts {
  name: string;
  startMs?: number;
  endMs?: number;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  attributes?: Attributes;
  error?: string;
  events?: SpanEvent[];
  scope?: Scope;
}

export function mkSpan(o: SpanOpts): Span {
  const start = o.startMs ?? T0_MS;
  return {
    traceId: o.traceId ?? hexId(16),
    spanId: o.spanId ?? hexId(8),
    ...(o.parentSpanId ? { parentSpanId: o.parentSpanId } : {}),
    name: o.name,
    kind: 1,
    startNs: nsAt(start),
    endNs: nsAt(o.endMs ?? start + 100),
    status: o.error !== undefined ? { code: 2, message: o.error } : { code: 0 },
    attributes: o.attributes ?? {},
    events: o.events ?? [],
    links: [],
    resource: PIPELINE_RESOURCE,
    scope: o.scope ?? PIPELINE_SCOPE,
  };
}

/** A span event copy of a pipeline event. */
export function spanEvent(name: string, payload: Record<string, unknown>, atMs = T0_MS): SpanEvent {
  return { timeNs: nsAt(atMs), name, attributes: { 'event.name': name, 'event.kind': 'event', ...wirePayload(payload) } };
}

export function storeWith(input: { logs?: LogRecord[]; spans?: Span[] }): RunStore {
  const store = new RunStore();
  store.ingest({ spans: input.spans ?? [], logs: input.logs ?? [], metrics: [] });
  return store;
}

// ---- Added for the timing/metrics/problems/report tests (extend below, do not replace). ----

export const STDIO_RESOURCE: Resource = { attributes: { 'service.name': 'build-diagnostics' } };

/** Lines the child printed on stderr, as the launcher records them (one record per line). */
export function stderrLines(text: string, atMs = T0_MS): LogRecord[] {
  return text.split('\n').map((line) => {
    const ns = nsAt(atMs);
    return {
      timeNs: ns,
      observedTimeNs: ns,
      severityNumber: 0,
      body: line,
      attributes: { 'log.iostream': 'stderr' },
      resource: STDIO_RESOURCE,
      scope: { name: 'build-diagnostics.stdio' },
      source: 'stderr' as const,
    };
  });
}

export interface MetricOpts {
  atMs?: number;
  attributes?: Attributes;
  instance?: string;
  temporality?: number;
}

function metricResource(instance?: string): Resource {
  return instance ? { attributes: { ...PIPELINE_RESOURCE.attributes, 'service.instance.id': instance } } : PIPELINE_RESOURCE;
}

export function gaugePoint(name: string, value: number, o: MetricOpts = {}): import('../../../src/core/model.js').NumberPoint {
  return { name, kind: 'gauge', value, timeNs: nsAt(o.atMs ?? T0_MS), attributes: o.attributes ?? {}, resource: metricResource(o.instance), scope: { name: 'codeanatomy.obs' } };
}

export function sumPoint(name: string, value: number, o: MetricOpts = {}): import('../../../src/core/model.js').NumberPoint {
  return { name, kind: 'sum', value, isMonotonic: true, temporality: o.temporality ?? 2, timeNs: nsAt(o.atMs ?? T0_MS), attributes: o.attributes ?? {}, resource: metricResource(o.instance), scope: { name: 'codeanatomy.obs' } };
}

export function histogramPoint(name: string, count: number, sum: number, o: MetricOpts = {}): import('../../../src/core/model.js').HistogramPoint {
  return { name, kind: 'histogram', count, sum, bucketCounts: [count], explicitBounds: [], temporality: o.temporality ?? 2, timeNs: nsAt(o.atMs ?? T0_MS), attributes: o.attributes ?? {}, resource: metricResource(o.instance), scope: { name: 'codeanatomy.obs' } };
}

/** A finished run.json for report tests. */
export function runInfo(over: Partial<import('../../../src/core/run.js').RunInfo> = {}): import('../../../src/core/run.js').RunInfo {
  return {
    schema: 'build-diagnostics/run@1',
    runId: '0195f3a0-0000-7000-8000-000000000001',
    command: 'codeanatomy',
    tokenCount: 3,
    cwd: '/work/repo',
    startedAt: new Date(T0_MS).toISOString(),
    endedAt: new Date(T0_MS + 60_000).toISOString(),
    durationMs: 60_000,
    exitCode: 0,
    signal: null,
    reportedExitCode: null,
    outcome: 'success',
    errorType: null,
    traceId: 'f'.repeat(32),
    ...over,
  };
}
