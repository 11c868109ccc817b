// report.json: the contract between the analyses and every view (CLI summary, report.md,
// HTML report, panel, tree, Problems). Documented in docs/report-schema.md.
// Times are ISO-8601 strings (UTC, millisecond precision) or milliseconds; ids are hex.
import { z } from 'zod';
import { OutcomeSchema } from '../runSchema.js';

export const REPORT_SCHEMA = 'build-diagnostics/report@1';

export const ReadinessStatusSchema = z.enum([
  'ok',
  'remote_path',
  'missing_location',
  'missing_path',
  'missing_delta_log',
  'empty_delta_log',
  'empty_path',
  'unknown',
]);
export type ReadinessStatus = z.infer<typeof ReadinessStatusSchema>;

export const ReadinessSourceSchema = z.enum(['telemetry', 'preflight', 'recheck']);

export const DatasetStateSchema = z.object({
  dataset: z.string(),
  path: z.string().nullable(),
  format: z.string().nullable(),
  status: ReadinessStatusSchema,
  reason: z.string().nullable(),
  source: ReadinessSourceSchema,
  /** Declared required in the build configuration (preflight only; telemetry: null). */
  required: z.boolean().nullable(),
  fileCount: z.number().nullable(),
  deltaLogFileCount: z.number().nullable(),
  checkedAt: z.string().nullable(),
});
export type DatasetState = z.infer<typeof DatasetStateSchema>;

export const ReadinessSectionSchema = z.object({
  total: z.number(),
  /** Datasets that block (status neither ok nor remote_path). */
  issues: z.array(DatasetStateSchema),
  issueCounts: z.record(z.string(), z.number()),
  /** Every dataset seen, latest state per dataset. */
  datasets: z.array(DatasetStateSchema),
});

export const TaskStatusSchema = z.enum(['done', 'running', 'failed', 'blocked', 'missing', 'pending', 'unexpected']);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const MissingReasonSchema = z.enum(['blocked_by_dataset', 'upstream_failed', 'cancelled', 'never_started']);

export const SpanRefSchema = z.object({ traceId: z.string(), spanId: z.string() });

export const TaskSchema = z.object({
  name: z.string(),
  status: TaskStatusSchema,
  expected: z.boolean(),
  reason: MissingReasonSchema.nullable(),
  blockedBy: z.array(z.string()),
  durationMs: z.number().nullable(),
  rows: z.number().nullable(),
  span: SpanRefSchema.nullable(),
  /** Source location when the task's span or plan names one. */
  file: z.string().nullable(),
  line: z.number().nullable(),
});
export type Task = z.infer<typeof TaskSchema>;

export const PlanDiffSectionSchema = z.object({
  expected: z.array(z.string()),
  executed: z.array(z.string()),
  running: z.array(z.string()),
  missing: z.array(z.string()),
  unexpected: z.array(z.string()),
  failed: z.array(z.string()),
  reasons: z.record(z.string(), MissingReasonSchema),
  blockedBy: z.record(z.string(), z.array(z.string())),
  /** Which signal gave the plan: plan_execution_diff_v1 | plan_expected_tasks_v1 |
   * engine_spec_summary_v1 | hamilton | none. */
  source: z.string(),
  tasks: z.array(TaskSchema),
});

export const StallSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  gapS: z.number(),
  source: z.enum(['build', 'monitor']),
  lastProgressAt: z.string().nullable(),
  activeTaskCount: z.number().nullable(),
  pendingTaskCount: z.number().nullable(),
  /** Stages/phases started and not ended at the time. */
  active: z.array(z.string()),
  pendingTasks: z.array(z.string()),
  blockers: z.array(z.string()),
  /** null when the process tree could not be sampled. */
  cpuBusy: z.boolean().nullable(),
});
export type Stall = z.infer<typeof StallSchema>;

export const HeartbeatSampleSchema = z.object({
  at: z.string(),
  stage: z.string().nullable(),
  activeTaskCount: z.number().nullable(),
  pendingTaskCount: z.number().nullable(),
  completedTaskCount: z.number().nullable(),
  totalTaskCount: z.number().nullable(),
  bytesRead: z.number().nullable(),
  bytesWritten: z.number().nullable(),
});

export const LivenessSampleSchema = z.object({
  at: z.string(),
  spans: z.number(),
  logs: z.number(),
  events: z.number(),
  cpuSeconds: z.number().nullable(),
  rssBytes: z.number().nullable(),
  processCount: z.number().nullable(),
});

export const HeartbeatsSectionSchema = z.object({
  count: z.number(),
  intervalS: z.number().nullable(),
  lastAt: z.string().nullable(),
  lastStage: z.string().nullable(),
  samples: z.array(HeartbeatSampleSchema),
  liveness: z.array(LivenessSampleSchema),
});

export const PlanMetricsSchema = z.object({
  planHash: z.string().nullable(),
  viewName: z.string().nullable(),
  rowsProduced: z.number().nullable(),
  bytesScanned: z.number().nullable(),
  partitionCount: z.number().nullable(),
  durationMs: z.number().nullable(),
  status: z.string().nullable(),
  traceId: z.string().nullable(),
  spanId: z.string().nullable(),
});

