// The one door into a run's store, bundle and forwarder: every request is redacted and cut
// to the capture limits first, checked against the run's caps, then persisted, forwarded and
// stored — all three see the same data. The receiver's requests take the IngestPipeline
// (pipeline.ts: the CPU work in a worker thread, the main thread only admits, appends and
// stores in short steps); requests decoded elsewhere (gRPC, default ports) and our own
// records take the synchronous path.
import type { LogRecord, TelemetryBatch } from '../../core/model.js';
import type { RunStore } from '../../core/store.js';
// Not the otlp barrel: the decoders load only when needed (the ingest worker decodes).
import { normalize } from '../../core/otlp/normalize.js';
import { logsToOtlp } from '../../core/otlp/to-otlp.js';
import { rejectionMessage } from '../../core/otlp/rejection.js';
import type { OtlpRequest, OtlpSignal } from '../../core/otlp/types.js';
import { Redactor, type RedactionConfig } from '../../core/safety/redact.js';
import { RunBudget, resolveLimits, type BudgetRoom, type CaptureLimits } from '../../core/safety/limits.js';
import { countItems, emptySanitizeStats, sanitizeRequest, type SanitizePolicy } from '../../core/safety/sanitize.js';
import type { BundleWriter } from '../../bundle/writer.js';
import type { Forwarder } from '../forward.js';
import { isRootSpanRequest, joinChunks, RequestPreparer, type PolicyStats, type RootSpanId } from './prepare.js';
import { IngestPipeline, type ExportOutcome, type HeadMessage, type PipelineSink, type RawExport } from './pipeline.js';
import type { Receiver } from '../../receiver/index.js';

const UNLIMITED = resolveLimits({}, true);

export class RunIngest implements PipelineSink {
  readonly redactor: Redactor;
  readonly limits: CaptureLimits;
  readonly policy: SanitizePolicy;
  private readonly stats = emptySanitizeStats();
  private readonly budget: RunBudget;
  private stdioBytes = 0;
  bundle: BundleWriter | undefined;
  forwarder: Forwarder | undefined;
  private root: RootSpanId | undefined;
  private readonly options: { redaction?: Partial<RedactionConfig>; limits?: Partial<CaptureLimits>; debug?: boolean };
  private readonly pipeline = new IngestPipeline(this);
  /** Prepares requests in-thread when there is no worker (its own stats). */
  private fallback: RequestPreparer | undefined;
  private fromWorker: PolicyStats | undefined;
  /** Where the pipeline's warnings go (the session's). */
  onWarning: (message: string) => void = () => {};

  /** Throws on a bad redaction pattern: before anything of the run exists. */
  constructor(
    private readonly store: RunStore,
    o: { redaction?: Partial<RedactionConfig>; limits?: Partial<CaptureLimits>; debug?: boolean },
  ) {
    this.limits = resolveLimits(o.limits, o.debug);
    this.redactor = new Redactor(o.redaction);
    this.policy = { redactor: this.redactor, limits: this.limits };
    this.budget = new RunBudget(this.limits);
    this.options = { redaction: o.redaction, limits: o.limits, debug: o.debug };
  }

  /** Our build.invocation span: redacted like everything, never cut or refused. */
  get rootSpan(): RootSpanId | undefined {
    return this.root;
  }

  set rootSpan(root: RootSpanId | undefined) {
    this.root = root;
    if (this.fallback) this.fallback.root = root;
    if (root) this.pipeline.setRoot(root);
  }

  /** The run's OTLP/HTTP receiver, whose requests take the pipeline (start it after the
   * forwarder is set, if any). */
  startReceiver(token: string): Promise<Receiver> {
    return this.pipeline.startReceiver(token, { options: this.options, withRequest: this.forwarder !== undefined });
  }

  get usesWorker(): boolean {
    return this.pipeline.usesWorker;
  }

  /** Resolves when every request the receiver took so far is stored (or refused). */
  settled(): Promise<void> {
    return this.pipeline.idle();
  }

  /** After the receivers closed: drain the pipeline and stop its worker. */
  close(): Promise<void> {
    return this.pipeline.close();
  }

  /** A decoded request from a receiver (the receiver's own normalization is redone on the
   * redacted request). */
  export(signal: OtlpSignal, request: OtlpRequest): void {
    const own = isRootSpanRequest(request, this.root);
    sanitizeRequest(request, own ? { redactor: this.redactor, limits: UNLIMITED } : this.policy, this.stats);
    if (!own && !this.budget.admit(countItems(request), this.bytesSoFar())) return;
    this.bundle?.appendRequest(request);
    this.forwarder?.submit(signal, request);
    this.store.ingest(normalize(signal, request));
  }

