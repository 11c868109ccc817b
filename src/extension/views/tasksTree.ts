// The Tasks view: the shown run's planned and executed tasks grouped by status; a blocked
// task's children are the datasets it waits for.
import * as vscode from 'vscode';
import type { Task, TaskStatus } from '../../core/report/schema.js';
import { ITEM } from '../registry.js';
import type { RunsModel } from '../runsModel.js';
import { refreshOnChange } from './refresh.js';
import { GROUP_LABEL, clip, groupTasks, taskDescription, taskTooltip } from '../viewModel.js';

export type TaskNode =
  | { kind: 'group'; status: TaskStatus; tasks: Task[] }
  | { kind: 'task'; task: Task }
  | { kind: 'blocker'; task: Task; dataset: string };

const STATUS_ICON: Record<TaskStatus, [string, string | undefined]> = {
  failed: ['error', 'testing.iconFailed'],
  blocked: ['lock', 'problemsWarningIcon.foreground'],
  running: ['sync~spin', undefined],
  missing: ['circle-slash', 'problemsWarningIcon.foreground'],
  pending: ['circle-outline', undefined],
  done: ['pass', 'testing.iconPassed'],
  unexpected: ['question', undefined],
};

export class TasksTree implements vscode.TreeDataProvider<TaskNode> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(private readonly model: RunsModel) {
    this.onDidChangeTreeData = refreshOnChange(model, () => JSON.stringify([model.shown?.dir, groupTasks(model.shown?.report)]));
  }

  getChildren(node?: TaskNode): TaskNode[] {
    if (!node) return groupTasks(this.model.shown?.report).map((g) => ({ kind: 'group', status: g.status, tasks: g.tasks }));
    if (node.kind === 'group') return node.tasks.map((task) => ({ kind: 'task', task }));
    if (node.kind === 'task') return node.task.blockedBy.map((dataset) => ({ kind: 'blocker', task: node.task, dataset }));
    return [];
  }

  /** For TreeView.reveal: VS Code finds nodes by their item ids, so fresh objects do. */
  getParent(n: TaskNode): TaskNode | undefined {
    if (n.kind === 'group') return undefined;
    if (n.kind === 'blocker') return { kind: 'task', task: n.task };
    const g = groupTasks(this.model.shown?.report).find((x) => x.status === n.task.status);
    return g ? { kind: 'group', status: g.status, tasks: g.tasks } : undefined;
  }

  /** The node of the shown run's task `name`, if it has one. */
  taskNode(name: string): TaskNode | undefined {
    const task = this.model.shown?.report?.planDiff.tasks.find((t) => t.name === name);
    return task ? { kind: 'task', task } : undefined;
  }

  getTreeItem(n: TaskNode): vscode.TreeItem {
    const run = this.model.shown?.dir ?? '';
    if (n.kind === 'group') {
      const item = new vscode.TreeItem(`${GROUP_LABEL[n.status]} (${n.tasks.length})`, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `${run}/${n.status}`;
      const [icon, color] = STATUS_ICON[n.status];
      item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
      return item;
    }
    if (n.kind === 'task') {
      const t = n.task;
      const item = new vscode.TreeItem(
        clip(t.name, 120),
        t.blockedBy.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
      );
      item.id = `${run}/${t.status}/${t.name}`;
      item.description = taskDescription(t);
      const md = new vscode.MarkdownString(taskTooltip(t));
      md.isTrusted = false;
      md.supportHtml = false;
      item.tooltip = md;
      const [icon, color] = STATUS_ICON[t.status];
      item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
      item.contextValue = t.file ? ITEM.taskWithSource : ITEM.task;
      item.accessibilityInformation = { label: `${t.name} ${t.status}${item.description ? ` ${item.description}` : ''}` };
      return item;
    }
    const item = new vscode.TreeItem(clip(n.dataset, 120));
    item.id = `${run}/${n.task.name}/${n.dataset}`;
    item.description = 'not ready';
    item.iconPath = new vscode.ThemeIcon('database');
    item.contextValue = ITEM.dataset;
    return item;
  }
}
