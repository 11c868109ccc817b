// A placeholder for the diagnostics panel until the real webview app lands (webview-ui/ and
// src/extension/panel/): one panel, text only, no scripts, CSP `default-src 'none'`. Every
// value is HTML-escaped (telemetry is untrusted). Panel lifetime: disposed with its view.
import * as vscode from 'vscode';
import type { RunsModel } from '../runsModel.js';
import { Lifetime } from '../lifetime.js';
import { escapeHtml } from './escape.js';
import { formatDuration, groupTasks, blockers } from '../viewModel.js';

export class PlaceholderPanel extends Lifetime {
  private panel: vscode.WebviewPanel | undefined;
  private panelLife: Lifetime | undefined;
  private focus: string | undefined;

  constructor(private readonly model: RunsModel) {
    super();
    this.register({ dispose: () => this.panel?.dispose() });
  }

  show(focus?: string): void {
    this.focus = focus;
    if (this.panel) {
      this.panel.reveal();
      this.render();
      return;
    }
    const panel = vscode.window.createWebviewPanel('buildDiagnostics.panel', 'Build Diagnostics', vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [],
    });
    this.panel = panel;
    const life = new Lifetime();
    this.panelLife = life;
    life.register(this.model.onDidChange(() => this.render()));
    life.register(
      panel.onDidDispose(() => {
        life.dispose();
        if (this.panel === panel) this.panel = undefined;
      }),
    );
    this.render();
  }

  private render(): void {
    if (!this.panel) return;
    const s = this.model.shown;
    const lines: string[] = [];
    if (!s) lines.push('No run yet. Run "Build Diagnostics: Run Build".');
    else {
      lines.push(`${s.info.buildName ?? s.info.command} — ${s.info.outcome} ${formatDuration(s.info.durationMs)}`);
      lines.push(`Started ${s.info.startedAt}`, `Bundle ${s.dir}`, '');
      if (this.focus) lines.push(`Focused task: ${this.focus}`, '');
      for (const g of groupTasks(s.report)) lines.push(`${g.status}: ${g.tasks.map((t) => t.name).join(', ')}`);
      const b = blockers(s.report);
      if (b.length > 0) lines.push('', `Blockers: ${b.map((x) => `${x.dataset.dataset} (${x.dataset.status})`).join(', ')}`);
      for (const p of s.report?.problems ?? []) lines.push(`${p.severity}: ${p.message}${p.file ? ` (${p.file}:${p.line ?? ''})` : ''}`);
    }
    this.panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none';">
<title>Build Diagnostics</title></head><body>
<h1>Build Diagnostics</h1><p>The full panel is coming; this summary is a placeholder.</p>
<pre>${escapeHtml(lines.join('\n').slice(0, 200_000))}</pre></body></html>`;
  }

  override dispose(): void {
    this.panelLife?.dispose();
    super.dispose();
  }
}
