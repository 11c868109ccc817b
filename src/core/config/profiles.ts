// Profiles: our default values for the build's OpenTelemetry variables (the lowest layer of
// the precedence; the user's environment, the build's configuration and explicit flags all
// win over them).
//
// `generic` makes any OTel SDK send everything, promptly: always-on sampling (a ratio
// sampler would silently lose spans), short batch delays (live views) and every exporter
// on OTLP.
// `codeanatomy` adds what that pipeline needs (../shared/docs/codeanatomy-telemetry.md §1):
// its Python exporters default to gRPC and never speak JSON, so HTTP/protobuf is required
// (the session sets the protocol; see `requiredProtocol`); its default sampler keeps 10%;
// its DataFusion diagnostics artifacts only reach OTel with CODEANATOMY_DIAGNOSTICS_SINK=otel;
// its metric interval defaults to 60 s.

import { CODEANATOMY_ARTIFACT_GLOBS } from '../artifacts/globs.js';

export type ProfileName = 'generic' | 'codeanatomy';
export const PROFILE_NAMES: readonly ProfileName[] = ['generic', 'codeanatomy'];
export const DEFAULT_PROFILE: ProfileName = 'generic';

export interface Profile {
  name: ProfileName;
  description: string;
  /** Our defaults: the user's environment wins over each of them. */
  env: Readonly<Record<string, string>>;
  /** OTLP protocol the build's SDK must use, when the profile knows it. */
  requiredProtocol?: 'http/protobuf';
  /** What the session captures besides its own endpoint unless told otherwise: the files the
   * build writes, and the standard OTLP ports (CodeAnatomy's Rust engine sends its traces to
   * 127.0.0.1:4318 whatever the environment says). */
  capture?: { artifactGlobs: readonly string[]; defaultPorts: boolean };
}

const GENERIC_ENV = {
  OTEL_TRACES_SAMPLER: 'parentbased_always_on',
  OTEL_BSP_SCHEDULE_DELAY: '500',
  OTEL_BLRP_SCHEDULE_DELAY: '500',
  OTEL_METRIC_EXPORT_INTERVAL: '2000',
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_METRICS_EXPORTER: 'otlp',
  OTEL_LOGS_EXPORTER: 'otlp',
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  generic: {
    name: 'generic',
    description: 'any OpenTelemetry SDK: always-on sampling, 500 ms batches, 2 s metrics, OTLP exporters',
    env: GENERIC_ENV,
  },
  codeanatomy: {
    name: 'codeanatomy',
    description: 'the CodeAnatomy semantic-IR pipeline: generic + HTTP/protobuf + diagnostics artifacts as OTel logs',
    env: { ...GENERIC_ENV, CODEANATOMY_DIAGNOSTICS_SINK: 'otel' },
    requiredProtocol: 'http/protobuf',
    capture: { artifactGlobs: CODEANATOMY_ARTIFACT_GLOBS, defaultPorts: true },
  },
};

export function isProfileName(s: string): s is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(s);
}
