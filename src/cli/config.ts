// The configuration flags shared by `build-diag run` and `build-diag config`, the settings
// file, and the `config` subcommand: the effective OpenTelemetry configuration of a build —
// every variable, its value (secrets masked) and where it came from — without launching it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  PROFILE_NAMES,
  SettingsError,
  isProfileName,
  parseDiagnosticsSettings,
  redactionConfig,
  renderConfigTable,
  type DiagnosticsSettings,
  type ForwardSettings,
  type OtelSettings,
} from '../core/config/index.js';
import { resolveLaunchConfig } from '../launch/otelConfig.js';
import type { SessionOptions } from '../launch/session.js';

export class ConfigUsageError extends Error {}

/** node:util parseArgs option specs of the configuration flags. */
export const CONFIG_OPTIONS = {
  settings: { type: 'string' },
  profile: { type: 'string' },
  sampler: { type: 'string' },
  'sampler-arg': { type: 'string' },
  'service-name': { type: 'string' },
  otel: { type: 'string', multiple: true },
  'otel-config': { type: 'string' },
  forward: { type: 'string' },
  'forward-header': { type: 'string', multiple: true },
  'forward-protocol': { type: 'string' },
  'trace-url': { type: 'string' },
  debug: { type: 'boolean' },
  'keep-runs': { type: 'string' },
  'keep-bytes': { type: 'string' },
} as const;

export const CONFIG_USAGE = `      --settings FILE         JSON settings: otel, forward, traceUrlTemplate, hamilton, redaction,
                              limits, retention, debug (docs/otel-configuration.md)
      --profile NAME          ${PROFILE_NAMES.join(' | ')} (default generic)
      --sampler NAME          OTEL_TRACES_SAMPLER for the build;  --sampler-arg X  its argument
      --service-name NAME     OTEL_SERVICE_NAME for the build
      --otel KEY=VALUE        any OTEL_* variable for the build (repeatable; wins over everything)
      --otel-config FILE      declarative configuration file (OTEL_CONFIG_FILE and OTEL_EXPERIMENTAL_CONFIG_FILE)
      --forward URL           also send everything (redacted) to this OTLP/HTTP endpoint
      --forward-header K=V    header for the forward endpoint (repeatable; never stored)
      --forward-protocol P    http/protobuf (default) or http/json
      --trace-url TEMPLATE    link the run's trace in reports, e.g. https://jaeger/trace/{traceId}
      --debug                 lift the capture limits (redaction stays on)
      --keep-runs N           after the run, keep the last N bundles next to this one
      --keep-bytes SIZE       … and at most SIZE bytes of them (suffix k, m, g)`;

type Values = { [K in keyof typeof CONFIG_OPTIONS]?: (typeof CONFIG_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof CONFIG_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The parts of SessionOptions the configuration flags and settings file decide. */
export type ConfigSessionOptions = Pick<
  SessionOptions,
  'otel' | 'otelFlags' | 'forward' | 'traceUrlTemplate' | 'hamilton' | 'redaction' | 'limits' | 'debug' | 'retention'
>;

function keyValue(flag: string, s: string): [string, string] {
  const eq = s.indexOf('=');
  if (eq <= 0) throw new ConfigUsageError(`--${flag} takes KEY=VALUE`);
  return [s.slice(0, eq).trim(), s.slice(eq + 1)];
}

export function parseSize(flag: string, s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(s);
  if (!m) throw new ConfigUsageError(`--${flag} takes a size such as 500m or 2g`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * mult);
}

function readSettingsFile(path: string): DiagnosticsSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SettingsError(`--settings ${path}: ${code ? `cannot be read (${code})` : 'is not valid JSON'}`);
  }
  return parseDiagnosticsSettings(raw, path);
}

/** Flags and the settings file → session options. The settings file is the build's
 * configuration (precedence layer 3); the flags are layer 4. */
