// From a configured build (settings or a tasks.json definition) to what the launcher needs.
// Pure: no `vscode`. `${workspaceFolder}` is the only variable substituted, in the command,
// cwd, env values and dataset paths; a relative cwd is relative to the workspace folder and
// dataset paths are relative to the build's cwd (as for `build-diag run --dataset`).
import { join, resolve } from 'node:path';
import type { DatasetDecl } from '../core/analysis/datasetCheck.js';
import { uuidv7 } from '../core/run.js';
import type { BuildSetting, Settings } from './settings.js';

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
  };
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
