// The Runs view: live runs first, then the history on disk; selecting one shows it in every
// view.
import * as vscode from 'vscode';
import type { RunInfo } from '../../core/run.js';
import { commandId, ITEM } from '../registry.js';
import type { RunsModel } from '../runsModel.js';
import { refreshOnChange } from './refresh.js';
import { OUTCOME_ICON, clip, runDescription } from '../viewModel.js';

export interface RunNode {
  dir: string;
  info: RunInfo;
}

const OUTCOME_COLOR: Partial<Record<RunInfo['outcome'], string>> = {
  success: 'testing.iconPassed',
  failure: 'testing.iconFailed',
};

export class RunsTree implements vscode.TreeDataProvider<RunNode> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(private readonly model: RunsModel) {
    this.onDidChangeTreeData = refreshOnChange(model, () => JSON.stringify([model.shown?.dir, model.runs().map((r) => [r.dir, r.info.outcome, r.info.durationMs])]));
  }

  getChildren(node?: RunNode): RunNode[] {
    if (node) return [];
    return this.model.runs().map((r) => ({ dir: r.dir, info: r.info }));
  }

  getTreeItem(n: RunNode): vscode.TreeItem {
    const shown = this.model.shown?.dir === n.dir;
    const item = new vscode.TreeItem(clip(n.info.buildName ?? n.info.command, 80));
    item.id = n.dir;
    item.description = `${shown ? '● ' : ''}${n.info.outcome} · ${runDescription(n.info)}`;
    const color = OUTCOME_COLOR[n.info.outcome];
    item.iconPath = new vscode.ThemeIcon(OUTCOME_ICON[n.info.outcome], color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = `${n.info.outcome} — ${n.info.startedAt}\n${n.dir}`;
    item.contextValue = ITEM.run;
    item.command = { command: commandId('showRun'), title: 'Show This Run', arguments: [n.dir] };
    return item;
  }
}
