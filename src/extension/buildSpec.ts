// From a configured build (settings or a tasks.json definition) to what the launcher needs.
// Pure: no `vscode`. `${workspaceFolder}` is the only variable substituted, in the command,
// cwd, env values and dataset paths; a relative cwd is relative to the workspace folder and
// dataset paths are relative to the build's cwd (as for `build-diag run --dataset`).
import { join, resolve } from 'node:path';
import type { DatasetDecl } from '../core/analysis/datasetCheck.js';
import { uuidv7 } from '../core/run.js';
import { redactionConfig, type OtelSettings } from '../core/config/settings.js';
import type { SessionOptions } from '../launch/session.js';
import type { BuildSetting, Settings } from './settings.js';

/** The configuration-surface part of a run's SessionOptions. Retention is not here: the
 * launcher applies it to the whole history folder, sparing every run still recording. */
export type DiagnosticsOptions = Pick<
  SessionOptions,
  'otel' | 'forward' | 'traceUrlTemplate' | 'hamilton' | 'workspaceRoot' | 'redaction' | 'limits' | 'debug'
>;

export interface ResolvedBuild {
  name: string;
  argv: string[];
  shell: boolean;
  cwd: string;
  env: Record<string, string>;
  datasets: DatasetDecl[];
  stallThresholdS: number;
  /** Globs of the build's own files to keep in the bundle (relative to cwd). */
  artifactGlobs: string[];
  /** Bundle folder when the build's cwd is not the workspace root (history is always kept
   * under `<workspace>/.build-diagnostics/runs`); undefined = the session's default. */
  outDir: string | undefined;
  /** Telemetry configuration, forwarding, Hamilton and the safety policy from the settings
   * (optional so that hand-made builds in tests stay valid). */
  diagnostics?: DiagnosticsOptions;
}

export const HISTORY_DIR = join('.build-diagnostics', 'runs');

function subst(s: string, workspaceRoot: string): string {
  return s.replace(/\$\{workspaceFolder\}/g, workspaceRoot);
}

export function resolveBuild(b: BuildSetting, settings: Settings, workspaceRoot: string): ResolvedBuild {
  const root = resolve(workspaceRoot);
  const cwd = resolve(root, subst(b.cwd ?? '.', root));
  const shell = typeof b.command === 'string';
  const argv = typeof b.command === 'string' ? [subst(b.command, root)] : b.command.map((a) => subst(a, root));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.env ?? {})) env[k] = subst(v, root);
  const datasets = (b.datasets ?? []).map((d) => ({ ...d, path: subst(d.path, root) }));
  return {
    name: b.name,
    argv,
    shell,
    cwd,
    env,
    datasets,
    stallThresholdS: b.stallThresholdSeconds ?? settings.stallThresholdSeconds,
    artifactGlobs: (b.artifacts ?? []).map((g) => subst(g, root)),
    outDir: cwd === root ? undefined : join(root, HISTORY_DIR, uuidv7()),
    diagnostics: diagnosticsOptions(b, settings, root),
  };
}

function substOtel(o: OtelSettings, root: string): OtelSettings {
  return {
    ...o,
    ...(o.configFile !== undefined ? { configFile: subst(o.configFile, root) } : {}),
    ...(o.env ? { env: Object.fromEntries(Object.entries(o.env).map(([k, v]) => [k, subst(v, root)])) } : {}),
  };
}

/** Settings → the session's configuration-surface options. Copies (settings are frozen and
 * the session may fill in defaults); unset settings are left out, so the session's own
 * defaults apply. `${workspaceFolder}` is substituted in `otel.configFile` and `otel.env`. */
export function diagnosticsOptions(b: BuildSetting, settings: Settings, workspaceRoot: string): DiagnosticsOptions {
  const root = resolve(workspaceRoot);
  const copy = <T>(v: T): T => structuredClone(v);
  const redaction = Object.keys(settings.redaction).length > 0 ? redactionConfig(copy(settings.redaction)) : undefined;
  return {
    workspaceRoot: root,
    ...(b.otel ? { otel: substOtel(copy(b.otel), root) } : {}),
    ...(settings.forward ? { forward: copy(settings.forward) } : {}),
    ...(settings.traceUrlTemplate ? { traceUrlTemplate: settings.traceUrlTemplate } : {}),
    ...(settings.hamilton ? { hamilton: copy(settings.hamilton) } : {}),
    ...(redaction ? { redaction } : {}),
    ...(Object.keys(settings.limits).length > 0 ? { limits: copy(settings.limits) } : {}),
    ...(settings.debug ? { debug: true } : {}),
  };
}

/** The retention policy of the workspace's history: the smaller run count of `historySize`
 * and `retention.maxRuns`, and `retention.maxBytes`. */
export function retentionPolicy(settings: Settings): { maxRuns: number; maxBytes?: number } {
  const maxRuns = Math.min(settings.historySize, settings.retention.maxRuns ?? Number.POSITIVE_INFINITY);
  return { maxRuns, ...(settings.retention.maxBytes !== undefined ? { maxBytes: settings.retention.maxBytes } : {}) };
}

/** What a `build-diagnostics` task definition may say (package.json taskDefinitions). */
export interface TaskDefinitionLike {
  build?: unknown;
  command?: unknown;
  cwd?: unknown;
  label?: unknown;
}

/** A task names a configured build or carries an inline command. Returns a reason on error. */
export function buildFromTask(def: TaskDefinitionLike, settings: Settings, fallbackName: string): BuildSetting | string {
  if (typeof def.build === 'string') {
    const b = settings.builds.find((x) => x.name === def.build);
    return b ?? `no build named "${def.build}" in buildDiagnostics.builds`;
  }
  const cmd = def.command;
  const okArgv = Array.isArray(cmd) && cmd.length > 0 && cmd.every((a) => typeof a === 'string');
  if ((typeof cmd === 'string' && cmd.length > 0) || okArgv) {
    return {
      name: fallbackName,
      command: cmd as string | string[],
      ...(typeof def.cwd === 'string' ? { cwd: def.cwd } : {}),
    };
  }
  return 'a build-diagnostics task needs "build" (the name of a configured build) or "command"';
}
