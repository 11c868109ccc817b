// The Blockers view: datasets of the shown run that are not ready, each with its reason,
// path and the tasks it blocks. Clicking one reveals its path in the Explorer.
import * as vscode from 'vscode';
import { isAbsolute, resolve } from 'node:path';
import { commandId, ITEM } from '../registry.js';
import type { RunsModel } from '../runsModel.js';
import { refreshOnChange } from './refresh.js';
import { blockerDescription, blockers, clip, escapeMarkdown, type Blocker } from '../viewModel.js';

export type BlockerNode = { kind: 'dataset'; blocker: Blocker } | { kind: 'task'; parent: Blocker; task: string };

export class BlockersTree implements vscode.TreeDataProvider<BlockerNode> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(private readonly model: RunsModel) {
    this.onDidChangeTreeData = refreshOnChange(model, () => JSON.stringify([model.shown?.dir, blockers(model.shown?.report)]));
  }

  roots(): BlockerNode[] {
    return blockers(this.model.shown?.report).map((blocker) => ({ kind: 'dataset', blocker }));
  }

  getChildren(node?: BlockerNode): BlockerNode[] {
    if (!node) return this.roots();
    if (node.kind === 'dataset') return node.blocker.blocks.map((task) => ({ kind: 'task', parent: node.blocker, task }));
    return [];
  }

  getParent(node: BlockerNode): BlockerNode | undefined {
    return node.kind === 'task' ? { kind: 'dataset', blocker: node.parent } : undefined;
  }

  /** Absolute path of a dataset, relative ones against the shown run's cwd. */
  datasetPath(b: Blocker): string | undefined {
    const p = b.dataset.path;
    if (!p || /^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return undefined;
    return isAbsolute(p) ? p : resolve(this.model.shown?.info.cwd ?? this.model.workspaceRoot, p);
  }

  getTreeItem(n: BlockerNode): vscode.TreeItem {
    const run = this.model.shown?.dir ?? '';
    if (n.kind === 'task') {
      const item = new vscode.TreeItem(`blocks ${clip(n.task, 120)}`);
      item.id = `${run}/${n.parent.dataset.dataset}/${n.task}`;
      item.iconPath = new vscode.ThemeIcon('lock');
      return item;
    }
    const b = n.blocker;
    const item = new vscode.TreeItem(
      clip(b.dataset.dataset, 120),
      b.blocks.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `${run}/${b.dataset.dataset}`;
    item.description = blockerDescription(b);
    item.iconPath = new vscode.ThemeIcon('database', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    const md = new vscode.MarkdownString(
      [
        `**${escapeMarkdown(b.dataset.dataset)}** is not ready: ${escapeMarkdown(b.dataset.status)}`,
        b.dataset.reason ? `Reason: ${escapeMarkdown(b.dataset.reason)}` : '',
        b.dataset.path ? `Path: ${escapeMarkdown(b.dataset.path)}` : '',
        b.blocks.length > 0 ? `Blocks: ${b.blocks.map((t) => escapeMarkdown(t)).join(', ')}` : '',
      ]
        .filter((x) => x !== '')
        .join('\n\n'),
    );
    md.isTrusted = false;
    item.tooltip = md;
    item.contextValue = ITEM.dataset;
    const path = this.datasetPath(b);
    if (path) item.command = { command: commandId('revealDataset'), title: 'Reveal in Explorer', arguments: [path] };
    return item;
  }
}
