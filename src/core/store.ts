// RunStore: one run's telemetry in memory, bounded, indexed for the analyses and views.
// It never rejects a span whose parent has not arrived (orphans are normal: the real
// pipeline's stages each start their own trace) and drops duplicates by trace+span id
// (artifact imports may repeat what OTLP already delivered).
import type { LogRecord, MetricPoint, Span, TelemetryBatch } from './model.js';
import { SpanIndex, hashId } from './spanIndex.js';
import type { RecognizedEvent } from './events/index.js';
import { lazy } from './lazy.js';

// The event schemas are built on the first ingest, not when the store is created (a run
// starts its build before it receives anything).
const events = lazy(() => require('./events/recognize.js') as typeof import('./events/recognize.js'));

export interface StoreCaps {
  maxSpans: number;
  maxLogs: number;
  maxMetricPoints: number;
  maxEvents: number;
}

export const DEFAULT_CAPS: StoreCaps = {
  maxSpans: 250_000,
  maxLogs: 500_000,
  maxMetricPoints: 250_000,
  maxEvents: 250_000,
};

/** What one ingest added; listeners get exactly the new items. */
export interface IngestDelta {
  spans: Span[];
  logs: LogRecord[];
  metrics: MetricPoint[];
  events: RecognizedEvent[];
  /** Wall-clock time the data reached us (ms since epoch). */
  receivedAtMs: number;
}

export interface DroppedCounts {
  spans: number;
  logs: number;
  metrics: number;
  events: number;
  duplicateSpans: number;
}

export type IngestListener = (delta: IngestDelta) => void;

export function spanKey(traceId: string, spanId: string): string {
  return `${traceId}:${spanId}`;
}

export class RunStore {
  readonly spans: Span[] = [];
  readonly logs: LogRecord[] = [];
  readonly metrics: MetricPoint[] = [];
  readonly events: RecognizedEvent[] = [];
  readonly dropped: DroppedCounts = { spans: 0, logs: 0, metrics: 0, events: 0, duplicateSpans: 0 };
  /** Positions in `spans` by trace + span id, with no key string or map entry per span. */
  private readonly index = new SpanIndex(this.spans);
  private readonly logIndexBySpan = new Map<string, number[]>();
  private readonly listeners = new Set<IngestListener>();
  private readonly traceIds = new Set<string>();

  constructor(readonly caps: StoreCaps = DEFAULT_CAPS) {}

  /** Add a batch; returns the delta actually stored (after caps and de-duplication). */
  ingest(batch: TelemetryBatch, receivedAtMs: number = Date.now()): IngestDelta {
    const delta: IngestDelta = { spans: [], logs: [], metrics: [], events: [], receivedAtMs };
    const { recognizeLog, recognizeSpanEvents } = events();
    for (const span of batch.spans) {
      const h = hashId(span.spanId, span.traceId);
      if (this.index.findHashed(h, span.traceId, span.spanId) >= 0) {
        this.dropped.duplicateSpans++;
        continue;
      }
      if (this.spans.length >= this.caps.maxSpans) {
        this.dropped.spans++;
        continue;
      }
      this.spans.push(span);
      this.index.addHashed(this.spans.length - 1, h);
      this.traceIds.add(span.traceId);
      delta.spans.push(span);
      if (span.events.length > 0) for (const ev of recognizeSpanEvents(span)) this.addEvent(ev, delta);
    }
    for (const log of batch.logs) {
      if (this.logs.length >= this.caps.maxLogs) {
        this.dropped.logs++;
        continue;
      }
      const index = this.logs.length;
      this.logs.push(log);
      delta.logs.push(log);
      if (log.traceId && log.spanId) {
        const key = spanKey(log.traceId, log.spanId);
        const list = this.logIndexBySpan.get(key);
        if (list) list.push(index);
        else this.logIndexBySpan.set(key, [index]);
      }
      const ev = recognizeLog(log);
      if (ev) this.addEvent(ev, delta);
    }
    for (const point of batch.metrics) {
      if (this.metrics.length >= this.caps.maxMetricPoints) {
        this.dropped.metrics++;
        continue;
      }
      this.metrics.push(point);
      delta.metrics.push(point);
    }
    if (delta.spans.length + delta.logs.length + delta.metrics.length + delta.events.length > 0) {
      for (const l of this.listeners) l(delta);
    }
    return delta;
  }

  private addEvent(ev: RecognizedEvent, delta: IngestDelta): void {
    // A pipeline event is often sent twice: as a log record and as a span event on the
    // current span. Keep both (they may differ in payload), the analyses de-duplicate.
    if (this.events.length >= this.caps.maxEvents) {
      this.dropped.events++;
      return;
    }
    this.events.push(ev);
    delta.events.push(ev);
  }

  onIngest(listener: IngestListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  span(traceId: string, spanId: string): Span | undefined {
    const i = this.index.find(traceId, spanId);
    return i < 0 ? undefined : this.spans[i];
  }

  logsOfSpan(traceId: string, spanId: string): LogRecord[] {
    const idx = this.logIndexBySpan.get(spanKey(traceId, spanId));
    return idx ? idx.map((i) => this.logs[i]!) : [];
  }

  traces(): string[] {
    return [...this.traceIds];
  }

  truncated(): boolean {
    const d = this.dropped;
    return d.spans + d.logs + d.metrics + d.events > 0;
  }
}
