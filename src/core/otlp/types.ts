// The canonical OTLP/JSON form (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
// what decodeProtobuf and decodeJson both return and what the run bundle stores, one
// request per line. Plain JSON-serialisable data:
//   - keys are lowerCamelCase; traceId/spanId/parentSpanId are LOWER-case hex;
//   - 64-bit integers are decimal strings; enums are numbers; AnyValue.bytesValue is base64;
//   - doubles are numbers, except NaN/±Infinity which are the strings "NaN", "Infinity",
//     "-Infinity" (the proto3 JSON mapping; JSON has no literal for them).
// Default (zero/empty) values of plain proto3 scalars and empty repeated fields are left
// out, as the proto3 JSON mapping does by default; fields with presence (oneof members,
// `optional` doubles, sub-messages) are kept whenever they were sent. A few scalars whose
// zero is meaningful are always written: a span's ids, name, kind and times; every data
// point's timeUnixNano and count; a summary's sum and each quantile/value pair; an
// exponential histogram's scale, zeroCount and zeroThreshold; a bucket's offset; ArrayValue/KeyValueList `values`; KeyValue `value`.
// Both decoders apply the same rules, so protobuf and JSON input give equal objects.

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

/** A double as the OTLP/JSON form writes it (see the header comment). */
export type OtlpDouble = number | 'NaN' | 'Infinity' | '-Infinity';

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: OtlpDouble }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } }
  | { bytesValue: string }
  | Record<string, never>;

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpResource {
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpScope {
  name?: string;
  version?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpSpanEvent {
  timeUnixNano?: string;
  name?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  traceState?: string;
  parentSpanId?: string;
  flags?: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events?: OtlpSpanEvent[];
  droppedEventsCount?: number;
  links?: OtlpSpanLink[];
  droppedLinksCount?: number;
  status?: { message?: string; code?: number };
}

export interface OtlpScopeSpans {
  scope?: OtlpScope;
  spans?: OtlpSpan[];
  schemaUrl?: string;
}
export interface OtlpResourceSpans {
  resource?: OtlpResource;
  scopeSpans?: OtlpScopeSpans[];
  schemaUrl?: string;
}

export interface OtlpLogRecord {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpAnyValue;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}
export interface OtlpScopeLogs {
  scope?: OtlpScope;
  logRecords?: OtlpLogRecord[];
  schemaUrl?: string;
}
export interface OtlpResourceLogs {
  resource?: OtlpResource;
  scopeLogs?: OtlpScopeLogs[];
  schemaUrl?: string;
}

export interface OtlpExemplar {
  filteredAttributes?: OtlpKeyValue[];
  timeUnixNano?: string;
  asDouble?: OtlpDouble;
  asInt?: string;
  spanId?: string;
  traceId?: string;
}

interface OtlpPointBase {
  attributes?: OtlpKeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano: string;
  flags?: number;
}
export interface OtlpNumberDataPoint extends OtlpPointBase {
  asDouble?: OtlpDouble;
  asInt?: string;
  exemplars?: OtlpExemplar[];
}
export interface OtlpHistogramDataPoint extends OtlpPointBase {
  count: string;
  sum?: OtlpDouble;
  bucketCounts?: string[];
  explicitBounds?: OtlpDouble[];
  exemplars?: OtlpExemplar[];
  min?: OtlpDouble;
  max?: OtlpDouble;
}
export interface OtlpBuckets {
  offset: number;
  bucketCounts?: string[];
}
export interface OtlpExponentialHistogramDataPoint extends OtlpPointBase {
  count: string;
  sum?: OtlpDouble;
  scale: number;
  zeroCount: string;
  positive?: OtlpBuckets;
  negative?: OtlpBuckets;
  exemplars?: OtlpExemplar[];
  min?: OtlpDouble;
  max?: OtlpDouble;
  zeroThreshold: OtlpDouble;
}
export interface OtlpSummaryDataPoint extends OtlpPointBase {
  count: string;
  sum: OtlpDouble;
  quantileValues?: { quantile: OtlpDouble; value: OtlpDouble }[];
}

export interface OtlpMetric {
  name?: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints?: OtlpNumberDataPoint[] };
  sum?: { dataPoints?: OtlpNumberDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  histogram?: { dataPoints?: OtlpHistogramDataPoint[]; aggregationTemporality?: number };
  exponentialHistogram?: {
    dataPoints?: OtlpExponentialHistogramDataPoint[];
    aggregationTemporality?: number;
  };
  summary?: { dataPoints?: OtlpSummaryDataPoint[] };
  metadata?: OtlpKeyValue[];
}
export interface OtlpScopeMetrics {
  scope?: OtlpScope;
  metrics?: OtlpMetric[];
  schemaUrl?: string;
}
export interface OtlpResourceMetrics {
  resource?: OtlpResource;
  scopeMetrics?: OtlpScopeMetrics[];
  schemaUrl?: string;
}

/** One Export{Trace,Logs,Metrics}ServiceRequest in canonical OTLP/JSON form. Exactly one
 * of the three lists is present (possibly empty) — the one of the request's signal. */
export interface OtlpRequest {
  resourceSpans?: OtlpResourceSpans[];
  resourceLogs?: OtlpResourceLogs[];
  resourceMetrics?: OtlpResourceMetrics[];
}

/** Malformed OTLP input. The message says what was wrong and where (a JSON-path-like
 * location such as `resourceSpans[0].scopeSpans[0].spans[2].traceId`). */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

export interface DecodeOptions {
  /** When given, a problem confined to one span, log record or data point — an id of the
   * wrong length, an all-zero span/trace id — drops only that item and is reported here
   * instead of failing the whole request; the receiver answers such requests with
   * `partial_success`. Structural problems (bad wire format, invalid JSON, a field of the
   * wrong type, nesting too deep) always fail the whole request. */
  onItemRejected?: (message: string) => void;
  /** Maximum AnyValue nesting (arrays/kvlists inside each other). Default 32. */
  maxDepth?: number;
}
