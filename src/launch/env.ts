// The environment a build is launched with: the user's environment plus the OpenTelemetry
// settings that make its telemetry flow to our per-run receiver.
//
// Precedence (lowest → highest), per variable class:
//  * Tuning knobs (sampler, batch/export delays, which exporters are on, the CodeAnatomy
//    diagnostics sink): our default < the user's environment < runEnv. A user who tuned
//    these in their shell meant it; we warn where that will lose telemetry.
//  * Routing (OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, TRACEPARENT): ours < runEnv. The
//    user's shell values are for some other collector/trace and are replaced; per-signal
//    overrides (OTEL_EXPORTER_OTLP_{TRACES,LOGS,METRICS}_{ENDPOINT,HEADERS,PROTOCOL}) and an
//    inherited `traceparent`/TRACESTATE are removed unless runEnv sets them, so telemetry
//    doesn't leak elsewhere and our token isn't shadowed.
//  * OTEL_EXPORTER_OTLP_HEADERS: the user's (or runEnv's, which replaces the user's) list
//    merged with our `authorization=Bearer%20<token>` (lower case: gRPC metadata keys must be), ours winning for any spelling of `authorization`
//    even over runEnv — without it the receiver answers 401 and nothing is kept.
//  * OTEL_RESOURCE_ATTRIBUTES: the user's (or runEnv's) list merged with our run id keys
//    (`build.run.id`, `cicd.pipeline.run.id`), ours winning for those two keys.
//  * OTEL_SDK_DISABLED from the user's env is kept (the user asked for it) but reported.
//  * flagEnv (explicit CLI flags) is applied like runEnv, after it: the full precedence is
//    our defaults (the profile, src/core/config/profiles.ts) < the user's environment < the
//    build's configuration (runEnv) < flags (docs/otel-configuration.md).
// Env-carrier spec for TRACEPARENT:
// https://opentelemetry.io/docs/specs/otel/context/env-carriers/
// Header/attribute list format (W3C baggage style, percent-encoded values):
// https://opentelemetry.io/docs/specs/otel/protocol/exporter/#specifying-headers-via-environment-variables

import { PROFILES } from '../core/config/profiles.js';

export type EnvOrigin = 'default' | 'user' | 'run' | 'flag';

export interface ChildEnvOptions {
  /** Base URL of our receiver, e.g. http://127.0.0.1:PORT (no /v1/… suffix). */
  endpoint: string;
  token: string;
  traceparent: string;
  runId: string;
  protocol?: 'http/protobuf' | 'http/json' | 'grpc';
  userEnv: NodeJS.ProcessEnv;
  /** Set explicitly for this run: wins over everything except our Authorization header. */
  runEnv?: Record<string, string>;
  /** Explicit flags: win over runEnv (same rules). */
  flagEnv?: Record<string, string>;
  /** Our defaults (a profile's variables); default TUNING_DEFAULTS. The user's env wins. */
  defaults?: Readonly<Record<string, string>>;
}

export interface ChildEnv {
  env: Record<string, string>;
  /** For every OTEL/launch variable we considered: who decided its value. `default` = us. */
  origins: Record<string, EnvOrigin>;
  /** One-line, value-free notes for the user (e.g. telemetry disabled by their env). */
  warnings: string[];
}

/** Defaults the user's environment may override, when no profile is given: the
 * `codeanatomy` profile's variables (src/core/config/profiles.ts). */
export const TUNING_DEFAULTS: Readonly<Record<string, string>> = PROFILES.codeanatomy.env;

const SIGNALS = ['TRACES', 'LOGS', 'METRICS'] as const;
/** Inherited variables that would route telemetry elsewhere or shadow our settings. */
const STRIPPED_FROM_USER = [
  ...SIGNALS.flatMap((s) => [
    `OTEL_EXPORTER_OTLP_${s}_ENDPOINT`,
    `OTEL_EXPORTER_OTLP_${s}_HEADERS`,
    `OTEL_EXPORTER_OTLP_${s}_PROTOCOL`,
  ]),
  'traceparent',
  'tracestate',
  'TRACESTATE',
];

const HEADERS = 'OTEL_EXPORTER_OTLP_HEADERS';
const RESOURCE_ATTRS = 'OTEL_RESOURCE_ATTRIBUTES';
const RUN_ID_KEYS = ['build.run.id', 'cicd.pipeline.run.id'];

/** Entries of a `k=v,k2=v2` list, raw (still percent-encoded); blanks and junk skipped. */
export function parseKeyValueList(list: string | undefined): { key: string; raw: string }[] {
  if (!list) return [];
  const out: { key: string; raw: string }[] = [];
  for (const part of list.split(',')) {
    const raw = part.trim();
    const eq = raw.indexOf('=');
    if (eq <= 0) continue;
    out.push({ key: raw.slice(0, eq).trim(), raw });
  }
  return out;
}