  // ---- PipelineSink: the pipeline's main-thread steps.

  admitPrepared(h: HeadMessage): boolean {
    if (!h.line) {
      // The worker skipped it: beyond the room left, so this refuses it (and counts it).
      this.budget.admit(h.counts, this.bytesSoFar());
      return false;
    }
    if (!h.own && !this.budget.admit(h.counts, this.bytesSoFar())) return false;
    this.keep(h.signal, h.line, h.request);
    return true;
  }

  room(): BudgetRoom {
    return this.budget.room(this.bytesSoFar());
  }

  storeItems(batch: TelemetryBatch): void {
    this.store.ingest(batch);
  }

  exportInThread(raw: RawExport): ExportOutcome {
    const p = this.preparer().prepare(raw.signal, raw.encoding, joinChunks(raw.chunks));
    const outcome = { rejectedItems: p.rejectedItems, message: rejectionMessage(p.rejectedItems, p.reasons) };
    if (!p.own && !this.budget.admit(p.counts, this.bytesSoFar())) return outcome;
    this.keep(p.signal, p.line!, p.request);
    this.store.ingest(normalize(p.signal, p.request));
    return outcome;
  }

  /** An admitted request's bundle line and forwarding. */
  private keep(signal: OtlpSignal, line: Uint8Array, request: OtlpRequest | undefined): void {
    this.bundle?.appendLine(line);
    if (this.forwarder && request) this.forwarder.submit(signal, request);
  }

  workerStats(stats: PolicyStats): void {
    this.fromWorker = stats;
  }

  warn(message: string): void {
    this.onWarning(message);
  }

  private preparer(): RequestPreparer {
    if (!this.fallback) {
      this.fallback = new RequestPreparer(this.options);
      this.fallback.root = this.root;
    }
    return this.fallback;
  }

  /** Records we produced ourselves. Stdio lines (already masked) count against the capture
   * limits (`capped`); monitor observations are small and always kept (stall diagnosis
   * needs them). */
  own(records: LogRecord[], capped = false): void {
    if (records.length === 0) return;
    if (capped && !this.budget.admit({ spans: 0, logs: records.length, metrics: 0 }, this.bytesSoFar())) return;
    const request = logsToOtlp(records);
    this.bundle?.appendRequest(request);
    this.forwarder?.submit('logs', request);
    this.store.ingest({ spans: [], logs: records, metrics: [] });
  }

  /** Raw (masked) output bytes for stdio.log, within the byte cap. */
  stdio(masked: Buffer): void {
    if (!this.bundle || this.bytesSoFar() >= this.limits.maxBytes) return;
    this.bundle.appendStdio(masked);
    this.stdioBytes += masked.length;
  }

  /** For telemetry imported from the build's own files. */
  sanitize(request: OtlpRequest): void {
    sanitizeRequest(request, this.policy, this.stats);
  }

  /** Counted, value-free notes on what the safety policy changed. */
  warnings(): string[] {
    const out: string[] = [];
    const r = { ...this.redactor.stats };
    const s = { ...this.stats };
    for (const x of [this.fromWorker, this.fallback?.stats]) {
      if (!x) continue;
      r.redactedKeys += x.redactedKeys;
      r.maskedValues += x.maskedValues;
      s.truncatedValues += x.truncatedValues;
      s.truncatedLists += x.truncatedLists;
      s.droppedAttributes += x.droppedAttributes;
    }
    if (r.redactedKeys + r.maskedValues > 0) {
      out.push(`redacted: ${r.redactedKeys} attribute values under secret-looking keys and ${r.maskedValues} secret-shaped values in text were replaced by [redacted]`);
    }
    if (s.truncatedValues + s.truncatedLists + s.droppedAttributes > 0) {
      out.push(
        `truncated: ${s.truncatedValues} long values, ${s.truncatedLists} long lists/maps and ${s.droppedAttributes} attributes over the count limit were cut at the capture limits (--debug lifts them)`,
      );
    }
    const b = this.budget.warning();
    if (b) out.push(b);
    return out;
  }

  private bytesSoFar(): number {
    return (this.bundle?.telemetryBytes ?? 0) + this.stdioBytes;
  }
}
