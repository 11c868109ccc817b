// The zod schemas of the settings (settings.ts has their types and the parser that uses
// these): built on first use, not at the start of every run (docs/performance.md).
import { z } from 'zod';
import { PROFILE_NAMES } from './profiles.js';
import { knob } from './knobs.js';
import { VALUE_RULE_NAMES } from '../safety/redact.js';

const ms = z.number().int().min(0).max(86_400_000);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const BatchSettingsSchema = z
  .object({
    scheduleDelayMs: ms.optional(),
    exportTimeoutMs: ms.optional(),
    maxQueueSize: count.optional(),
    maxExportBatchSize: count.optional(),
  })
  .strict();

export const OtelSettingsSchema = z
  .object({
    profile: z.enum(PROFILE_NAMES as [string, ...string[]]).optional(),
    serviceName: z.string().min(1).optional(),
    resourceAttributes: z.record(z.string().min(1), z.string()).optional(),
    sampler: z.enum(knob('OTEL_TRACES_SAMPLER')!.values as [string, ...string[]]).optional(),
    samplerArg: z.union([z.number(), z.string()]).optional(),
    spanBatch: BatchSettingsSchema.optional(),
    logBatch: BatchSettingsSchema.optional(),
    metricExportIntervalMs: ms.optional(),
    metricExportTimeoutMs: ms.optional(),
    attributeCountLimit: count.optional(),
    attributeValueLengthLimit: count.optional(),
    /** Declarative configuration file, relative to the build's cwd. */
    configFile: z.string().min(1).optional(),
    /** Any other variable, raw (e.g. OTEL_PROPAGATORS). */
    env: z.record(z.string().min(1), z.string()).optional(),
  })
  .strict();

export const ForwardSettingsSchema = z
  .object({
    /** Base URL of an OTLP/HTTP endpoint (an OpenTelemetry Collector, Jaeger, Tempo, a vendor). */
    endpoint: z.string().url(),
    protocol: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
    /** Sent with every export (e.g. an API key): never written to disk, masked when shown. */
    headers: z.record(z.string().min(1), z.string()).default({}),
    /** Per export attempt, retries included. */
    timeoutMs: ms.default(10_000),
    /** Telemetry items (spans + logs + points) waiting to be sent; more is dropped and counted. */
    maxQueueItems: count.default(50_000),
    /** How often queued telemetry is sent. */
    batchDelayMs: ms.default(1000),
    /** After the run, how long to wait for the last exports (the report is written before). */
    flushTimeoutMs: ms.default(5000),
    compression: z.enum(['gzip', 'none']).default('none'),
  })
  .strict();

export const HamiltonSettingsSchema = z
  .object({
    projectId: z.union([z.string().min(1), z.number().int()]).optional(),
    username: z.string().min(1).optional(),
    apiUrl: z.string().url().optional(),
    uiUrl: z.string().url().optional(),
    /** Default `<project>::semantic_ir_v1::<repo_hash>`. */
    dagName: z.string().min(1).optional(),
    /** `<project>` of the default DAG name; default: the workspace folder's name. */
    project: z.string().min(1).optional(),
    environment: z.string().min(1).optional(),
    semanticVersion: z.string().min(1).optional(),
    tags: z.record(z.string().min(1), z.string()).optional(),
  })
  .strict();

export const RedactionSettingsSchema = z
  .object({
    enabled: z.boolean().optional(),
    /** Replaces the default key substrings. */
    keys: z.array(z.string().min(1)).optional(),
    /** Added to the (default or given) key substrings. */
    extraKeys: z.array(z.string().min(1)).optional(),
    rules: z.array(z.enum(VALUE_RULE_NAMES as [string, ...string[]])).optional(),
    extraPatterns: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const LimitsSettingsSchema = z
  .object({
    maxAttributes: count.optional(),
    maxValueLength: count.optional(),
    maxBodyLength: count.optional(),
    maxListLength: count.optional(),
    maxMapLength: count.optional(),
    planListKeys: z.array(z.string()).optional(),
    maxPlanListLength: count.optional(),
    maxSpans: count.optional(),
    maxLogs: count.optional(),
    maxMetricPoints: count.optional(),
    maxBytes: count.optional(),
  })
  .strict();

export const RetentionSettingsSchema = z
  .object({
    maxRuns: z.number().int().min(1).max(100_000).optional(),
    maxBytes: count.optional(),
  })
  .strict();

/** `{traceId}` (and optionally `{runId}`) is replaced; must be http(s). */
export const TraceUrlTemplateSchema = z
  .string()
  .refine((s) => s.includes('{traceId}'), 'must contain {traceId}')
  .refine((s) => /^https?:\/\//i.test(s), 'must be an http(s) URL');

/** The CLI's `--settings FILE`: the same keys as the extension's settings, without the prefix. */
export const DiagnosticsSettingsSchema = z
  .object({
    otel: OtelSettingsSchema.optional(),
    forward: ForwardSettingsSchema.optional(),
    traceUrlTemplate: TraceUrlTemplateSchema.optional(),
    hamilton: HamiltonSettingsSchema.optional(),
    redaction: RedactionSettingsSchema.optional(),
    limits: LimitsSettingsSchema.optional(),
    retention: RetentionSettingsSchema.optional(),
    debug: z.boolean().optional(),
  })
  .strict();
