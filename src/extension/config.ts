// The one place that reads `buildDiagnostics.*` from VS Code: each declared key once, then
// parseSettings (zod) into a frozen object. Errors are shown by setting name, once per
// distinct message, in a notification and the output channel.
import * as vscode from 'vscode';
import { SECTION, SETTING_KEYS, type SettingKey } from './registry.js';
import { formatSettingErrors, parseSettings, type ParsedSettings } from './settings.js';
import { Lifetime } from './lifetime.js';

export class SettingsReader extends Lifetime {
  private parsed: ParsedSettings;
  private shown = new Set<string>();
  private readonly changed = this.register(new vscode.EventEmitter<ParsedSettings>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.parsed = this.read();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SECTION)) return;
        this.parsed = this.read();
        this.changed.fire(this.parsed);
      }),
    );
  }

  get current(): ParsedSettings {
    return this.parsed;
  }

  private read(): ParsedSettings {
    const cfg = vscode.workspace.getConfiguration(SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
    // inspect() so that an unset key stays undefined (parseSettings applies our defaults,
    // which are the manifest's).
    const parsed = parseSettings((key: SettingKey) => {
      const i = cfg.inspect(key);
      return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    });
    this.report(parsed);
    return parsed;
  }

  private report(p: ParsedSettings): void {
    const fresh = p.errors.filter((e) => !this.shown.has(`${e.setting}\n${e.message}`));
    this.shown = new Set(p.errors.map((e) => `${e.setting}\n${e.message}`));
    if (fresh.length === 0) return;
    const text = formatSettingErrors(fresh);
    this.log.error(text);
    void vscode.window.showErrorMessage(`Build Diagnostics: ${text.split('\n').join(' — ')}`, 'Open Settings').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.openWorkspaceSettingsFile');
    });
  }
}

/** Every key the extension may read, for the manifest test's "reverse" direction. */
export const READ_KEYS: readonly SettingKey[] = SETTING_KEYS;
