// The `build.invocation` root span: the parent of everything the build exports (the child
// gets its context through TRACEPARENT), recorded with the OpenTelemetry JS SDK. The session
// takes it in-process (`deliver`: the SDK's own OTLP protobuf serializer, then the same
// decode and ingest as a received request), so the end of a run waits for no HTTP round
// trip; with an `endpoint` it is exported over OTLP/HTTP instead.
//
// Privacy rule: only the command's base name and the number of tokens are recorded — never
// argument values or environment values (they may hold secrets).
// Attribute names: OTel semantic conventions, CICD (cicd.pipeline.*) and process
// (process.*): https://opentelemetry.io/docs/specs/semconv/registry/attributes/cicd/ and
// https://opentelemetry.io/docs/specs/semconv/registry/attributes/process/

import { basename } from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Span as ApiSpan } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { traceparentOf, type RootSpanIds } from './rootIds.js';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  RandomIdGenerator,
  SimpleSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

export { rootSpanIds, traceparentOf, type RootSpanIds } from './rootIds.js';

export const ROOT_SPAN_NAME = 'build.invocation';
export const SERVICE_NAME = 'build-diagnostics';

export interface RootSpanOptions {
  /** Receiver base URL, e.g. http://127.0.0.1:PORT (when there is no `deliver`). */
  endpoint?: string;
  token?: string;
  /** Takes the span's OTLP/protobuf export request body in-process instead of an HTTP export.
   * May throw: the span is then lost and `end()` still resolves. */
  deliver?: (body: Uint8Array) => void;
  runId: string;
  /** The command's first token; reduced to its base name here in any case. */
  command: string;
  tokenCount: number;
  serviceVersion: string;
  cwd?: string;
  /** Extra resource attributes (e.g. from a declarative configuration file); the service
   * identity keys are always ours. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /** The span's ids, when they were handed out before the span exists (`rootSpanIds`): the
   * session starts the build first and loads the SDK while it boots. */
  ids?: RootSpanIds;
  /** Start time (ms since the epoch, fractional), when the span is created after the fact. */
  startTimeMs?: number;
}


export type RunOutcome = 'success' | 'failure' | 'cancelled';

export interface RootSpanEnd {
  outcome: RunOutcome;
  exitCode: number | null;
  signal: string | null;
  reportedExitCode: number | null;
  /** A low-cardinality error class (e.g. `ExecutionError`, `exit_code`); never a message. */
  errorType?: string;
}

export interface RootSpanHandle {
  traceId: string;
  spanId: string;
  /** W3C traceparent of the root span, sampled: what the child gets as TRACEPARENT. */
  traceparent: string;
  /** Records the child's pid once it is known. */
  setPid(pid: number): void;
  /** Sets the result attributes and status, ends the span, flushes it to the receiver and
   * shuts the provider down. Idempotent; export failures are swallowed (the run still
   * finalizes), the export is bounded by a 5 s timeout. */
  end(r: RootSpanEnd): Promise<void>;
}

/** Hands out the given ids once, random ones after (the root span is the only span). */
function presetIds(ids: RootSpanIds): IdGenerator {
  const random = new RandomIdGenerator();
  let trace: string | undefined = ids.traceId;
  let span: string | undefined = ids.spanId;
  return {
    generateTraceId: () => {
      const t = trace ?? random.generateTraceId();
      trace = undefined;
      return t;
    },
    generateSpanId: () => {
      const s = span ?? random.generateSpanId();
      span = undefined;
      return s;
    },
  };
}

/** cicd.pipeline.result well-known values. */
const RESULT: Record<RunOutcome, string> = { success: 'success', failure: 'failure', cancelled: 'cancellation' };

/** Hands each export to `deliver` as the OTLP/protobuf request body an OTLP exporter sends. */
class InProcessExporter implements SpanExporter {
  constructor(private readonly deliver: (body: Uint8Array) => void) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    try {
      const body = ProtobufTraceSerializer.serializeRequest(spans);
      if (body) this.deliver(body);
      done({ code: ExportResultCode.SUCCESS });
    } catch (e) {
      done({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) });
    }
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export function startRootSpan(o: RootSpanOptions): RootSpanHandle {
  if (!o.deliver && !o.endpoint) throw new Error('startRootSpan needs an endpoint or deliver');
  const exporter: SpanExporter = o.deliver
    ? new InProcessExporter(o.deliver)
    : new OTLPTraceExporter({
        url: `${o.endpoint!.replace(/\/+$/, '')}/v1/traces`,
        headers: { Authorization: `Bearer ${o.token ?? ''}` },
        timeoutMillis: 5000,
        // No pooled socket left open to delay the receiver's shutdown.
        keepAlive: false,
      });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      ...(o.resourceAttributes ?? {}),
      'service.name': SERVICE_NAME,
      'service.version': o.serviceVersion,
      'deployment.environment.name': process.env.BUILD_DIAGNOSTICS_ENVIRONMENT || 'local',
    }),
    // Explicit: the host's own OTEL_TRACES_SAMPLER must not drop our root span.
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(o.ids ? { idGenerator: presetIds(o.ids) } : {}),
  });
  const tracer = provider.getTracer('build-diagnostics.launch', o.serviceVersion);
  const attributes: Record<string, string | number> = {
    'cicd.pipeline.run.id': o.runId,
    'process.executable.name': basename(o.command),
    'process.args_count': o.tokenCount,
  };
  if (o.cwd !== undefined) attributes['process.working_directory'] = o.cwd;
  // ROOT_CONTEXT: a new trace regardless of any active context in the host.
  const span: ApiSpan = tracer.startSpan(
    ROOT_SPAN_NAME,
    { kind: SpanKind.INTERNAL, attributes, ...(o.startTimeMs !== undefined ? { startTime: o.startTimeMs } : {}) },
    ROOT_CONTEXT,
  );
  const ctx = span.spanContext();
  let ending: Promise<void> | undefined;

  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    traceparent: traceparentOf(ctx),
    setPid(pid: number): void {
      span.setAttribute('process.pid', pid);
    },
    end(r: RootSpanEnd): Promise<void> {
      ending ??= (async () => {
        span.setAttribute('cicd.pipeline.result', RESULT[r.outcome]);
        if (r.exitCode !== null) span.setAttribute('process.exit.code', r.exitCode);
        if (r.signal !== null) span.setAttribute('build.exit.signal', r.signal);
        if (r.reportedExitCode !== null) span.setAttribute('build.reported_exit_code', r.reportedExitCode);
        if (r.outcome === 'failure') {
          const errorType = r.errorType || '_OTHER';
          span.setAttribute('error.type', errorType);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
        } else if (r.outcome === 'success') {
          span.setStatus({ code: SpanStatusCode.OK });
        }
        span.end();
        try {
          await provider.forceFlush();
        } catch {
          // The receiver may be gone; the run is finalized regardless.
        }
        try {
          await provider.shutdown();
        } catch {
          // idem
        }
      })();
      return ending;
    },
  };
}
