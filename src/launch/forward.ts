// Forwarding a run's telemetry to an OTLP backend the team already runs (an OpenTelemetry
// Collector, Jaeger, Grafana Tempo, a vendor): everything the run's receiver accepted plus
// our own records, after redaction — exactly what the bundle holds.
//
// Transport: the official OTLP/HTTP export machinery of the OpenTelemetry JS SDK
// (`@opentelemetry/otlp-exporter-base`, the engine behind OTLPTraceExporter & co.): HTTP
// agent, timeouts, gzip, and retry with exponential backoff and jitter on retryable statuses
// (429/502/503/504, Retry-After) and network errors. It is fed our canonical OTLP requests
// through a serializer of our own, so nothing is converted back into SDK objects.
//
// Around it: a bounded queue (counted in telemetry items) drained by a timer into batches,
// at most `CONCURRENCY` exports in flight. When the backend is slow or down the queue fills
// and new data is dropped and counted — `submit` never blocks or throws, so the build and
// the local diagnostics never wait for the backend.
import { ExportResultCode } from '@opentelemetry/core';
import { createOtlpHttpExportDelegate, httpAgentFactoryFromOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import type { IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import { encodeProtobuf, type OtlpRequest, type OtlpSignal } from '../core/otlp/index.js';
import { countItems } from '../core/safety/sanitize.js';
import type { ForwardSettings } from '../core/config/settings.js';

export type ForwardOptions = Pick<ForwardSettings, 'endpoint'> & Partial<Omit<ForwardSettings, 'endpoint'>>;

export interface ForwardStats {
  /** Items (spans + log records + metric points) handed to the backend successfully. */
  sentItems: number;
  sentRequests: number;
  /** Items whose export failed after the retries. */
  failedItems: number;
  /** Items dropped because the queue was full. */
  droppedItems: number;
  /** Items still queued or in flight (e.g. at a flush deadline). */
  pendingItems: number;
  /** First export error, value-free (status or error code). */
  lastError?: string;
}

const CONCURRENCY = 2;
const DOWN_AFTER_MS = 1500;
/** Items per export request: large enough to be efficient, small enough for any backend. */
const MAX_BATCH_ITEMS = 4096;
const SIGNALS: OtlpSignal[] = ['traces', 'logs', 'metrics'];
const PATHS: Record<OtlpSignal, string> = { traces: 'v1/traces', logs: 'v1/logs', metrics: 'v1/metrics' };
const LIST_KEY = { traces: 'resourceSpans', logs: 'resourceLogs', metrics: 'resourceMetrics' } as const;
const utf8 = new TextEncoder();

interface Queued {
  req: OtlpRequest;
  items: number;
}

/** The backend's base URL without a trailing signal path, e.g. http://collector:4318. */
export function forwardBaseUrl(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(/\/v1\/(traces|logs|metrics)$/, '');
}

function itemsOf(req: OtlpRequest): number {
  const c = countItems(req);
  return c.spans + c.logs + c.metrics;
}

/** Concatenates requests of one signal into one (OTLP requests are lists of resources). */
function merge(signal: OtlpSignal, reqs: OtlpRequest[]): OtlpRequest {
  const key = LIST_KEY[signal];
  const list: unknown[] = [];
  for (const r of reqs) list.push(...((r[key] as unknown[] | undefined) ?? []));
  return { [key]: list } as OtlpRequest;
}

export class Forwarder {
  private readonly delegates = new Map<OtlpSignal, IOtlpExportDelegate<OtlpRequest>>();
  private readonly queues: Record<OtlpSignal, Queued[]> = { traces: [], logs: [], metrics: [] };
  private queuedItems = 0;
  private inflight = 0;
  private inflightItems = 0;
  private readonly settled = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastFailed = false;
  /** When the first export started: a backend that has not answered one export in a while
   * is treated as down at flush time. */
  private firstSendAt: number | undefined;
  private warnedDrop = false;
  private warnedFail = false;
  private readonly s: ForwardStats = { sentItems: 0, sentRequests: 0, failedItems: 0, droppedItems: 0, pendingItems: 0 };
  private readonly maxQueueItems: number;
  readonly url: string;

  constructor(
    opts: ForwardOptions,
    private readonly onWarning: (message: string) => void = () => {},
  ) {
    const protocol = opts.protocol ?? 'http/protobuf';
    this.maxQueueItems = opts.maxQueueItems ?? 50_000;
    this.url = forwardBaseUrl(opts.endpoint);
    const headers = { ...(opts.headers ?? {}), 'Content-Type': protocol === 'http/json' ? 'application/json' : 'application/x-protobuf' };
    for (const signal of SIGNALS) {
      const serializer = {
        serializeRequest: (req: OtlpRequest): Uint8Array | undefined =>
          protocol === 'http/json' ? utf8.encode(JSON.stringify(req)) : encodeProtobuf(signal, req),
        // The response only matters for partial success, which the SDK merely logs.
        deserializeResponse: (): Record<string, never> => ({}),
      };
      const delegate = createOtlpHttpExportDelegate(
        {
          url: `${this.url}/${PATHS[signal]}`,
          headers: async () => headers,
          agentFactory: httpAgentFactoryFromOptions({ keepAlive: true }),
          compression: opts.compression ?? 'none',
          timeoutMillis: opts.timeoutMs ?? 10_000,
          concurrencyLimit: CONCURRENCY,
        },
        serializer,
        'build_diagnostics_forwarder',
        { name: signal === 'traces' ? 'span' : signal === 'logs' ? 'log' : 'metric_data_point', countItems: itemsOf },
        undefined,
      );
      this.delegates.set(signal, delegate);
    }
    this.timer = setInterval(() => this.pump(), Math.max(50, opts.batchDelayMs ?? 1000));
    this.timer.unref();
  }

  /** Queue a request (already redacted). Never blocks, never throws. */
  submit(signal: OtlpSignal, req: OtlpRequest): void {
    if (this.closed) return;
    const items = itemsOf(req);
    if (items === 0) return;
    if (this.queuedItems + items > this.maxQueueItems) {
      this.s.droppedItems += items;
      if (!this.warnedDrop) {
        this.warnedDrop = true;
        this.onWarning(`forwarding to ${this.url}: the backend is not keeping up, the queue is full (${this.maxQueueItems} items); telemetry is being dropped for it (the local diagnostics keep everything)`);
      }
      return;
    }
    this.queues[signal].push({ req, items });
    this.queuedItems += items;
  }

  /** Starts exports for queued telemetry, up to the concurrency limit. */
  private pump(): void {
    for (const signal of SIGNALS) {
      const q = this.queues[signal];
      while (q.length > 0 && this.inflight < CONCURRENCY) {
        const batch: OtlpRequest[] = [];
        let items = 0;
        while (q.length > 0 && (batch.length === 0 || items + q[0]!.items <= MAX_BATCH_ITEMS)) {
          const next = q.shift()!;
          batch.push(next.req);
          items += next.items;
        }
        this.queuedItems -= items;
        this.send(signal, merge(signal, batch), items);
      }
    }
  }

  private send(signal: OtlpSignal, req: OtlpRequest, items: number): void {
    this.firstSendAt ??= Date.now();
    this.inflight++;
    this.inflightItems += items;
    const done = (ok: boolean, error?: unknown): void => {
      this.inflight--;
      this.inflightItems -= items;
      this.lastFailed = !ok;
      if (ok) {
        this.s.sentItems += items;
        this.s.sentRequests++;
      } else {
        this.s.failedItems += items;
        this.s.lastError ??= describeError(error);
        if (!this.warnedFail) {
          this.warnedFail = true;
          this.onWarning(`forwarding to ${this.url} failed (${describeError(error)}); retried with backoff, later batches are still attempted`);
        }
      }
      for (const f of [...this.settled]) f();
    };
    try {
      this.delegates.get(signal)!.export(req, (r) => done(r.code === ExportResultCode.SUCCESS, r.error));
    } catch (e) {
      done(false, e);
    }
  }

  stats(): ForwardStats {
    return { ...this.s, pendingItems: this.queuedItems + this.inflightItems };
  }

  /** Sends everything queued and waits for it, at most `timeoutMs`. When the last export
   * failed (backend down), it waits at most a short moment: retries would only delay the
   * caller. */
  async flush(timeoutMs: number): Promise<ForwardStats> {
    const deadline = Date.now() + timeoutMs;
    while (this.queuedItems + this.inflight > 0) {
      this.pump();
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (this.looksDown()) break;
      // In slices, so that a backend found down meanwhile stops the wait.
      await this.waitSettled(Math.min(left, 250));
    }
    return this.stats();
  }

  /** Nothing delivered yet, and either the last export failed or the first has been
   * retrying for over a second (a connection refused is retried with backoff until the
   * export timeout): waiting longer would only delay the caller. */
  private looksDown(): boolean {
    if (this.s.sentRequests > 0) return false;
    return this.lastFailed || (this.firstSendAt !== undefined && Date.now() - this.firstSendAt > DOWN_AFTER_MS);
  }

  private waitSettled(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(finish, ms);
      t.unref();
      const self = this;
      function finish(): void {
        clearTimeout(t);
        self.settled.delete(finish);
        resolve();
      }
      this.settled.add(finish);
    });
  }

  /** Flushes (bounded), then stops: queued items left are counted as pending. */
  async shutdown(timeoutMs: number): Promise<ForwardStats> {
    const stats = await this.flush(timeoutMs);
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // Do not await the delegates' shutdown: it waits for in-flight retries.
    for (const d of this.delegates.values()) void d.shutdown().catch(() => {});
    return stats;
  }
}

/** A short, value-free description: an HTTP status or an error code, never a body. */
function describeError(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof o.code === 'number') return `HTTP ${o.code}`;
    if (typeof o.code === 'string') return o.code;
    if (typeof o.message === 'string') return o.message.slice(0, 120);
  }
  return 'unknown error';
}
