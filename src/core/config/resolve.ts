// Resolving the OpenTelemetry configuration of a build from its layers. Precedence, lowest
// first (docs/otel-configuration.md):
//   1. our defaults — the profile's variables (src/core/config/profiles.ts);
//   2. the user's environment (the shell or the editor's process);
//   3. the build's configuration — `buildDiagnostics.builds[].otel` and `.env`, or the CLI's
//      `--settings FILE`;
//   4. explicit flags — `--sampler`, `--otel KEY=VALUE`, `--profile`, …
// The routing variables (endpoint, protocol, headers' Authorization, TRACEPARENT) are the
// run's own and are set by src/launch/env.ts over all of these.
// This module turns the structured settings into per-layer variable maps and validates them;
// src/launch/env.ts merges the layers into the child's environment and records origins.
import { PROFILES, DEFAULT_PROFILE, isProfileName, type Profile, type ProfileName } from './profiles.js';
import { checkKnobValue } from './knobs.js';
import type { OtelSettings } from './settings.js';

export interface OtelLayers {
  /** The user's environment (only read for validation and the config file path). */
  userEnv?: Record<string, string | undefined>;
  /** The build's configuration: structured settings. */
  build?: OtelSettings;
  /** The build's configuration: raw variables (`builds[].env`). Structured settings win. */
  buildEnv?: Record<string, string>;
  /** Explicit flags, in the same shape as the settings. */
  flags?: OtelSettings;
}

export interface ResolvedOtelConfig {
  profile: Profile;
  /** Layer 1. */
  defaults: Record<string, string>;
  /** Layer 3. */
  runEnv: Record<string, string>;
  /** Layer 4. */
  flagEnv: Record<string, string>;
  /** Value-free problems that must stop a launch. */
  errors: string[];
  warnings: string[];
}

const CONFIG_FILE_VARS = ['OTEL_CONFIG_FILE', 'OTEL_EXPERIMENTAL_CONFIG_FILE'] as const;

/** Structured settings → variables. Keys absent from the settings are absent here. */
export function otelSettingsToEnv(s: OtelSettings | undefined): Record<string, string> {
  const env: Record<string, string> = { ...(s?.env ?? {}) };
  if (!s) return env;
  const set = (k: string, v: string | number | undefined): void => {
    if (v !== undefined) env[k] = String(v);
  };
  set('OTEL_SERVICE_NAME', s.serviceName);
  if (s.resourceAttributes && Object.keys(s.resourceAttributes).length > 0) {
    env.OTEL_RESOURCE_ATTRIBUTES = Object.entries(s.resourceAttributes)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join(',');
  }
  set('OTEL_TRACES_SAMPLER', s.sampler);
  set('OTEL_TRACES_SAMPLER_ARG', s.samplerArg);
  for (const [prefix, b] of [['BSP', s.spanBatch], ['BLRP', s.logBatch]] as const) {
    set(`OTEL_${prefix}_SCHEDULE_DELAY`, b?.scheduleDelayMs);
    set(`OTEL_${prefix}_EXPORT_TIMEOUT`, b?.exportTimeoutMs);
    set(`OTEL_${prefix}_MAX_QUEUE_SIZE`, b?.maxQueueSize);
    set(`OTEL_${prefix}_MAX_EXPORT_BATCH_SIZE`, b?.maxExportBatchSize);
  }
  set('OTEL_METRIC_EXPORT_INTERVAL', s.metricExportIntervalMs);
  set('OTEL_METRIC_EXPORT_TIMEOUT', s.metricExportTimeoutMs);
  set('OTEL_ATTRIBUTE_COUNT_LIMIT', s.attributeCountLimit);
  set('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', s.attributeValueLengthLimit);
  // Both names: Python reads the experimental one, newer SDKs the other.
  if (s.configFile !== undefined) for (const k of CONFIG_FILE_VARS) env[k] = s.configFile;
  return env;
}

function validate(layer: string, env: Record<string, string>, errors: string[]): void {
  for (const [k, v] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
      errors.push(`${layer}: ${JSON.stringify(k.slice(0, 60))} is not a valid environment variable name`);
      continue;
    }
    const problem = checkKnobValue(k, v);
    if (problem) errors.push(`${layer}: ${problem}`);
  }
  const sampler = env.OTEL_TRACES_SAMPLER;
  const arg = env.OTEL_TRACES_SAMPLER_ARG;
  if (arg !== undefined && (sampler === undefined || /traceidratio$/.test(sampler))) {
    const n = Number(arg);
    if (arg.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) errors.push(`${layer}: OTEL_TRACES_SAMPLER_ARG takes a ratio between 0 and 1 for the traceidratio samplers`);
  }
}

export function resolveProfile(layers: OtelLayers): Profile {
  const name = layers.flags?.profile ?? layers.build?.profile ?? DEFAULT_PROFILE;
  return PROFILES[isProfileName(name) ? name : DEFAULT_PROFILE];
}

export function resolveOtelConfig(layers: OtelLayers): ResolvedOtelConfig {
  const errors: string[] = [];
  const warnings: string[] = [];
  const profile = resolveProfile(layers);
  const runEnv = { ...(layers.buildEnv ?? {}), ...otelSettingsToEnv(layers.build) };
  const flagEnv = otelSettingsToEnv(layers.flags);
  validate('build configuration', runEnv, errors);
  validate('flags', flagEnv, errors);
  return { profile, defaults: { ...profile.env }, runEnv, flagEnv, errors, warnings };
}

/** The declarative configuration file the child will read, if any: the newer variable
 * first, as the newer SDKs do. */
export function configFileOf(env: Record<string, string | undefined>): { variable: string; path: string } | undefined {
  for (const variable of CONFIG_FILE_VARS) {
    const path = env[variable];
    if (path !== undefined && path.trim() !== '') return { variable, path };
  }
  return undefined;
}

export type { ProfileName };
