// Extension entry. Kept thin: it wires the core (through the RunController) to VS Code's
// views and computes nothing itself. Lifetimes: everything here is extension-lifetime and
// disposed through context.subscriptions; per-run subscriptions live in RunController;
// the panel has its own (panel/panel.ts, BuildPanel).
import * as vscode from 'vscode';
import { performance } from 'node:perf_hooks';
import { SettingsReader } from './config.js';
import { registerCommands, revealTaskInTree, showBlockers, showProblem, type CommandContext } from './commands.js';
import { Launcher, workspaceRoot } from './launcher.js';
import { Notifications } from './notifications.js';
import type * as PanelHost from './panel/panel.js';
import type { PanelReveal } from './panel/reveals.js';
import { taskOfSpan } from './panel/reveals.js';
import { ExtensionPanelSource } from './panel/runSource.js';
import { ProblemsView } from './problems.js';
import { CONTEXT, PANEL_VIEW_TYPE, TASK_TYPE, viewId } from './registry.js';
import { RunController } from './runController.js';
import { RunsModel } from './runsModel.js';
import { RunTerminals } from './runTerminal.js';
import { StatusBar } from './statusBar.js';
import { BuildTaskProvider } from './taskProvider.js';
import { BlockersTree } from './views/blockersTree.js';
import { RunsTree } from './views/runsTree.js';
import { TasksTree } from './views/tasksTree.js';

let controller: RunController | undefined;

// The panel host, with the protocol's schemas, loads when a panel is first shown or restored.
let panelHost: typeof PanelHost | undefined;
const loadPanelHost = (): typeof PanelHost => (panelHost ??= require('./panel/panel.js') as typeof PanelHost);

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const sub = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const output = sub(vscode.window.createOutputChannel('Build Diagnostics', { log: true }));
  const settings = sub(new SettingsReader(output));
  controller = new RunController();
  const ctl = controller;
  // The launcher listens first: it prunes the history before the model re-reads it.
  const launcher = sub(new Launcher(settings, ctl, output));
  // The workspace root is fixed for the window (a folder change reloads the extension host).
  const model = sub(new RunsModel(workspaceRoot() ?? context.globalStorageUri.fsPath, ctl));
  const problems = sub(new ProblemsView(model));
  sub(new StatusBar(model, ctl));
  const terminals = sub(new RunTerminals());

  sub(vscode.window.createTreeView(viewId('runs'), { treeDataProvider: new RunsTree(model) }));
  const tasksTree = new TasksTree(model);
  const tasksView = sub(vscode.window.createTreeView(viewId('tasks'), { treeDataProvider: tasksTree, showCollapseAll: true }));
  const blockersTree = new BlockersTree(model);
  const blockersView = sub(vscode.window.createTreeView(viewId('blockers'), { treeDataProvider: blockersTree }));

  // The panel shows what every view shows (RunsModel's shown run). Its serializer must be
  // registered during activation for a panel left open to come back after a reload.
  const source = new ExtensionPanelSource(model, {
    revealInTree: (task, span) => revealTaskInTree(c, task ?? taskOfSpan(model.shown?.report, span)?.name),
  });
  // (BuildPanel.registerSerializer, without loading the panel host until a panel comes back.)
  sub(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => loadPanelHost().BuildPanel.restore(context, source, panel, state),
    }),
  );
  sub({ dispose: () => panelHost?.BuildPanel.current?.dispose() });
  const openPanel = (reveal?: PanelReveal, runId?: string): void => {
    loadPanelHost().BuildPanel.createOrShow(context, source, { ...(runId ? { runId } : {}), ...(reveal ? { reveal } : {}) });
  };

  const c: CommandContext = {
    output, settings, launcher, controller: ctl, model, openPanel, terminals, problems, blockersTree, blockersView, tasksTree, tasksView,
  };
  for (const d of registerCommands(c)) sub(d);
  sub(
    new Notifications(ctl, () => settings.current.settings, {
      showBlockers: (culprit) => showBlockers(c, culprit),
      openPanel: (run, reveal) => openPanel(reveal, run.session.info.runId),
      stop: (run) => void run.stop(),
      showProblem: () => showProblem(c),
    }, output),
  );
  sub(vscode.tasks.registerTaskProvider(TASK_TYPE, new BuildTaskProvider(launcher, settings)));

  const setContext = () => {
    void vscode.commands.executeCommand('setContext', CONTEXT.running, ctl.running().length > 0);
    void vscode.commands.executeCommand('setContext', CONTEXT.hasRuns, model.runs().length > 0);
  };
  sub(model.onDidChange(setContext));
  setContext();

  const ms = performance.now() - t0;
  output.info(`activated in ${ms.toFixed(1)} ms (${model.runs().length} run(s) in history)`);
}

export async function deactivate(): Promise<void> {
  // Stop live builds so that no process outlives the window; their bundles stay complete.
  await controller?.dispose();
  controller = undefined;
}
