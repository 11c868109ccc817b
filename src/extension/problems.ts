// The Problems panel: one DiagnosticCollection, replaced whenever the shown run changes or
// its live report is refreshed. Placement rules are in problemsModel.ts.
import * as vscode from 'vscode';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunsModel } from './runsModel.js';
import { problemEntries, type ProblemEntry, type SettingsDoc } from './problemsModel.js';
import { Lifetime } from './lifetime.js';

const SEVERITY: Record<ProblemEntry['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function settingsDoc(workspaceRoot: string): SettingsDoc | undefined {
  const path = join(workspaceRoot, '.vscode', 'settings.json');
  try {
    if (!existsSync(path) || statSync(path).size > 1024 * 1024) return undefined;
    return { path, text: readFileSync(path, 'utf8') };
  } catch {
    return undefined;
  }
}

export class ProblemsView extends Lifetime {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('build-diagnostics'));
  /** First error shown, for the failure notification's "Show Problem". */
  first: ProblemEntry | undefined;

  constructor(private readonly model: RunsModel) {
    super();
    this.register(model.onDidChange(() => this.render()));
    this.render();
  }

  render(): void {
    const shown = this.model.shown;
    this.collection.clear();
    this.first = undefined;
    if (!shown?.report) return;
    const entries = problemEntries(shown.report, {
      cwd: shown.info.cwd,
      buildName: shown.info.buildName ?? null,
      settings: settingsDoc(this.model.workspaceRoot),
    });
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const e of entries) {
      const d = new vscode.Diagnostic(new vscode.Range(e.line, e.column, e.line, e.endColumn), e.message, SEVERITY[e.severity]);
      d.source = 'Build Diagnostics';
      d.code = e.source;
      d.relatedInformation = e.related.map(
        (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), new vscode.Range(r.line, r.column, r.line, r.endColumn)), r.message),
      );
      byFile.set(e.file, [...(byFile.get(e.file) ?? []), d]);
    }
    for (const [file, diags] of byFile) this.collection.set(vscode.Uri.file(file), diags);
    this.first = entries.find((e) => e.severity === 'error') ?? entries[0];
  }
}