export const ExecutionMetricsSectionSchema = z.object({
  plans: z.array(PlanMetricsSchema),
  totals: z.object({
    plans: z.number(),
    rowsProduced: z.number(),
    bytesScanned: z.number(),
    partitionCount: z.number(),
    durationMs: z.number(),
    /** engine_execution_summary_v1 figures when the build sent them. */
    engine: z.record(z.string(), z.union([z.number(), z.string()])).nullable(),
  }),
  /** Latest value of each `codeanatomy.*` (and other) metric, by name + attributes. */
  metricPoints: z.array(
    z.object({ name: z.string(), kind: z.string(), attributes: z.record(z.string(), z.string()), value: z.number(), at: z.string() }),
  ),
});

export const SlowSpanSchema = z.object({
  name: z.string(),
  traceId: z.string(),
  spanId: z.string(),
  durationMs: z.number(),
  startedAt: z.string(),
  status: z.string(),
});

export const StageTimeSchema = z.object({
  stage: z.string(),
  selfMs: z.number(),
  totalMs: z.number(),
  spanCount: z.number(),
});

export const IdleGapSchema = z.object({ startedAt: z.string(), endedAt: z.string(), gapS: z.number() });

export const CriticalPathStepSchema = z.object({
  name: z.string(),
  traceId: z.string(),
  spanId: z.string(),
  selfMs: z.number(),
  durationMs: z.number(),
});

export const LogsSectionSchema = z.object({
  count: z.number(),
  bySeverity: z.record(z.string(), z.number()),
  correlatedFraction: z.number(),
  byStream: z.record(z.string(), z.number()),
});

export const RelatedLocationSchema = z.object({
  file: z.string(),
  line: z.number(),
  column: z.number().nullable(),
  message: z.string(),
});

export const ProblemSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  /** traceback | stack | exception_event | build.failure | cli_invocation_v1 |
   * diagnostics_report | readiness | stall | span_status */
  source: z.string(),
  file: z.string().nullable(),
  line: z.number().nullable(),
  column: z.number().nullable(),
  related: z.array(RelatedLocationSchema),
  span: SpanRefSchema.nullable().optional(),
  /** Every signal that reported this same failure (sorted), when more than one did. */
  sources: z.array(z.string()).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const RunSectionSchema = z.object({
  runId: z.string(),
  command: z.string(),
  tokenCount: z.number(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  exitCode: z.number().nullable(),
  reportedExitCode: z.number().nullable(),
  signal: z.string().nullable(),
  outcome: OutcomeSchema,
  errorType: z.string().nullable(),
  traceIds: z.array(z.string()),
  rootTraceId: z.string(),
  /** The bundle was cut short (host died mid-run): figures cover what was received. */
  partial: z.boolean(),
  /** "Open in your trace viewer" / Hamilton UI links (settings' URL templates), http(s) only. */
  links: z.array(z.object({ label: z.string(), url: z.string() })).optional(),
  /** Files the build wrote that were copied into the bundle (`artifacts/…`, docs/artifacts.md). */
  artifacts: z.array(z.object({ path: z.string(), bytes: z.number(), sha256: z.string() })).optional(),
});

export const TelemetryCountsSchema = z.object({
  spans: z.number(),
  logs: z.number(),
  metricPoints: z.number(),
  events: z.number(),
  dropped: z.object({ spans: z.number(), logs: z.number(), metrics: z.number(), events: z.number() }),
  truncated: z.boolean(),
});

export const ReportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA),
  run: RunSectionSchema,
  telemetry: TelemetryCountsSchema,
  readiness: ReadinessSectionSchema,
  planDiff: PlanDiffSectionSchema,
  stalls: z.array(StallSchema),
  heartbeats: HeartbeatsSectionSchema,
  executionMetrics: ExecutionMetricsSectionSchema,
  slowSpans: z.array(SlowSpanSchema),
  stageBreakdown: z.array(StageTimeSchema),
  idleGaps: z.array(IdleGapSchema),
  criticalPath: z.array(CriticalPathStepSchema),
  logs: LogsSectionSchema,
  problems: z.array(ProblemSchema),
  warnings: z.array(z.string()),
  /** "The build says / we measured": the build's own run_diagnostics_report.json figures
   * beside ours, when the build wrote one (docs/artifacts.md). */
  buildSays: z
    .object({
      rows: z.array(z.object({ figure: z.string(), buildSays: z.string(), weMeasured: z.string(), agree: z.boolean() })),
      disagreements: z.array(z.string()),
    })
    .nullable()
    .optional(),
});
export type Report = z.infer<typeof ReportSchema>;
export type ReadinessSection = z.infer<typeof ReadinessSectionSchema>;
export type PlanDiffSection = z.infer<typeof PlanDiffSectionSchema>;
export type HeartbeatsSection = z.infer<typeof HeartbeatsSectionSchema>;
export type ExecutionMetricsSection = z.infer<typeof ExecutionMetricsSectionSchema>;
export type LogsSection = z.infer<typeof LogsSectionSchema>;
