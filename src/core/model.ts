// The normalized telemetry model every other part of the product reads.
// OTLP (protobuf or JSON) and stdout/stderr lines are both turned into these shapes by
// src/core/otlp and src/core/stdio. Nothing here imports node, vscode or the DOM.

/** A typed attribute value. OTLP AnyValue, mapped to plain JS:
 * string → string, bool → boolean, double → number, int64 → number when it is a safe
 * integer and otherwise a decimal string (see {@link Int64String}), bytes → Uint8Array,
 * array → AttrValue[], kvlist → AttrMap, empty → null. */
export type AttrValue = string | number | boolean | Uint8Array | AttrValue[] | AttrMap | null;
export interface AttrMap {
  [key: string]: AttrValue;
}
export type Attributes = AttrMap;

/** Nanoseconds since the Unix epoch. bigint so that no precision is lost. */
export type UnixNanos = bigint;

export interface Resource {
  attributes: Attributes;
  droppedAttributesCount?: number;
  schemaUrl?: string;
}

export interface Scope {
  name: string;
  version?: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
  schemaUrl?: string;
}

/** OTLP Span.SpanKind numbers. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** OTLP Status.StatusCode numbers. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface SpanEvent {
  timeNs: UnixNanos;
  name: string;
  attributes: Attributes;
  droppedAttributesCount?: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: Attributes;
  droppedAttributesCount?: number;
  flags?: number;
}

/** Spans made by normalize are `StoredSpan`s (src/core/otlp/spanObject.ts): times held as
 * seconds + nanoseconds behind bigint getters, no-events/no-links/UNSET status on the
 * prototype. Read them as any Span; copy them with `spanFrom`/`plainSpan`, not a spread or a
 * structured clone (those keep own fields only). */
export interface Span {
  /** 32 lower-case hex characters. */
  traceId: string;
  /** 16 lower-case hex characters. */
  spanId: string;
  /** 16 lower-case hex characters, or undefined for a root (or orphan) span. */
  parentSpanId?: string;
  traceState?: string;
  flags?: number;
  name: string;
  kind: number;
  startNs: UnixNanos;
  endNs: UnixNanos;
  status: { code: number; message?: string };
  attributes: Attributes;
  droppedAttributesCount?: number;
  events: SpanEvent[];
  droppedEventsCount?: number;
  links: SpanLink[];
  droppedLinksCount?: number;
  /** Shared by every span of the same ResourceSpans: compare by reference is fine. */
  resource: Resource;
  scope: Scope;
}

/** Where a log record came from: an OTLP export, or a line the child printed. */
export type LogSource = 'otlp' | 'stdout' | 'stderr';

export interface LogRecord {
  timeNs: UnixNanos;
  observedTimeNs: UnixNanos;
  severityNumber: number;
  severityText?: string;
  body: AttrValue;
  attributes: Attributes;
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
  resource: Resource;
  scope: Scope;
  source: LogSource;
}

export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

interface MetricPointBase {
  /** Metric name, unit and description are repeated on each point for simple filtering. */
  name: string;
  unit?: string;
  description?: string;
  startNs?: UnixNanos;
  timeNs: UnixNanos;
  attributes: Attributes;
  flags?: number;
  exemplars?: unknown[];
  resource: Resource;
  scope: Scope;
}

export interface NumberPoint extends MetricPointBase {
  kind: 'gauge' | 'sum';
  value: number;
  /** Only for sums. */
  isMonotonic?: boolean;
  /** 1 = delta, 2 = cumulative (OTLP AggregationTemporality). */
  temporality?: number;
}

export interface HistogramPoint extends MetricPointBase {
  kind: 'histogram';
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts: number[];
  explicitBounds: number[];
  temporality?: number;
}

export interface ExponentialHistogramPoint extends MetricPointBase {
  kind: 'exponentialHistogram';
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  scale: number;
  zeroCount: number;
  zeroThreshold?: number;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
  temporality?: number;
}

export interface SummaryPoint extends MetricPointBase {
  kind: 'summary';
  count: number;
  sum: number;
  quantiles: { quantile: number; value: number }[];
}

export type MetricPoint = NumberPoint | HistogramPoint | ExponentialHistogramPoint | SummaryPoint;

/** Everything one OTLP export request (or a batch of stdio lines) contributed. */
export interface TelemetryBatch {
  spans: Span[];
  logs: LogRecord[];
  metrics: MetricPoint[];
}

export function emptyBatch(): TelemetryBatch {
  return { spans: [], logs: [], metrics: [] };
}

/** Lower-case hex of an id. Exported for the few places that build ids by hand. */
export function isHexId(s: string, bytes: 8 | 16): boolean {
  return s.length === bytes * 2 && /^[0-9a-f]+$/.test(s);
}

/** Nanoseconds → milliseconds since the epoch, as a float (for display and reports). */
export function nsToMs(ns: UnixNanos): number {
  return Number(ns / 1000n) / 1000;
}

/** Milliseconds since the epoch → nanoseconds. */
export function msToNs(ms: number): UnixNanos {
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

/** A string attribute, or undefined when absent or of another type. */
export function attrString(attrs: Attributes, key: string): string | undefined {
  const v = attrs[key];
  return typeof v === 'string' ? v : undefined;
}

/** A numeric attribute (ints that arrived as decimal strings included). */
export function attrNumber(attrs: Attributes, key: string): number | undefined {
  const v = attrs[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
