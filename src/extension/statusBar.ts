// The status bar item: a running build's name, elapsed time, tasks done/expected and a
// stall marker; after the run, its outcome (success is only shown here). Click: the panel.
import * as vscode from 'vscode';
import { commandId } from './registry.js';
import type { RunsModel } from './runsModel.js';
import type { RunController } from './runController.js';
import { Lifetime } from './lifetime.js';
import { clip, formatDuration, progressCounts } from './viewModel.js';

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export class StatusBar extends Lifetime {
  private readonly item = this.register(vscode.window.createStatusBarItem('buildDiagnostics.status', vscode.StatusBarAlignment.Left, 50));
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: RunsModel,
    private readonly controller: RunController,
  ) {
    super();
    this.item.name = 'Build Diagnostics';
    this.item.command = commandId('openPanel');
    this.register(model.onDidChange(() => this.render()));
    this.register({ dispose: () => this.stopTimer() });
    this.render();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  render(): void {
    const live = this.controller.running().sort((a, b) => b.startedAtMs - a.startedAtMs)[0];
    if (live) {
      // The elapsed time ticks on its own; the timer lives as long as some run does.
      this.timer ??= setInterval(() => this.render(), 1000);
      const name = clip(live.build.name, 40);
      const counts = progressCounts(live.report);
      const parts = [`$(sync~spin) ${name} ${elapsed(Date.now() - live.startedAtMs)}`];
      if (counts) parts.push(`${counts.done}/${counts.expected} tasks`);
      if (live.stall) parts.push(`$(warning) stalled ${Math.round(live.stall.gapS)}s`);
      this.item.text = parts.join(' · ');
      this.item.tooltip = `Build Diagnostics: ${name} is running${live.stall ? ' and stalled' : ''}. Click to open the panel.`;
      this.item.backgroundColor = live.stall ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      this.item.show();
      return;
    }
    this.stopTimer();
    const shown = this.model.shown;
    if (!shown) {
      this.item.hide();
      return;
    }
    const icon = { success: '$(pass)', failure: '$(error)', cancelled: '$(circle-slash)', running: '$(question)' }[shown.info.outcome];
    const name = clip(shown.info.buildName ?? shown.info.command, 40);
    const outcome = shown.info.outcome === 'running' ? 'interrupted' : shown.info.outcome;
    this.item.text = `${icon} ${name} ${outcome} ${formatDuration(shown.info.durationMs)}`.trim();
    this.item.tooltip = `Build Diagnostics: ${name} — ${outcome}. Click to open the panel.`;
    this.item.backgroundColor = shown.info.outcome === 'failure' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }
}
