// A build's OpenTelemetry configuration, resolved and checked before launch: the layers
// (profile < user env < build configuration < flags, src/core/config/resolve.ts), the
// Hamilton variables (part of the build configuration), and the declarative configuration
// file(s), which must be readable and valid or nothing is launched. The same object gives
// the child's environment (once the run's receiver exists) and the effective-configuration
// table (`build-diag config`, the palette command) — so the table shows what is launched.
import { resolve } from 'node:path';
import {
  SettingsError,
  checkConfigFile,
  configFileOf,
  effectiveConfig,
  resolveOtelConfig,
  type CheckedConfigFile,
  type ConfigRow,
  type OtelSettings,
  type HamiltonSettings,
  type ResolvedOtelConfig,
} from '../core/config/index.js';
import { buildChildEnv, type ChildEnv } from './env.js';
import { hamiltonSetup, type HamiltonSetup } from './hamilton.js';

export interface LaunchConfigInput {
  cwd: string;
  /** For the Hamilton DAG name and repo hash; default cwd. */
  workspaceRoot?: string;
  userEnv: NodeJS.ProcessEnv;
  /** `builds[].env`. */
  runEnv?: Record<string, string>;
  /** `builds[].otel` (or the `otel` key of `--settings FILE`). */
  otel?: OtelSettings;
  /** Explicit flags. */
  otelFlags?: OtelSettings;
  hamilton?: HamiltonSettings;
  protocol?: 'http/protobuf' | 'http/json' | 'grpc';
}

export interface RunRouting {
  endpoint: string;
  token: string;
  traceparent: string;
  runId: string;
  protocol?: 'http/protobuf' | 'http/json' | 'grpc';
}

export interface LaunchConfig {
  resolved: ResolvedOtelConfig;
  hamilton?: HamiltonSetup;
  configFiles: CheckedConfigFile[];
  /** Value-free notes for the user. */
  warnings: string[];
  /** The child's environment for a run whose receiver is known. */
  childEnv(run: RunRouting): ChildEnv;
  /** Every telemetry variable the child gets, masked, with its origin. Placeholders stand
   * for the per-run values when no run is given. */
  table(run?: RunRouting): ConfigRow[];
}

/** The environment Build Diagnostics reports as its own (launcher telemetry, Hamilton tag). */
export function launcherEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  return env.BUILD_DIAGNOSTICS_ENVIRONMENT || 'local';
}

const PLACEHOLDER: RunRouting = {
  endpoint: 'http://127.0.0.1:<port>',
  token: '<per-run token>',
  traceparent: '00-<trace id>-<span id>-01',
  runId: '<run id>',
};

/** Throws SettingsError (invalid settings/flags) or ConfigFileError (unreadable/invalid
 * declarative configuration file), with messages that never contain values. */
export function resolveLaunchConfig(i: LaunchConfigInput): LaunchConfig {
  const resolved = resolveOtelConfig({ userEnv: i.userEnv, build: i.otel, buildEnv: i.runEnv, flags: i.otelFlags });
  if (resolved.errors.length > 0) throw new SettingsError(resolved.errors.join('; '));
  const warnings = [...resolved.warnings];
  const hamilton = hamiltonSetup(i.hamilton, {
    workspaceRoot: i.workspaceRoot ?? i.cwd,
    codeanatomy: resolved.profile.name === 'codeanatomy',
    environment: launcherEnvironment(i.userEnv),
  });
  const runEnv = { ...(hamilton?.env ?? {}), ...resolved.runEnv };
  if (resolved.profile.requiredProtocol && i.protocol && i.protocol !== resolved.profile.requiredProtocol) {
    warnings.push(`the ${resolved.profile.name} profile needs ${resolved.profile.requiredProtocol}; its exporters cannot send ${i.protocol}`);
  }

  // The file(s) the child will read: the highest layer that sets each variable wins.
  const merged: Record<string, string | undefined> = { ...i.userEnv, ...runEnv, ...resolved.flagEnv };
  const configFiles: CheckedConfigFile[] = [];
  const seen = new Set<string>();
  for (const variable of ['OTEL_CONFIG_FILE', 'OTEL_EXPERIMENTAL_CONFIG_FILE']) {
    const f = configFileOf({ [variable]: merged[variable] });
    if (!f) continue;
    const abs = resolve(i.cwd, f.path);
    if (seen.has(abs)) continue;
    seen.add(abs);
    const checked = checkConfigFile(f.variable, f.path, i.cwd);
    configFiles.push(checked);
    warnings.push(...checked.warnings);
  }

  const childEnv = (run: RunRouting): ChildEnv =>
    buildChildEnv({
      ...run,
      protocol: run.protocol ?? i.protocol,
      userEnv: i.userEnv,
      runEnv,
      flagEnv: resolved.flagEnv,
      defaults: resolved.defaults,
    });

  return {
    resolved,
    hamilton,
    configFiles,
    warnings,
    childEnv,
    table(run = PLACEHOLDER) {
      const c = childEnv(run);
      return effectiveConfig(c.env, c.origins, resolved.profile.name);
    },
  };
}
