// The per-request CPU work of ingest, in one place so that the ingest worker
// (ingest-worker.ts) and the in-thread fallback do exactly the same: decode the body,
// apply the safety policy (redaction and per-item capture limits), count the items for the
// run's caps and serialize the bundle's `telemetry.otlp.jsonl` line. Normalizing into the
// model comes later, only for a request the run's caps admitted, in slices (`nextSlice`).
import type { TelemetryBatch } from '../../core/model.js';
import type { OtlpRequest, OtlpSignal } from '../../core/otlp/types.js';
import { lazy } from '../../core/lazy.js';
import { Redactor, type RedactionConfig } from '../../core/safety/redact.js';
import { resolveLimits, type CaptureLimits, type ItemCounts } from '../../core/safety/limits.js';
import { countItems, emptySanitizeStats, sanitizeRequest, type SanitizePolicy, type SanitizeStats } from '../../core/safety/sanitize.js';

const UNLIMITED = resolveLimits({}, true);
const toUtf8 = new TextEncoder();

// Loaded by the first request, not with the session: the CLI's main thread only decodes
// when the ingest worker cannot run.
const codec = lazy(() => require('../../core/otlp/decodeBody.js') as typeof import('../../core/otlp/decodeBody.js'));

export interface RootSpanId {
  traceId: string;
  spanId: string;
}

/** What the safety policy changed so far (cumulative, per preparer). */
export interface PolicyStats extends SanitizeStats {
  redactedKeys: number;
  maskedValues: number;
}

export interface PreparedRequest {
  signal: OtlpSignal;
  /** Canonical OTLP/JSON after the safety policy, without the rejected items. */
  request: OtlpRequest;
  counts: ItemCounts;
  /** Our own build.invocation span: never cut or refused. */
  own: boolean;
  /** The bundle line (UTF-8, ends with a newline); absent when `skip` said the request
   * will be refused (then the safety policy was not applied either). */
  line?: Uint8Array;
  /** Items dropped for bad ids, and the first few reasons (partial success). */
  rejectedItems: number;
  reasons: string[];
}

/** A body's chunks as one buffer. */
export function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** The root span is exported alone (SimpleSpanProcessor), so a one-span request. */
export function isRootSpanRequest(req: OtlpRequest, root: RootSpanId | undefined): boolean {
  if (!root) return false;
  let only: { traceId: string; spanId: string } | undefined;
  let n = 0;
  for (const rs of req.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        if (++n > 1) return false;
        only = s;
      }
    }
  }
  return only !== undefined && only.spanId === root.spanId && only.traceId === root.traceId;
}

export class RequestPreparer {
  root: RootSpanId | undefined;
  private readonly redactor: Redactor;
  private readonly policy: SanitizePolicy;
  private readonly ownPolicy: SanitizePolicy;
  private readonly sanitizeStats = emptySanitizeStats();

  constructor(o: { redaction?: Partial<RedactionConfig>; limits?: Partial<CaptureLimits>; debug?: boolean }) {
    this.redactor = new Redactor(o.redaction);
    this.policy = { redactor: this.redactor, limits: resolveLimits(o.limits, o.debug) };
    this.ownPolicy = { redactor: this.redactor, limits: UNLIMITED };
  }

  get stats(): PolicyStats {
    return { ...this.sanitizeStats, ...this.redactor.stats };
  }

  /** Throws OtlpDecodeError for a body that does not decode (the receiver answers 400).
   * `skip`: the request is certain to be refused at the run's caps, stop after counting. */
  prepare(
    signal: OtlpSignal,
    encoding: 'protobuf' | 'json',
    body: Uint8Array,
    skip?: (counts: ItemCounts, own: boolean) => boolean,
  ): PreparedRequest {
    const { request, rejectedItems, reasons } = codec().decodeBody(signal, encoding, body);
    const own = signal === 'traces' && isRootSpanRequest(request, this.root);
    const counts = countItems(request);
    if (skip?.(counts, own)) return { signal, request, counts, own, rejectedItems, reasons };
    sanitizeRequest(request, own ? this.ownPolicy : this.policy, this.sanitizeStats);
    const line = toUtf8.encode(JSON.stringify(request) + '\n');
    return { signal, request, counts, own, line, rejectedItems, reasons };
  }
}


/** Where the next slice of a batch starts: spans, then log records, then metric points. */
export interface SliceCursor {
  spans: number;
  logs: number;
  metrics: number;
}

/** The next slice of `batch` after `at` (advanced): at most `max` items, of one kind. */
export function nextSlice(batch: TelemetryBatch, at: SliceCursor, max: number): { slice: TelemetryBatch; last: boolean } {
  const slice: TelemetryBatch = { spans: [], logs: [], metrics: [] };
  if (at.spans < batch.spans.length) {
    slice.spans = batch.spans.slice(at.spans, at.spans + max);
    at.spans += slice.spans.length;
  } else if (at.logs < batch.logs.length) {
    slice.logs = batch.logs.slice(at.logs, at.logs + max);
    at.logs += slice.logs.length;
  } else if (at.metrics < batch.metrics.length) {
    slice.metrics = batch.metrics.slice(at.metrics, at.metrics + max);
    at.metrics += slice.metrics.length;
  }
  const last = at.spans >= batch.spans.length && at.logs >= batch.logs.length && at.metrics >= batch.metrics.length;
  return { slice, last };
}
