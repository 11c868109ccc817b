// The Runs view: live runs first, then the history on disk; selecting one shows it in every
// view. A run with build artifacts (the build's own report files, copied into the bundle's
// `artifacts/` by the session) has a "Build artifacts" node listing them; a click opens
// the copy in the bundle.
import * as vscode from 'vscode';
import type { z } from 'zod';
import type { RunInfo } from '../../core/run.js';
import type { ArtifactEntrySchema } from '../../core/runSchema.js';
import { commandId, ITEM } from '../registry.js';
import type { RunsModel } from '../runsModel.js';
import { refreshOnChange } from './refresh.js';
import { OUTCOME_ICON, artifactLabel, clip, formatBytes, runDescription } from '../viewModel.js';

type ArtifactEntry = z.infer<typeof ArtifactEntrySchema>;

export type RunNode =
  | { kind: 'run'; dir: string; info: RunInfo }
  | { kind: 'artifacts'; dir: string; entries: ArtifactEntry[] }
  | { kind: 'artifact'; dir: string; entry: ArtifactEntry };

/** Entries listed per run: run.json is untrusted input too. */
const MAX_ARTIFACTS = 500;

const OUTCOME_COLOR: Partial<Record<RunInfo['outcome'], string>> = {
  success: 'testing.iconPassed',
  failure: 'testing.iconFailed',
};

function artifactsOf(info: RunInfo): ArtifactEntry[] {
  return (info.artifacts ?? []).slice(0, MAX_ARTIFACTS);
}

export class RunsTree implements vscode.TreeDataProvider<RunNode> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(private readonly model: RunsModel) {
    this.onDidChangeTreeData = refreshOnChange(model, () =>
      JSON.stringify([model.shown?.dir, model.runs().map((r) => [r.dir, r.info.outcome, r.info.durationMs, r.info.artifacts?.length ?? 0])]),
    );
  }

  getChildren(node?: RunNode): RunNode[] {
    if (!node) return this.model.runs().map((r) => ({ kind: 'run', dir: r.dir, info: r.info }));
    if (node.kind === 'run') {
      const entries = artifactsOf(node.info);
      return entries.length > 0 ? [{ kind: 'artifacts', dir: node.dir, entries }] : [];
    }
    if (node.kind === 'artifacts') return node.entries.map((entry) => ({ kind: 'artifact', dir: node.dir, entry }));
    return [];
  }

  getTreeItem(n: RunNode): vscode.TreeItem {
    if (n.kind === 'artifacts') {
      const item = new vscode.TreeItem('Build artifacts', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `${n.dir}/artifacts`;
      item.description = `${n.entries.length}`;
      item.iconPath = new vscode.ThemeIcon('files');
      item.tooltip = 'Files the build wrote during the run, copied into the run bundle.';
      item.contextValue = ITEM.artifacts;
      item.accessibilityInformation = { label: `Build artifacts: ${n.entries.length} file${n.entries.length === 1 ? '' : 's'}` };
      return item;
    }
    if (n.kind === 'artifact') {
      const label = artifactLabel(n.entry.path);
      const item = new vscode.TreeItem(label);
      item.id = `${n.dir}/${n.entry.path}`;
      item.description = formatBytes(n.entry.bytes);
      item.iconPath = new vscode.ThemeIcon('file');
      item.tooltip = `${clip(n.entry.path, 500)}\n${formatBytes(n.entry.bytes)} · sha256 ${clip(n.entry.sha256, 64)}`;
      item.contextValue = ITEM.artifact;
      item.accessibilityInformation = { label: `${label} ${item.description}` };
      item.command = { command: commandId('openArtifact'), title: 'Open Build Artifact', arguments: [n.dir, n.entry.path] };
      return item;
    }
    const shown = this.model.shown?.dir === n.dir;
    const hasArtifacts = artifactsOf(n.info).length > 0;
    const item = new vscode.TreeItem(
      clip(n.info.buildName ?? n.info.command, 80),
      hasArtifacts ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
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
