// The data the panel and the HTML report render: a compact, bounded projection of one run
// (report.json plus the raw spans and log lines the timeline and the log view need).
// Shared by the extension host (which builds it, src/protocol/snapshot.ts) and the webview
// app (which validates it on receipt). Imports nothing but zod and the report contract, so
// the browser bundle stays free of node code.
import { z } from 'zod';
import { ReportSchema } from '../core/report/schema.js';
import { isLogColumns, isSpanColumns, isSpanDetails, type LogColumns, type SpanColumns, type SpanDetails } from './compact.js';

export const SNAPSHOT_VERSION = 2;

/** Bounds applied by the builder: telemetry is untrusted, a span name may be a megabyte. */
export const SNAPSHOT_LIMITS = {
  nameChars: 300,
  attrKeyChars: 120,
  attrValueChars: 1000,
  attrsPerSpan: 64,
  eventsPerSpan: 32,
  attrsPerEvent: 16,
  logBodyChars: 4000,
  statusMessageChars: 1000,
  maxSpans: 250_000,
  maxLogs: 500_000,
} as const;

const Str = z.string();
const AttrsSchema = z.record(Str, Str);

export const SnapSpanEventSchema = z.object({ timeMs: z.number(), name: Str, attributes: AttrsSchema });
export type SnapSpanEvent = z.infer<typeof SnapSpanEventSchema>;

export const SnapSpanSchema = z.object({
  traceId: Str,
  spanId: Str,
  parentSpanId: Str.nullable(),
  name: Str,
  startMs: z.number(),
  endMs: z.number(),
  status: z.enum(['ok', 'error', 'unset']),
  statusMessage: Str.nullable(),
  /** `codeanatomy.stage` of the span or its nearest ancestor, else its root's name. */
  stage: Str,
  /** `service.name` of the resource ('' when absent). */
  service: Str,
  /** Attribute values as display strings (arrays/maps as JSON), capped. */
  attributes: AttrsSchema,
  events: z.array(SnapSpanEventSchema),
});
export type SnapSpan = z.infer<typeof SnapSpanSchema>;

export const SeveritySchema = z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'UNSPECIFIED']);
export type Severity = z.infer<typeof SeveritySchema>;

export const SnapLogSchema = z.object({
  timeMs: z.number(),
  severity: SeveritySchema,
  body: Str,
  traceId: Str.nullable(),
  spanId: Str.nullable(),
  stream: z.enum(['otlp', 'stdout', 'stderr']),
  /** The body carries ANSI escape sequences (colours are rendered, never interpreted). */
  ansi: z.boolean(),
});
export type SnapLog = z.infer<typeof SnapLogSchema>;

export const RunSnapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  runId: Str,
  report: ReportSchema,
  spans: z.array(SnapSpanSchema),
  logs: z.array(SnapLogSchema),
  /** Items left out by the snapshot's own caps (the store's drops are in the report). */
  omitted: z.object({ spans: z.number(), logs: z.number() }),
  /** The run is still going: deltas follow. */
  live: z.boolean(),
});
export type RunSnapshot = z.infer<typeof RunSnapshotSchema>;

// ---- the snapshot as it travels: a head for the first paint, then parts -----------------
// A RunSnapshot is sent as a SnapshotHead (the report and every span in column form, what
// the first screen and the timeline need) followed by parts: the spans' attributes and
// events, then the log lines, in chunks. The bulk columns are checked structurally (one
// loop per column) rather than parsed by zod item by item; the small rest is zod-parsed.
const spanColumns = z.custom<SpanColumns>(isSpanColumns, 'malformed span columns');
const logColumns = z.custom<LogColumns>(isLogColumns, 'malformed log columns');
const spanDetails = z.custom<SpanDetails>(isSpanDetails, 'malformed span details');
const Count = z.number().int().min(0);

export const SnapshotHeadSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  runId: Str,
  report: ReportSchema,
  spans: spanColumns,
  /** How many log lines and span details the parts that follow carry. */
  pending: z.object({ logs: Count, details: Count }),
  omitted: z.object({ spans: z.number(), logs: z.number() }),
  live: z.boolean(),
});
export type SnapshotHead = z.infer<typeof SnapshotHeadSchema>;

export const SnapshotPartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('logs'), runId: Str, from: Count, logs: logColumns }),
  z.object({ kind: z.literal('details'), runId: Str, from: Count, details: spanDetails }),
]);
export type SnapshotPart = z.infer<typeof SnapshotPartSchema>;

export const RunDeltaSchema = z.object({
  runId: Str,
  /** Increases by one per delta of a run; a gap means the webview must ask for a snapshot. */
  seq: z.number().int(),
  spans: z.array(SnapSpanSchema),
  logs: z.array(SnapLogSchema),
  /** The report rebuilt from the store, when it changed. */
  report: ReportSchema.nullable(),
  live: z.boolean(),
  omitted: z.object({ spans: z.number(), logs: z.number() }),
});
export type RunDelta = z.infer<typeof RunDeltaSchema>;

export const RunListEntrySchema = z.object({
  runId: Str,
  startedAt: Str,
  outcome: Str,
  durationMs: z.number().nullable(),
  command: Str,
  label: Str.optional(),
});
export type RunListEntry = z.infer<typeof RunListEntrySchema>;

const RunHeadSchema = z.object({ runId: Str, startedAt: Str, outcome: Str, durationMs: z.number().nullable(), exitCode: z.number().nullable() });

export const TaskDiffSchema = z.object({
  name: Str,
  change: z.enum(['new', 'missing', 'slower', 'faster', 'same', 'status']),
  baseStatus: Str.nullable(),
  currentStatus: Str.nullable(),
  baseMs: z.number().nullable(),
  currentMs: z.number().nullable(),
  deltaMs: z.number().nullable(),
  /** Relative change (0.25 = 25 % slower), null when either side has no duration. */
  ratio: z.number().nullable(),
});
export type TaskDiff = z.infer<typeof TaskDiffSchema>;

export const CompareResultSchema = z.object({
  base: RunHeadSchema,
  current: RunHeadSchema,
  durationDeltaMs: z.number().nullable(),
  outcomeChanged: z.boolean(),
  tasks: z.array(TaskDiffSchema),
  readiness: z.array(z.object({ dataset: Str, baseStatus: Str.nullable(), currentStatus: Str.nullable() })),
  counts: z.object({
    problems: z.tuple([z.number(), z.number()]),
    stalls: z.tuple([z.number(), z.number()]),
    spans: z.tuple([z.number(), z.number()]),
    logs: z.tuple([z.number(), z.number()]),
  }),
});
export type CompareResult = z.infer<typeof CompareResultSchema>;
