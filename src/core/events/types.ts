// Types of recognized events. Payload types are derived from the zod schemas, so the
// decoder and the type can never drift apart.
import type { z } from 'zod';
import type { Attributes } from '../model.js';
import type { EventSchemas, KnownEventName } from './schemas.js';

export type EventOrigin = 'log' | 'spanEvent';

/** name → decoded payload type. */
export type EventPayloads = { [N in KnownEventName]: z.output<EventSchemas[N]> };

export type BuildStart = EventPayloads['build.start'];
export type BuildPhaseStart = EventPayloads['build.phase.start'];
export type BuildPhaseEnd = EventPayloads['build.phase.end'];
export type BuildSuccess = EventPayloads['build.success'];
export type BuildFailure = EventPayloads['build.failure'];
export type EngineSpecSummaryV1 = EventPayloads['engine_spec_summary_v1'];
export type EngineExecutionSummaryV1 = EventPayloads['engine_execution_summary_v1'];
export type EngineOutputV1 = EventPayloads['engine_output_v1'];
export type BuildHeartbeatV1 = EventPayloads['build_heartbeat_v1'];
export type BuildStallV1 = EventPayloads['build_stall_v1'];
export type DatasetReadinessV1 = EventPayloads['dataset_readiness_v1'];
export type DeltaLogHealthV1 = EventPayloads['delta_log_health_v1'];
export type DatafusionPlanExecutionV1 = EventPayloads['datafusion_plan_execution_v1'];
export type DatafusionPlanPhaseV1 = EventPayloads['datafusion_plan_phase_v1'];
export type DatafusionPlanBundleV1 = EventPayloads['datafusion_plan_bundle_v1'];
export type DatasetProviderModeV1 = EventPayloads['dataset_provider_mode_v1'];
export type ScanUnitPruningV1 = EventPayloads['scan_unit_pruning_v1'];
export type PlanExecutionDiffV1 = EventPayloads['plan_execution_diff_v1'];
export type CliInvocationV1 = EventPayloads['cli_invocation_v1'];
export type OtelConfigSnapshotV1 = EventPayloads['otel_config_snapshot_v1'];
export type StageEvent = EventPayloads['stage.start'];
export type PlanExpectedTasksV1 = EventPayloads['plan_expected_tasks_v1'];

export interface RecognizedEventBase {
  name: string;
  /** The record's time (a log's observed time when its event time is 0). */
  timeNs: bigint;
  origin: EventOrigin;
  traceId?: string;
  spanId?: string;
  /** Resource `service.name`. */
  serviceName?: string;
  /** The raw attributes, untouched (for logs: the record's attributes only, not the body). */
  attributes: Attributes;
  /** `event.kind` attribute when present (`event` | `artifact` for CodeAnatomy). */
  eventKind?: string;
  /** Notes on what could not be decoded: fields dropped as invalid, JSON kept as a raw
   * string. Absent when everything decoded. */
  issues?: string[];
}

export interface KnownEvent<N extends KnownEventName> extends RecognizedEventBase {
  known: true;
  name: N;
  payload: EventPayloads[N];
}

export interface GenericEvent extends RecognizedEventBase {
  known: false;
  name: string;
  /** The merged raw attributes (body map entries + attributes), not decoded. */
  payload: Record<string, unknown>;
}

export type AnyKnownEvent = { [N in KnownEventName]: KnownEvent<N> }[KnownEventName];
export type RecognizedEvent = AnyKnownEvent | GenericEvent;
