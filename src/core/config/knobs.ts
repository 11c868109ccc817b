// The OpenTelemetry environment variables a build's telemetry is tuned with: the standard
// SDK configuration (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
// the OTLP exporter variables (https://opentelemetry.io/docs/specs/otel/protocol/exporter/),
// the declarative configuration file variables, and the few pipeline-specific ones.
// The catalog drives validation of settings/flags and the effective-configuration table.

export type KnobKind = 'int' | 'number' | 'bool' | 'enum' | 'list' | 'string' | 'path';

export interface Knob {
  name: string;
  group: 'routing' | 'sampling' | 'batching' | 'metrics' | 'limits' | 'resource' | 'exporters' | 'sdk' | 'config-file' | 'pipeline' | 'hamilton';
  kind: KnobKind;
  /** For enums: the accepted values (lists: each item). */
  values?: readonly string[];
  /** The value may hold a credential: always masked when shown. */
  secret?: boolean;
  /** Set by Build Diagnostics for every run (routing to the run's receiver). */
  managed?: boolean;
  description: string;
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'parentbased_jaeger_remote',
  'jaeger_remote',
  'xray',
] as const;

function batch(prefix: 'BSP' | 'BLRP', what: string): Knob[] {
  return [
    { name: `OTEL_${prefix}_SCHEDULE_DELAY`, group: 'batching', kind: 'int', description: `${what} batch processor: delay between exports (ms)` },
    { name: `OTEL_${prefix}_EXPORT_TIMEOUT`, group: 'batching', kind: 'int', description: `${what} batch processor: export timeout (ms)` },
    { name: `OTEL_${prefix}_MAX_QUEUE_SIZE`, group: 'batching', kind: 'int', description: `${what} batch processor: queue size` },
    { name: `OTEL_${prefix}_MAX_EXPORT_BATCH_SIZE`, group: 'batching', kind: 'int', description: `${what} batch processor: maximum batch size` },
  ];
}

