// Extension entry. Kept thin: it adapts the core to VS Code and computes nothing itself.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Build Diagnostics', { log: true });
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand('buildDiagnostics.showLog', () => {
      output.info('Build Diagnostics log opened');
      output.show(true);
      void vscode.window.showInformationMessage('Build Diagnostics: log opened.');
    }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
