// One zod schema per recognized event. Field names are spelled exactly as the pipeline sends
// them (snake_case, dotted `diagnostic.*`), see shared/docs/codeanatomy-telemetry.md §3 and
// docs/events.md. Every field is optional (real builds drop fields freely) and every object
// is loose, so fields we do not know yet survive in the payload untouched.
//
// To add an event: add a schema here, export its payload type from types.ts, and add a row
// to the table in docs/events.md.
import { z } from 'zod';
import { bool, jsonObject, list, listItem, map, mapOrList, nanos, nestedList, num, numValue, str } from './fields.js';

const diagnostic = {
  /** `info` | `warn` | `error`. */
  'diagnostic.severity': str(),
  'diagnostic.category': str(),
};

const buildStart = z.looseObject({
  run_id: str(),
  repo_root: str(),
  output_dir: str(),
  product: str(),
  engine_profile: str(),
  rulepack_profile: str(),
});

const buildPhaseStart = z.looseObject({
  phase: str(),
  engine_profile: str(),
  rulepack_profile: str(),
  run_id: str(),
});

const buildPhaseEnd = z.looseObject({
  phase: str(),
  /** `ok` | `error`. */
  status: str(),
  run_id: str(),
  error_type: str(),
  error: str(),
});

const buildSuccess = z.looseObject({ run_id: str(), output_dir: str(), run_bundle_dir: str() });

const buildFailure = z.looseObject({ run_id: str(), error_type: str(), error: str() });

const engineSpecSummary = z.looseObject({
  spec_hash: str(),
  view_count: num(),
  /** The planned views (= expected tasks). */
  view_names: list(listItem),
  join_edge_count: num(),
  rule_intent_count: num(),
  rulepack_profile: str(),
  input_relation_count: num(),
  output_target_count: num(),
});

const engineExecutionSummary = z.looseObject({
  spec_hash: str(),
  envelope_hash: str(),
  output_rows: num(),
  output_batches: num(),
  elapsed_compute_nanos: num(),
  spill_file_count: num(),
  spilled_bytes: num(),
  operator_count: num(),
  // The spec does not say whether this is a count or the table names: accept both.
  tables_materialized: z.union([num(), list(listItem)]),
  total_rows_written: num(),
  warning_count: num(),
  warning_codes: list(listItem),
});

const engineOutput = z.looseObject({
  /** = an executed task. */
  table_name: str(),
  delta_location: str(),
  rows_written: num(),
  partition_count: num(),
});

const taskCounts = {
  active_task_count: num(),
  pending_task_count: num(),
  completed_task_count: num(),
  total_task_count: num(),
};

const buildHeartbeat = z.looseObject({
  run_id: str(),
  stage: str(),
  timestamp_unix_s: num(),
  dataset_rows: map(numValue),
  dataset_columns: map(numValue),
  scan_row_groups: map(numValue),
  scan_fragments: map(numValue),
  ...taskCounts,
  bytes_read: num(),
  bytes_written: num(),
  /** Dataset names. */
  top_blockers: list(listItem),
});

const buildStall = z.looseObject({
  run_id: str(),
  gap_s: num(),
  last_progress_unix_s: num(),
  active_task_count: num(),
  pending_task_count: num(),
  top_blockers: list(listItem),
});

const datasetReadiness = z.looseObject({
  run_id: str(),
  dataset: str(),
  path: str(),
  format: str(),
  status: str(),
  reason: str(),
  path_exists: bool(),
  delta_log_present: bool(),
  delta_log_file_count: num(),
  file_count: num(),
});

const deltaLogHealth = z.looseObject({
  dataset: str(),
  path: str(),
  delta_log_present: bool(),
  delta_log_reason: str(),
  delta_log_file_count: num(),
  last_checkpoint_version: num(),
  min_reader_version: num(),
  min_writer_version: num(),
  reader_features: list(listItem),
  writer_features: list(listItem),
  table_features: list(listItem),
  protocol_compatible: bool(),
  protocol_reason: str(),
  missing_reader_features: list(listItem),
  missing_writer_features: list(listItem),
  run_id: str(),
  ...diagnostic,
});

const planIds = { plan_hash: str(), plan_identity_hash: str() };

const datafusionPlanExecution = z.looseObject({
  ...planIds,
  plan_kind: str(),
  status: str(),
  duration_ms: num(),
  view_name: str(),
  run_id: str(),
  error: str(),
  trace_id: str(),
  span_id: str(),
  rows_produced: num(),
  bytes_scanned: num(),
  partition_count: num(),
  repartition_count: num(),
  explain_analyze_duration_ms: num(),
  explain_analyze_output_rows: num(),
});