export function configFromFlags(v: Values, cwd: string): ConfigSessionOptions {
  const file = v.settings ? readSettingsFile(resolve(cwd, v.settings)) : {};
  const flags: OtelSettings = {};
  if (v.profile !== undefined) {
    if (!isProfileName(v.profile)) throw new ConfigUsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
    flags.profile = v.profile;
  }
  const env: Record<string, string> = {};
  for (const kv of v.otel ?? []) {
    const [k, val] = keyValue('otel', kv);
    env[k] = val;
  }
  if (v.sampler !== undefined) env.OTEL_TRACES_SAMPLER = v.sampler;
  if (v['sampler-arg'] !== undefined) env.OTEL_TRACES_SAMPLER_ARG = v['sampler-arg'];
  if (v['service-name'] !== undefined) env.OTEL_SERVICE_NAME = v['service-name'];
  if (v['otel-config'] !== undefined) flags.configFile = v['otel-config'];
  if (Object.keys(env).length > 0) flags.env = env;

  let forward: ForwardSettings | undefined = file.forward;
  if (v.forward !== undefined) {
    const headers: Record<string, string> = { ...(file.forward?.headers ?? {}) };
    for (const h of v['forward-header'] ?? []) {
      const [k, val] = keyValue('forward-header', h);
      headers[k] = val;
    }
    const protocol = v['forward-protocol'] ?? file.forward?.protocol;
    const parsed = parseDiagnosticsSettings({ forward: { ...(file.forward ?? {}), endpoint: v.forward, headers, ...(protocol ? { protocol } : {}) } }, 'flags');
    forward = parsed.forward;
  } else if (v['forward-header'] || v['forward-protocol']) {
    throw new ConfigUsageError('--forward-header and --forward-protocol need --forward URL');
  }
  const traceUrlTemplate = v['trace-url'] !== undefined ? parseDiagnosticsSettings({ traceUrlTemplate: v['trace-url'] }, 'flags').traceUrlTemplate : file.traceUrlTemplate;

  const retention = { ...(file.retention ?? {}) };
  if (v['keep-runs'] !== undefined) {
    const n = Number(v['keep-runs']);
    if (!Number.isInteger(n) || n < 1) throw new ConfigUsageError('--keep-runs takes a whole number ≥ 1');
    retention.maxRuns = n;
  }
  if (v['keep-bytes'] !== undefined) retention.maxBytes = parseSize('keep-bytes', v['keep-bytes']);

  return {
    otel: file.otel,
    otelFlags: Object.keys(flags).length > 0 ? flags : undefined,
    forward,
    traceUrlTemplate,
    hamilton: file.hamilton,
    redaction: redactionConfig(file.redaction),
    limits: file.limits,
    debug: Boolean(v.debug || file.debug),
    retention: Object.keys(retention).length > 0 ? retention : undefined,
  };
}

export interface ConfigCommandArgs {
  cwd: string;
  json: boolean;
  protocol?: 'http/protobuf' | 'http/json' | 'grpc';
  config: ConfigSessionOptions;
}

/** `build-diag config`: prints the effective configuration; throws SettingsError /
 * ConfigFileError like a launch would. */
export function configCommand(a: ConfigCommandArgs, out: NodeJS.WritableStream = process.stdout): number {
  const lc = resolveLaunchConfig({
    cwd: a.cwd,
    userEnv: process.env,
    otel: a.config.otel,
    otelFlags: a.config.otelFlags,
    hamilton: a.config.hamilton,
    protocol: a.protocol,
  });
  const rows = lc.table();
  const forward = a.config.forward
    ? { endpoint: a.config.forward.endpoint, protocol: a.config.forward.protocol, headers: Object.keys(a.config.forward.headers ?? {}).sort() }
    : null;
  if (a.json) {
    out.write(
      JSON.stringify(
        {
          profile: lc.resolved.profile.name,
          variables: rows,
          configFiles: lc.configFiles.map((f) => f.path),
          forward,
          traceUrlTemplate: a.config.traceUrlTemplate ?? null,
          hamilton: lc.hamilton ? { dagName: lc.hamilton.dagName, repoHash: lc.hamilton.repoHash } : null,
          debug: Boolean(a.config.debug),
          warnings: lc.warnings,
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  out.write(`Profile: ${lc.resolved.profile.name} — ${lc.resolved.profile.description}\n`);
  out.write('Precedence: profile < your environment < build configuration (--settings) < flags\n\n');
  out.write(renderConfigTable(rows));
  if (lc.configFiles.length > 0) out.write(`\nDeclarative configuration: ${lc.configFiles.map((f) => f.path).join(', ')} (valid)\n`);
  if (forward) out.write(`\nForwarding to ${forward.endpoint} (${forward.protocol})${forward.headers.length ? `, headers ${forward.headers.join(', ')} (values hidden)` : ''}\n`);
  if (a.config.traceUrlTemplate) out.write(`Trace links: ${a.config.traceUrlTemplate}\n`);
  for (const w of lc.warnings) out.write(`warning: ${w}\n`);
  return 0;
}
