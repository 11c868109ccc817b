// Command handlers, one per registry entry: the `satisfies` below makes a command without a
// handler (or a handler without a command) a type error. Each says why when it cannot act.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { REPORT_MD, RUN_FILE } from '../bundle/writer.js';
import { clearHistory } from './history.js';
import { resolveBuild } from './buildSpec.js';
import { engine } from './lazyEngine.js';
import { COMMANDS, commandId, settingId, viewId, type CommandKey } from './registry.js';
import type { Launcher } from './launcher.js';
import { workspaceRoot } from './launcher.js';
import type { LiveRun, RunController } from './runController.js';
import type { RunsModel } from './runsModel.js';
import type { SettingsReader } from './config.js';
import { taskReveal, type PanelReveal } from './panel/reveals.js';
import { resolveInWorkspace } from './panel/workspacePath.js';
import type { ProblemsView } from './problems.js';
import type { RunTerminals } from './runTerminal.js';
import type { BlockerNode, BlockersTree } from './views/blockersTree.js';
import type { TaskNode, TasksTree } from './views/tasksTree.js';
import { formatSettingErrors, type BuildSetting } from './settings.js';
import type { Section } from '../protocol/messages.js';
import { lazy } from '../core/lazy.js';

export interface CommandContext {
  output: vscode.LogOutputChannel;
  settings: SettingsReader;
  launcher: Launcher;
  controller: RunController;
  model: RunsModel;
  /** Shows the panel (BuildPanel.createOrShow) on the shown run, optionally somewhere in it. */
  openPanel(reveal?: PanelReveal): void;
  terminals: RunTerminals;
  problems: ProblemsView;
  blockersTree: BlockersTree;
  blockersView: vscode.TreeView<BlockerNode>;
  tasksTree: TasksTree;
  tasksView: vscode.TreeView<TaskNode>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (msg: string) => void vscode.window.showInformationMessage(`Build Diagnostics: ${msg}`);

const TEMPLATE: BuildSetting = { name: 'build', command: ['python', '-m', 'my_pipeline', 'build'], datasets: [] };

async function pickBuild(c: CommandContext, title = 'Build Diagnostics: Run Build'): Promise<BuildSetting | undefined> {
  const s = c.settings.current.settings;
  if (s.builds.length === 1) return s.builds[0];
  const items = [...s.builds]
    .sort((a, b) => Number(b.name === s.defaultBuild) - Number(a.name === s.defaultBuild))
    .map((b) => ({
      label: b.name,
      description: [b.name === s.defaultBuild ? 'default' : '', c.controller.runningFor(b.name) ? 'running' : ''].filter(Boolean).join(' · '),
      detail: typeof b.command === 'string' ? b.command : b.command.join(' '),
      build: b,
    }));
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'Which build?' });
  return pick?.build;
}

async function offerConfiguration(): Promise<void> {
  const pick = await vscode.window.showInformationMessage(
    `Build Diagnostics: no build is configured. Add one to ${settingId('builds')} in the workspace settings?`,
    'Create Configuration',
  );
  if (pick !== 'Create Configuration') return;
  await vscode.workspace.getConfiguration().update(settingId('builds'), [TEMPLATE], vscode.ConfigurationTarget.Workspace);
  await vscode.commands.executeCommand('workbench.action.openWorkspaceSettingsFile');
}

async function pickRunning(c: CommandContext): Promise<LiveRun | undefined> {
  const running = c.controller.running();
  if (running.length <= 1) return running[0];
  const pick = await vscode.window.showQuickPick(
    running.map((r) => ({ label: r.build.name, run: r })),
    { title: 'Build Diagnostics: Stop Build', placeHolder: 'Which running build?' },
  );
  return pick?.run;
}

