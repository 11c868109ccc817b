// Starting a build from anywhere (palette, task, rerun, notification): the checks that
// must say why a build cannot run — untrusted workspace, no folder, invalid settings,
// already running — then the RunController. History housekeeping happens here too.
import * as vscode from 'vscode';
import { resolve } from 'node:path';
import { applyRetention } from '../bundle/retention.js';
import { resolveBuild, retentionPolicy, type ResolvedBuild } from './buildSpec.js';
import { ensureHistoryDir, historyRoot } from './history.js';
import { AlreadyRunningError, type LiveRun, type RunController, type RunHooks } from './runController.js';
import type { SettingsReader } from './config.js';
import type { BuildSetting } from './settings.js';
import { formatSettingErrors } from './settings.js';
import { Lifetime } from './lifetime.js';

export function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

export class Launcher extends Lifetime {
  /** The last build started in this window, for Rerun Last Build. */
  lastBuild: BuildSetting | undefined;

  constructor(
    private readonly settings: SettingsReader,
    private readonly controller: RunController,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(
      controller.onEvent((e) => {
        if (e.type !== 'finished') return;
        const root = workspaceRoot();
        const s = this.settings.current;
        // Never prune with a defaulted policy: an invalid historySize or retention is the
        // user's to fix. Runs still recording are never deleted.
        if (!root || s.errors.some((x) => /\.(historySize|retention)$/.test(x.setting))) return;
        try {
          const live = new Set(controller.running().map((r) => resolve(r.bundleDir)));
          const { removed } = applyRetention(historyRoot(root), retentionPolicy(s.settings), live);
          if (removed.length > 0) this.log.info(`history: removed ${removed.length} old run bundle(s)`);
        } catch (err) {
          this.log.warn(`history: could not prune: ${String(err)}`);
        }
      }),
    );
  }

  /** Why no build can run now, or undefined. */
  cannotRun(): string | undefined {
    if (!vscode.workspace.isTrusted) return 'Builds do not run in an untrusted workspace. Trust the workspace to run builds; past runs can still be viewed.';
    if (!workspaceRoot()) return 'Open a folder first: builds run in a workspace folder and keep their history there.';
    const errors = this.settings.current.errors;
    if (errors.length > 0) return `Fix the settings first: ${formatSettingErrors(errors).split('\n').join('; ')}`;
    return undefined;
  }

  /** Starts `b`, or tells the user why not and returns undefined. */
  start(b: BuildSetting, hooks?: RunHooks): LiveRun | undefined {
    const why = this.cannotRun();
    if (why) {
      void vscode.window.showErrorMessage(`Build Diagnostics: ${why}`);
      return undefined;
    }
    const root = workspaceRoot()!;
    let resolved: ResolvedBuild;
    try {
      ensureHistoryDir(root);
      resolved = resolveBuild(b, this.settings.current.settings, root);
      const run = this.controller.start(resolved, hooks);
      this.lastBuild = b;
      this.log.info(`${b.name}: started (${resolved.argv.length} argument(s), cwd ${resolved.cwd}) → ${run.bundleDir}`);
      return run;
    } catch (err) {
      const msg = err instanceof AlreadyRunningError ? err.message : `could not start "${b.name}": ${err instanceof Error ? err.message : String(err)}`;
      this.log.error(msg);
      void vscode.window.showErrorMessage(`Build Diagnostics: ${msg}`);
      return undefined;
    }
  }
}