export const KNOBS: readonly Knob[] = [
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', group: 'routing', kind: 'string', managed: true, description: "the run's own receiver (loopback)" },
  { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', group: 'routing', kind: 'enum', values: ['http/protobuf', 'http/json', 'grpc'], managed: true, description: 'OTLP transport of the build' },
  { name: 'OTEL_EXPORTER_OTLP_HEADERS', group: 'routing', kind: 'list', secret: true, managed: true, description: "export headers; carries the run's bearer token" },
  { name: 'TRACEPARENT', group: 'routing', kind: 'string', managed: true, description: 'W3C trace context of the build.invocation root span' },
  { name: 'OTEL_EXPORTER_OTLP_TIMEOUT', group: 'exporters', kind: 'int', description: 'export timeout (ms)' },
  { name: 'OTEL_EXPORTER_OTLP_COMPRESSION', group: 'exporters', kind: 'enum', values: ['gzip', 'none'], description: 'export compression' },
  { name: 'OTEL_TRACES_EXPORTER', group: 'exporters', kind: 'list', values: ['otlp', 'console', 'none', 'zipkin', 'jaeger'], description: 'span exporters (must include otlp)' },
  { name: 'OTEL_METRICS_EXPORTER', group: 'exporters', kind: 'list', values: ['otlp', 'console', 'none', 'prometheus'], description: 'metric exporters (must include otlp)' },
  { name: 'OTEL_LOGS_EXPORTER', group: 'exporters', kind: 'list', values: ['otlp', 'console', 'none'], description: 'log exporters (must include otlp)' },
  { name: 'OTEL_TRACES_SAMPLER', group: 'sampling', kind: 'enum', values: SAMPLERS, description: 'sampler' },
  { name: 'OTEL_TRACES_SAMPLER_ARG', group: 'sampling', kind: 'string', description: 'sampler argument (ratio 0..1 for the traceidratio samplers)' },
  ...batch('BSP', 'span'),
  ...batch('BLRP', 'log'),
  { name: 'OTEL_METRIC_EXPORT_INTERVAL', group: 'metrics', kind: 'int', description: 'metric export interval (ms)' },
  { name: 'OTEL_METRIC_EXPORT_TIMEOUT', group: 'metrics', kind: 'int', description: 'metric export timeout (ms)' },
  { name: 'OTEL_METRICS_EXEMPLAR_FILTER', group: 'metrics', kind: 'enum', values: ['always_on', 'always_off', 'trace_based'], description: 'exemplar filter' },
  { name: 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', group: 'metrics', kind: 'enum', values: ['cumulative', 'delta', 'lowmemory'], description: 'metric temporality' },
  { name: 'OTEL_ATTRIBUTE_COUNT_LIMIT', group: 'limits', kind: 'int', description: 'attributes per span/log/event (SDK side)' },
  { name: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', group: 'limits', kind: 'int', description: 'attribute value length (SDK side)' },
  { name: 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', group: 'limits', kind: 'int', description: 'attributes per span' },
  { name: 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', group: 'limits', kind: 'int', description: 'span attribute value length' },
  { name: 'OTEL_SPAN_EVENT_COUNT_LIMIT', group: 'limits', kind: 'int', description: 'events per span' },
  { name: 'OTEL_SPAN_LINK_COUNT_LIMIT', group: 'limits', kind: 'int', description: 'links per span' },
  { name: 'OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', group: 'limits', kind: 'int', description: 'attributes per span event' },
  { name: 'OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', group: 'limits', kind: 'int', description: 'attributes per span link' },
  { name: 'OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT', group: 'limits', kind: 'int', description: 'attributes per log record' },
  { name: 'OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT', group: 'limits', kind: 'int', description: 'log attribute value length' },
  { name: 'OTEL_SERVICE_NAME', group: 'resource', kind: 'string', description: 'service.name of the build' },
  { name: 'OTEL_RESOURCE_ATTRIBUTES', group: 'resource', kind: 'list', managed: true, description: 'resource attributes (k=v,…); the run id keys are ours' },
  { name: 'OTEL_PROPAGATORS', group: 'sdk', kind: 'list', description: 'context propagators' },
  { name: 'OTEL_SDK_DISABLED', group: 'sdk', kind: 'bool', description: 'disables the SDK entirely (no telemetry)' },
  { name: 'OTEL_LOG_LEVEL', group: 'sdk', kind: 'string', description: "the SDK's own log level" },
  { name: 'OTEL_CONFIG_FILE', group: 'config-file', kind: 'path', description: 'declarative configuration file (replaces most OTEL_* variables)' },
  { name: 'OTEL_EXPERIMENTAL_CONFIG_FILE', group: 'config-file', kind: 'path', description: 'declarative configuration file (older name, used by Python)' },
  { name: 'CODEANATOMY_DIAGNOSTICS_SINK', group: 'pipeline', kind: 'enum', values: ['otel', 'none'], description: 'routes the DataFusion diagnostics artifacts into OTel logs' },
  { name: 'CODEANATOMY_DIAGNOSTICS_BUNDLE', group: 'pipeline', kind: 'bool', description: 'forces all signals on (Python API path only)' },
  { name: 'HAMILTON_PROJECT_ID', group: 'hamilton', kind: 'string', description: 'Hamilton UI project id' },
  { name: 'HAMILTON_USERNAME', group: 'hamilton', kind: 'string', description: 'Hamilton UI user' },
  { name: 'HAMILTON_DAG_NAME', group: 'hamilton', kind: 'string', description: 'Hamilton DAG name (default <project>::semantic_ir_v1::<repo_hash>)' },
  { name: 'HAMILTON_API_URL', group: 'hamilton', kind: 'string', description: 'Hamilton tracker API URL' },
  { name: 'HAMILTON_UI_URL', group: 'hamilton', kind: 'string', description: 'Hamilton UI URL' },
  { name: 'HAMILTON_TAGS', group: 'hamilton', kind: 'string', description: 'tracker tags (JSON object)' },
];

const BY_NAME = new Map(KNOBS.map((k) => [k.name, k]));

export function knob(name: string): Knob | undefined {
  return BY_NAME.get(name);
}

/** Variables shown in the effective-configuration table even when not in the catalog. */
export function isTelemetryVariable(name: string): boolean {
  return /^(OTEL_|CODEANATOMY_|HAMILTON_)/.test(name) || name === 'TRACEPARENT' || name === 'TRACESTATE';
}

/** Names whose values are masked when shown: catalog secrets, and any variable whose name
 * looks like a credential (same substrings as attribute redaction, plus `key`/`headers`). */
export function isSecretVariable(name: string): boolean {
  if (knob(name)?.secret) return true;
  return /(AUTHORIZATION|COOKIE|PASSWORD|SECRET|TOKEN|API_KEY|APIKEY|_HEADERS$|_KEY$|CREDENTIAL)/i.test(name);
}

/** A value-free reason why `value` is not acceptable for `name`, or undefined. */
export function checkKnobValue(name: string, value: string): string | undefined {
  const k = knob(name);
  if (!k) return undefined;
  const v = value.trim();
  switch (k.kind) {
    case 'int':
      return /^\d+$/.test(v) ? undefined : `${name} takes a whole number ≥ 0`;
    case 'number':
      return v !== '' && Number.isFinite(Number(v)) ? undefined : `${name} takes a number`;
    case 'bool':
      return /^(true|false)$/i.test(v) ? undefined : `${name} takes true or false`;
    case 'enum':
      return k.values!.includes(v.toLowerCase()) ? undefined : `${name} takes one of ${k.values!.join(', ')}`;
    case 'list': {
      if (!k.values) return undefined;
      const bad = v.split(',').map((x) => x.trim()).filter((x) => x !== '' && !k.values!.includes(x));
      return bad.length === 0 ? undefined : `${name} takes a comma list of ${k.values.join(', ')}`;
    }
    default:
      return undefined;
  }
}
