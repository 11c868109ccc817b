// OpenTelemetry setup of the example pipeline. Everything comes from the standard
// OTEL_* environment: NodeSDK 0.223.0 itself builds the OTLP exporters for traces,
// logs and metrics from OTEL_EXPORTER_OTLP_{ENDPOINT,PROTOCOL,HEADERS,...}, the batch
// processors from OTEL_BSP_*/OTEL_BLRP_*, the metric reader from
// OTEL_METRIC_EXPORT_INTERVAL, the sampler from OTEL_TRACES_SAMPLER and resource
// attributes from OTEL_RESOURCE_ATTRIBUTES (envDetector). We only decide, like the
// real pipeline (codeanatomy-telemetry.md §1), which signals are on at all.
import { randomUUID } from 'node:crypto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { defaultResource, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ROOT_CONTEXT, defaultTextMapGetter, metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';

export const SERVICE_VERSION = '0.9.0-example';
const SIGNALS = ['TRACES', 'LOGS', 'METRICS'];

const isTrue = (v) => typeof v === 'string' && v.trim().toLowerCase() === 'true';

/**
 * A signal is on when an OTLP endpoint (general or per signal) is set, or when
 * OTEL_<SIGNAL>_EXPORTER names something other than `none`. Otherwise it is off:
 * without an endpoint the JS SDK would send to localhost:4318 by default, which
 * must not happen for a build run outside the extension.
 */
export function enabledSignals(env) {
  const out = {};
  for (const s of SIGNALS) {
    const exporter = env[`OTEL_${s}_EXPORTER`]?.trim();
    const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT || env[`OTEL_EXPORTER_OTLP_${s}_ENDPOINT`];
    let on = exporter ? exporter !== 'none' : Boolean(endpoint);
    if (isTrue(env.OTEL_SDK_DISABLED)) on = false;
    out[s.toLowerCase()] = on;
  }
  return out;
}

// An endpoint URL may carry user:password; keep only scheme, host, port and path.
function safeEndpoint(raw) {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '[unparsable]';
  }
}

/** The OTel configuration as the pipeline resolved it, for otel_config_snapshot_v1. */
export function configSnapshot(env, signals) {
  const headerNames = (env.OTEL_EXPORTER_OTLP_HEADERS ?? '')
    .split(',')
    .map((h) => h.split('=')[0]?.trim())
    .filter(Boolean);
  return {
    service_name: 'codeanatomy',
    sdk_disabled: isTrue(env.OTEL_SDK_DISABLED),
    traces_enabled: signals.traces,
    logs_enabled: signals.logs,
    metrics_enabled: signals.metrics,
    endpoint: safeEndpoint(env.OTEL_EXPORTER_OTLP_ENDPOINT),
    protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    // Header values are credentials: only the names, values always redacted.
    headers: Object.fromEntries(headerNames.map((n) => [n, '[redacted]'])),
    sampler: env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
    sampler_arg: env.OTEL_TRACES_SAMPLER_ARG ?? null,
    bsp_schedule_delay_ms: Number(env.OTEL_BSP_SCHEDULE_DELAY ?? 5000),
    blrp_schedule_delay_ms: Number(env.OTEL_BLRP_SCHEDULE_DELAY ?? 1000),
    metric_export_interval_ms: Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60000),
    diagnostics_sink: 'otel',
  };
}

/** Starts the SDK; returns tracers, meter instruments, loggers and a bounded shutdown. */
export function startTelemetry({ env, exampleDir }) {
  const signals = enabledSignals(env);
  // NodeSDK reads these itself; `none` keeps a disabled signal from defaulting to localhost.
  for (const s of SIGNALS) if (!signals[s.toLowerCase()]) process.env[`OTEL_${s}_EXPORTER`] = 'none';

  const resource = defaultResource().merge(
    resourceFromAttributes({
      'service.version': SERVICE_VERSION,
      'service.namespace': 'codeanatomy',
      'service.instance.id': randomUUID(),
      'deployment.environment.name': env.CODEANATOMY_ENVIRONMENT || env.DEPLOYMENT_ENVIRONMENT || 'unknown',
      'codeanatomy.repo_root': exampleDir,
      'codeanatomy.runtime_profile': 'default',
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
    }),
  );
  const sdk = new NodeSDK({
    resource,
    serviceName: 'codeanatomy',
    // Only the env detector: the process detector would export command-line
    // arguments (process.command_args), which may carry secrets.
    resourceDetectors: [envDetector],
  });
  let started = false;
  try {
    sdk.start();
    started = true;
  } catch (err) {
    process.stderr.write(`WARNING:codeanatomy.obs:OpenTelemetry setup failed: ${err?.message ?? err}\n`);
  }

  const meter = metrics.getMeter('codeanatomy.obs', SERVICE_VERSION);
  const instruments = {
    stageDuration: meter.createHistogram('codeanatomy.stage.duration', { unit: 's', description: 'Duration of pipeline stages' }),
    taskDuration: meter.createHistogram('codeanatomy.task.duration', { unit: 's', description: 'Duration of scheduled tasks' }),
    executeDuration: meter.createHistogram('codeanatomy.datafusion.execute.duration', { unit: 's' }),
    errorCount: meter.createCounter('codeanatomy.error.count', { description: 'Errors by stage and type' }),
    datasetRows: meter.createGauge('codeanatomy.dataset.rows', { description: 'Rows per input dataset' }),
    datasetColumns: meter.createGauge('codeanatomy.dataset.columns'),
  };

  let shutdownPromise;
  return {
    signals,
    tracers: {
      pipeline: trace.getTracer('codeanatomy.pipeline', SERVICE_VERSION),
      extract: trace.getTracer('codeanatomy.extract', SERVICE_VERSION),
      datafusion: trace.getTracer('codeanatomy.datafusion', SERVICE_VERSION),
      obs: trace.getTracer('codeanatomy.obs', SERVICE_VERSION),
    },
    instruments,
    logger: (scope) => logs.getLogger(scope, SERVICE_VERSION),
    /** Flushes and stops the SDK, never waiting longer than timeoutMs. */
    shutdown(timeoutMs) {
      if (!started) return Promise.resolve();
      shutdownPromise ??= sdk.shutdown().catch(() => undefined);
      let timer;
      const limit = new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs); });
      return Promise.race([shutdownPromise, limit]).finally(() => clearTimeout(timer));
    },
  };
}

/** The parent context from a W3C `TRACEPARENT` (and `TRACESTATE`) environment variable. */
export function parentContextFromEnv(env) {
  if (!env.TRACEPARENT) return ROOT_CONTEXT;
  const carrier = { traceparent: env.TRACEPARENT };
  if (env.TRACESTATE) carrier.tracestate = env.TRACESTATE;
  return new W3CTraceContextPropagator().extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}
