// The one door into a run's store, bundle and forwarder: every request is redacted and cut
// to the capture limits first, checked against the run's caps, then persisted, forwarded and
// stored — all three see the same data.
import type { LogRecord } from '../../core/model.js';
import type { RunStore } from '../../core/store.js';
import { logsToOtlp, normalize, type OtlpRequest, type OtlpSignal } from '../../core/otlp/index.js';
import { Redactor, type RedactionConfig } from '../../core/safety/redact.js';
import { RunBudget, resolveLimits, type CaptureLimits } from '../../core/safety/limits.js';
import { countItems, emptySanitizeStats, sanitizeRequest, type SanitizePolicy } from '../../core/safety/sanitize.js';
import type { BundleWriter } from '../../bundle/writer.js';
import type { Forwarder } from '../forward.js';

const UNLIMITED = resolveLimits({}, true);

export class RunIngest {
  readonly redactor: Redactor;
  readonly limits: CaptureLimits;
  readonly policy: SanitizePolicy;
  private readonly stats = emptySanitizeStats();
  private readonly budget: RunBudget;
  private stdioBytes = 0;
  bundle: BundleWriter | undefined;
  forwarder: Forwarder | undefined;
  /** Our build.invocation span: redacted like everything, never cut or refused. */
  rootSpan: { traceId: string; spanId: string } | undefined;

  /** Throws on a bad redaction pattern: before anything of the run exists. */
  constructor(
    private readonly store: RunStore,
    o: { redaction?: Partial<RedactionConfig>; limits?: Partial<CaptureLimits>; debug?: boolean },
  ) {
    this.limits = resolveLimits(o.limits, o.debug);
    this.redactor = new Redactor(o.redaction);
    this.policy = { redactor: this.redactor, limits: this.limits };
    this.budget = new RunBudget(this.limits);
  }

  /** A request from a receiver (the receiver's own normalization is redone on the redacted
   * request). */
  export(signal: OtlpSignal, request: OtlpRequest): void {
    const own = this.isRootSpan(request);
    sanitizeRequest(request, own ? { redactor: this.redactor, limits: UNLIMITED } : this.policy, this.stats);
    if (!own && !this.budget.admit(countItems(request), this.bytesSoFar())) return;
    this.bundle?.appendRequest(request);
    this.forwarder?.submit(signal, request);
    this.store.ingest(normalize(signal, request));
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
    const r = this.redactor.stats;
    const s = this.stats;
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

  // The root span is exported alone (SimpleSpanProcessor), so a one-span request.
  private isRootSpan(req: OtlpRequest): boolean {
    const root = this.rootSpan;
    if (!root) return false;
    const spans = (req.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []));
    return spans.length === 1 && spans[0]!.spanId === root.spanId && spans[0]!.traceId === root.traceId;
  }
}