export function showBlockers(c: CommandContext, culprit?: string): void {
  void (async () => {
    await vscode.commands.executeCommand(`${viewId('blockers')}.focus`);
    const roots = c.blockersTree.roots();
    if (roots.length === 0) {
      say('the shown run has no blocked datasets.');
      return;
    }
    // A view that was just opened loads its roots asynchronously; a reveal before that
    // fails in the workbench ("Data tree node not found"). Give it a moment.
    for (let i = 0; i < 40 && !c.blockersView.visible; i++) await sleep(50);
    await sleep(400);
    const node = roots.find((n) => n.kind === 'dataset' && n.blocker.dataset.dataset === culprit) ?? roots[0]!;
    try {
      await c.blockersView.reveal(node, { select: true, focus: true, expand: true });
    } catch {
      await sleep(500);
      await c.blockersView.reveal(node, { select: true, focus: true, expand: true }).then(undefined, () => undefined);
    }
  })();
}

export function showProblem(c: CommandContext): void {
  const p = c.problems.first;
  void vscode.commands.executeCommand('workbench.actions.view.problems');
  if (!p) return;
  const range = new vscode.Range(p.line, p.column, p.line, p.column);
  void vscode.window.showTextDocument(vscode.Uri.file(p.file), { selection: range, preview: false });
}

/** Reveals a task of the shown run in the Tasks view (the panel's "reveal in tree"). */
export function revealTaskInTree(c: CommandContext, name: string | undefined): void {
  void (async () => {
    const node = name ? c.tasksTree.taskNode(name) : undefined;
    await vscode.commands.executeCommand(`${viewId('tasks')}.focus`);
    if (!node) {
      if (name) say(`the shown run has no task named ${JSON.stringify(name.slice(0, 200))}.`);
      return;
    }
    // As for the Blockers view: a view that was just opened loads its roots first.
    for (let i = 0; i < 40 && !c.tasksView.visible; i++) await sleep(50);
    await c.tasksView.reveal(node, { select: true, focus: true, expand: true }).then(undefined, async () => {
      await sleep(500);
      await c.tasksView.reveal(node, { select: true, focus: true, expand: true }).then(undefined, () => undefined);
    });
  })();
}

// The protocol's module (its schemas) loads with the panel, not on activation.
const protocol = lazy(() => require('../protocol/messages.js') as typeof import('../protocol/messages.js'));
const isSection = (x: unknown): x is Section => typeof x === 'string' && (protocol().SECTIONS as readonly string[]).includes(x);