const datafusionPlanPhase = z.looseObject({
  ...planIds,
  /** `logical` | `optimized` | `physical`. */
  phase: str(),
  duration_ms: num(),
  trace_id: str(),
  span_id: str(),
  run_id: str(),
});

const datafusionPlanBundle = z.looseObject({
  ...planIds,
  plan_kind: str(),
  stage: str(),
  view_name: str(),
  required_udfs: list(listItem),
  required_rewrite_tags: list(listItem),
  referenced_tables: list(listItem),
  run_id: str(),
});

const datasetProviderMode = z.looseObject({
  dataset: str(),
  provider_mode: str(),
  provider_class: str(),
  strict_native_provider_violation: bool(),
  run_id: str(),
  ...diagnostic,
});

const scanUnitPruning = z.looseObject({
  dataset: str(),
  total_files: num(),
  candidate_files: num(),
  pruned_files: num(),
  protocol_compatible: bool(),
  run_id: str(),
  ...diagnostic,
});

const planExecutionDiff = z.looseObject({
  run_id: str(),
  timestamp_ns: nanos(),
  plan_signature: str(),
  task_dependency_signature: str(),
  reduced_task_dependency_signature: str(),
  expected_task_count: num(),
  executed_task_count: num(),
  missing_task_count: num(),
  unexpected_task_count: num(),
  missing_tasks: list(listItem),
  unexpected_tasks: list(listItem),
  // Task → fingerprint/signature maps in practice; lists accepted too.
  missing_task_fingerprints: mapOrList(),
  missing_task_signatures: mapOrList(),
  blocked_datasets: list(listItem),
  /** Items that are objects are kept as compact JSON strings. */
  blocked_scan_units: list(listItem),
});

const cliInvocation = z.looseObject({
  run_id: str(),
  command: str(),
  ok: bool(),
  parse_ms: num(),
  exec_ms: num(),
  exit_code: num(),
  error_class: str(),
  /** `command_resolve` | `binding` | `coercion` | `validation` | `unknown` | `execution`. */
  error_stage: str(),
});

const otelConfigSnapshot = z.looseObject({ config: jsonObject() });

// Stage span events carry the stage as `codeanatomy.stage` (or plain `stage`); the payload
// always exposes it as `stage`, preferring `codeanatomy.stage`.
const stageShape = z.looseObject({ stage: str(), status: str(), duration_s: num() });
const stageEvent = z.preprocess((v) => {
  if (typeof v !== 'object' || v === null) return v;
  const s = (v as Record<string, unknown>)['codeanatomy.stage'];
  // Only a usable value replaces `stage`; anything else stays an extra field.
  return (typeof s === 'string' && s !== '') || typeof s === 'number' ? { ...v, stage: s } : v;
}, stageShape);

/** Our own event (not emitted by CodeAnatomy): a build announces its plan. See docs/events.md. */
const planExpectedTasks = z.looseObject({
  tasks: list(listItem),
  /** task → upstream task names. */
  dependencies: map(nestedList),
  /** task → dataset names it reads. */
  inputs: map(nestedList),
  run_id: str(),
  plan_signature: str(),
});

export const EVENT_SCHEMAS = {
  'build.start': buildStart,
  'build.phase.start': buildPhaseStart,
  'build.phase.end': buildPhaseEnd,
  'build.success': buildSuccess,
  'build.failure': buildFailure,
  engine_spec_summary_v1: engineSpecSummary,
  engine_execution_summary_v1: engineExecutionSummary,
  engine_output_v1: engineOutput,
  build_heartbeat_v1: buildHeartbeat,
  build_stall_v1: buildStall,
  dataset_readiness_v1: datasetReadiness,
  delta_log_health_v1: deltaLogHealth,
  datafusion_plan_execution_v1: datafusionPlanExecution,
  datafusion_plan_phase_v1: datafusionPlanPhase,
  datafusion_plan_bundle_v1: datafusionPlanBundle,
  dataset_provider_mode_v1: datasetProviderMode,
  scan_unit_pruning_v1: scanUnitPruning,
  plan_execution_diff_v1: planExecutionDiff,
  cli_invocation_v1: cliInvocation,
  otel_config_snapshot_v1: otelConfigSnapshot,
  'stage.start': stageEvent,
  'stage.end': stageEvent,
  plan_expected_tasks_v1: planExpectedTasks,
} as const;

export type EventSchemas = typeof EVENT_SCHEMAS;
export type KnownEventName = keyof EventSchemas;
