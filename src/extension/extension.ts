// Extension entry. Kept thin: it wires the core (through the RunController) to VS Code's
// views and computes nothing itself. Lifetimes: everything here is extension-lifetime and
// disposed through context.subscriptions; per-run subscriptions live in RunController;
// the panel has its own (panel/placeholder.ts).
import * as vscode from 'vscode';
import { performance } from 'node:perf_hooks';
import { SettingsReader } from './config.js';
import { registerCommands, showBlockers, showProblem, type CommandContext } from './commands.js';
import { Launcher, workspaceRoot } from './launcher.js';
import { Notifications } from './notifications.js';
import { PlaceholderPanel } from './panel/placeholder.js';
import { ProblemsView } from './problems.js';
import { CONTEXT, TASK_TYPE, viewId } from './registry.js';
import { RunController } from './runController.js';
import { RunsModel } from './runsModel.js';
import { StatusBar } from './statusBar.js';
import { BuildTaskProvider } from './taskProvider.js';
import { BlockersTree } from './views/blockersTree.js';
import { RunsTree } from './views/runsTree.js';
import { TasksTree } from './views/tasksTree.js';

let controller: RunController | undefined;

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
  const panel = sub(new PlaceholderPanel(model));
  const problems = sub(new ProblemsView(model));
  sub(new StatusBar(model, ctl));

  sub(vscode.window.createTreeView(viewId('runs'), { treeDataProvider: new RunsTree(model) }));
  sub(vscode.window.createTreeView(viewId('tasks'), { treeDataProvider: new TasksTree(model), showCollapseAll: true }));
  const blockersTree = new BlockersTree(model);
  const blockersView = sub(vscode.window.createTreeView(viewId('blockers'), { treeDataProvider: blockersTree }));

  const c: CommandContext = { output, settings, launcher, controller: ctl, model, panel, problems, blockersTree, blockersView };
  for (const d of registerCommands(c)) sub(d);
  sub(
    new Notifications(ctl, () => settings.current.settings, {
      showBlockers: (culprit) => showBlockers(c, culprit),
      openPanel: () => panel.show(),
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