export function makeHandlers(c: CommandContext) {
  return {
    runBuild: async () => {
      const why = c.launcher.cannotRun();
      if (why) return void vscode.window.showErrorMessage(`Build Diagnostics: ${why}`);
      if (c.settings.current.settings.builds.length === 0) return offerConfiguration();
      const b = await pickBuild(c);
      if (b) c.terminals.start(c.launcher, b);
    },
    rerunLastBuild: () => {
      let b = c.launcher.lastBuild;
      if (!b) {
        const last = c.model.runs().find((r) => r.info.buildName);
        b = c.settings.current.settings.builds.find((x) => x.name === last?.info.buildName);
      }
      if (!b) return say('no build has run yet in this workspace; use "Run Build".');
      // Rerun with the build's current configuration, if it still exists.
      const current = c.settings.current.settings.builds.find((x) => x.name === b!.name) ?? b;
      c.terminals.start(c.launcher, current);
    },
    stopBuild: async () => {
      if (c.controller.running().length === 0) return say('no build is running.');
      const run = await pickRunning(c);
      if (!run) return;
      c.output.info(`${run.build.name}: stop requested`);
      await run.stop();
    },
    // From the palette and the status bar (no argument), a Runs view item (its node) or
    // another extension / a link (a section name).
    openPanel: (arg?: unknown) => {
      const dir = arg && typeof arg === 'object' && 'dir' in arg && typeof arg.dir === 'string' ? arg.dir : undefined;
      if (dir) c.model.show(dir);
      c.openPanel(isSection(arg) ? { section: arg } : undefined);
    },
    showBlockers: (culprit?: unknown) => showBlockers(c, typeof culprit === 'string' ? culprit : undefined),
    openRunBundle: async () => {
      const shown = c.model.shown;
      if (!shown) return say('there is no run yet.');
      const root = workspaceRoot();
      const rel = root ? relative(root, shown.dir) : '..';
      if (root && !rel.startsWith('..') && !isAbsolute(rel)) {
        await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(shown.dir));
      }
      await vscode.window.showTextDocument(vscode.Uri.file(join(shown.dir, RUN_FILE)), { preview: true });
    },
    openReport: async () => {
      const shown = c.model.shown;
      if (!shown) return say('there is no run yet.');
      const file = join(shown.dir, REPORT_MD);
      if (!existsSync(file)) {
        return say(shown.live ? 'the report is written when the run finishes; the views show the live figures.' : 'this run has no report.md (it did not finish).');
      }
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    },
    clearHistory: async () => {
      const root = workspaceRoot();
      if (!root) return say('open a folder first.');
      const live = c.model.liveDirs();
      const n = c.model.runs().filter((r) => !live.has(r.dir)).length;
      if (n === 0) return say('the history is already empty.');
      const ok = await vscode.window.showWarningMessage(`Delete ${n} run bundle(s) from .build-diagnostics/runs?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      clearHistory(root, live);
      c.model.refreshHistory();
    },
    showLog: () => {
      c.output.info('Build Diagnostics log opened');
      c.output.show(true);
      void vscode.window.showInformationMessage('Build Diagnostics: log opened.');
    },
    showRun: (dir?: unknown) => {
      if (typeof dir !== 'string') return say('pick a run in the Runs view.');
      c.model.show(dir);
    },
    revealTaskInPanel: (node?: unknown) => {
      const n = node as TaskNode | undefined;
      c.openPanel(n && n.kind !== 'group' ? taskReveal(n.task) : { section: 'tasks' });
    },
    openTaskSource: async (node?: unknown) => {
      const n = node as TaskNode | undefined;
      const t = n && n.kind !== 'group' ? n.task : undefined;
      if (!t?.file) return say('no source location is known for this task.');
      const file = isAbsolute(t.file) ? t.file : resolve(c.model.shown?.info.cwd ?? workspaceRoot() ?? '.', t.file);
      const line = Math.max(0, (t.line ?? 1) - 1);
      await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(line, 0, line, 0) });
    },
    openArtifact: async (dir?: unknown, path?: unknown) => {
      if (typeof dir !== 'string' || typeof path !== 'string') return say('pick a build artifact in the Runs view.');
      // run.json is untrusted: open only a file that really is inside this run's bundle.
      const file = resolveInWorkspace(path, [dir]);
      if (!file) return say(`${path.slice(0, 300)} is no longer in the run bundle.`);
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), { preview: true });
    },
    revealDataset: async (path?: unknown) => {
      if (typeof path !== 'string') return;
      if (!existsSync(path)) return say(`${path} does not exist (that is why the dataset is not ready).`);
      await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path));
    },
    showEffectiveConfiguration: async () => {
      const root = workspaceRoot();
      if (!root) return say('open a folder first.');
      const { settings, errors } = c.settings.current;
      if (settings.builds.length === 0) {
        const why = errors.length > 0 ? 'the builds setting is invalid (see the log).' : `no build is configured in ${settingId('builds')}.`;
        if (errors.length > 0) c.output.error(formatSettingErrors(errors));
        return say(why);
      }
      const b = await pickBuild(c, 'Build Diagnostics: Show Effective Configuration');
      if (!b) return;
      // A preview, not a file: the values are masked and nothing is written to disk.
      const content = engine().effectiveConfigMarkdown(resolveBuild(b, settings, root), errors, process.env);
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
      await vscode.window.showTextDocument(doc, { preview: true });
    },
  } satisfies Record<CommandKey, (...args: never[]) => unknown>;
}

export function registerCommands(c: CommandContext): vscode.Disposable[] {
  const handlers = makeHandlers(c) as Record<CommandKey, (...args: unknown[]) => unknown>;
  return (Object.keys(COMMANDS) as CommandKey[]).map((k) => vscode.commands.registerCommand(commandId(k), handlers[k]));
}