/** `base` entries whose key is not in `ours` (compared by `norm`), then `ours`. */
function mergeList(base: string | undefined, ours: Record<string, string>, norm: (k: string) => string): string {
  const ourKeys = new Set(Object.keys(ours).map(norm));
  const kept = parseKeyValueList(base)
    .filter((e) => !ourKeys.has(norm(e.key)))
    .map((e) => e.raw);
  for (const [k, v] of Object.entries(ours)) kept.push(`${k}=${encodeURIComponent(v)}`);
  return kept.join(',');
}

export function buildChildEnv(o: ChildEnvOptions): ChildEnv {
  const runEnv = o.runEnv ?? {};
  const flagEnv = o.flagEnv ?? {};
  const env: Record<string, string> = {};
  const origins: Record<string, EnvOrigin> = {};
  const warnings: string[] = [];

  for (const [k, v] of Object.entries(o.userEnv)) {
    if (v !== undefined && !STRIPPED_FROM_USER.includes(k)) env[k] = v;
  }

  for (const [k, v] of Object.entries(o.defaults ?? TUNING_DEFAULTS)) {
    if (env[k] === undefined) {
      env[k] = v;
      origins[k] = 'default';
    } else {
      origins[k] = 'user';
    }
  }

  env.OTEL_EXPORTER_OTLP_ENDPOINT = o.endpoint;
  env.OTEL_EXPORTER_OTLP_PROTOCOL = o.protocol ?? 'http/protobuf';
  env.TRACEPARENT = o.traceparent;
  for (const k of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'TRACEPARENT']) origins[k] = 'default';

  // runEnv: explicit for this run, wins (the two merged lists are handled below).
  // flagEnv: explicit flags, after runEnv (same rules).
  for (const [layer, origin] of [[runEnv, 'run'], [flagEnv, 'flag']] as const) {
    for (const [k, v] of Object.entries(layer)) {
      if (k === HEADERS || k === RESOURCE_ATTRS) continue;
      env[k] = v;
      origins[k] = origin;
    }
  }

  const lower = (k: string): string => k.toLowerCase();
  const headerBase = flagEnv[HEADERS] ?? runEnv[HEADERS] ?? o.userEnv[HEADERS];
  env[HEADERS] = mergeList(headerBase, { authorization: `Bearer ${o.token}` }, lower);
  origins[HEADERS] = 'default';

  const attrBase = flagEnv[RESOURCE_ATTRS] ?? runEnv[RESOURCE_ATTRS] ?? o.userEnv[RESOURCE_ATTRS];
  const ids = Object.fromEntries(RUN_ID_KEYS.map((k) => [k, o.runId]));
  env[RESOURCE_ATTRS] = mergeList(attrBase, ids, (k) => k);
  origins[RESOURCE_ATTRS] =
    flagEnv[RESOURCE_ATTRS] !== undefined ? 'flag' : runEnv[RESOURCE_ATTRS] !== undefined ? 'run' : o.userEnv[RESOURCE_ATTRS] !== undefined ? 'user' : 'default';

  collectWarnings(env, origins, warnings);
  return { env, origins, warnings };
}

function collectWarnings(env: Record<string, string>, origins: Record<string, EnvOrigin>, warnings: string[]): void {
  const sdkDisabled = env.OTEL_SDK_DISABLED;
  if (sdkDisabled !== undefined && sdkDisabled.trim().toLowerCase() === 'true') {
    const from = origins.OTEL_SDK_DISABLED === 'run' ? 'run settings' : origins.OTEL_SDK_DISABLED === 'flag' ? 'flags' : 'environment';
    warnings.push(`OTEL_SDK_DISABLED=true (from your ${from}): the build will send no telemetry`);
  }
  if (origins.OTEL_EXPORTER_OTLP_ENDPOINT === 'run' || origins.OTEL_EXPORTER_OTLP_ENDPOINT === 'flag') {
    warnings.push('OTEL_EXPORTER_OTLP_ENDPOINT is set for this run: telemetry goes there, not to Build Diagnostics');
  }
  for (const s of SIGNALS) {
    const k = `OTEL_${s}_EXPORTER`;
    const v = env[k];
    if (v !== undefined && origins[k] !== 'default' && !v.split(',').map((x) => x.trim()).includes('otlp')) {
      warnings.push(`${k} does not include otlp: ${s.toLowerCase()} will not be received`);
    }
  }
  const sampler = env.OTEL_TRACES_SAMPLER;
  if (origins.OTEL_TRACES_SAMPLER !== 'default' && sampler !== 'parentbased_always_on' && sampler !== 'always_on') {
    warnings.push('OTEL_TRACES_SAMPLER is set to a sampler other than always-on: some spans may not be recorded');
  }
}
