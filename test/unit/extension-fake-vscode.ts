// A recording stand-in for the `vscode` module, just enough to run the extension's
// activate() in a unit test and see what it registers and which settings it reads.
// Only the manifest test uses it; everything with logic is tested without it.
import Module from 'node:module';

export interface Recorded {
  commands: Map<string, (...a: unknown[]) => unknown>;
  treeViews: string[];
  taskProviders: string[];
  /** View types of registered webview panel serializers. */
  serializers: string[];
  settingsRead: string[];
  messages: string[];
}

export function installFakeVscode(workspaceRoot: string): Recorded {
  const rec: Recorded = { commands: new Map(), treeViews: [], taskProviders: [], serializers: [], settingsRead: [], messages: [] };
  const disposable = () => ({ dispose() {} });
  class EventEmitter<T> {
    private ls = new Set<(e: T) => void>();
    event = (l: (e: T) => void) => {
      this.ls.add(l);
      return { dispose: () => this.ls.delete(l) };
    };
    fire(e: T) {
      for (const l of this.ls) l(e);
    }
    dispose() {
      this.ls.clear();
    }
  }
  const message = (m: string) => {
    rec.messages.push(m);
    return Promise.resolve(undefined);
  };
  const channel = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, appendLine() {}, show() {}, dispose() {} };
  const fake = {
    EventEmitter,
    ThemeIcon: class { constructor(readonly id: string) {} },
    ThemeColor: class { constructor(readonly id: string) {} },
    TreeItem: class { constructor(readonly label: string, readonly collapsibleState?: number) {} },
    MarkdownString: class { constructor(readonly value: string) {} },
    Range: class { constructor(...a: number[]) { void a; } },
    Uri: { file: (fsPath: string) => ({ fsPath, scheme: 'file' }) },
    StatusBarAlignment: { Left: 1, Right: 2 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    TaskScope: { Global: 1, Workspace: 2 },
    ViewColumn: { Active: -1 },
    window: {
      createOutputChannel: () => channel,
      createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
      createTreeView: (id: string) => {
        rec.treeViews.push(id);
        return { dispose() {}, reveal: async () => {} };
      },
      registerWebviewPanelSerializer: (viewType: string) => {
        rec.serializers.push(viewType);
        return { dispose: () => rec.serializers.splice(rec.serializers.indexOf(viewType), 1) };
      },
      onDidCloseTerminal: disposable,
      showErrorMessage: message,
      showWarningMessage: message,
      showInformationMessage: message,
    },
    workspace: {
      isTrusted: true,
      workspaceFolders: [{ uri: { fsPath: workspaceRoot }, name: 'ws', index: 0 }],
      getConfiguration: (section?: string) => ({
        inspect: (key: string) => {
          rec.settingsRead.push(section ? `${section}.${key}` : key);
          return { key };
        },
        get: (key: string) => {
          rec.settingsRead.push(section ? `${section}.${key}` : key);
          return undefined;
        },
        update: async () => {},
      }),
      onDidChangeConfiguration: disposable,
    },
    languages: { createDiagnosticCollection: () => ({ clear() {}, set() {}, dispose() {} }) },
    commands: {
      registerCommand: (id: string, fn: (...a: unknown[]) => unknown) => {
        if (rec.commands.has(id)) throw new Error(`command ${id} registered twice`);
        rec.commands.set(id, fn);
        return { dispose: () => rec.commands.delete(id) };
      },
      executeCommand: async () => undefined,
    },
    tasks: {
      registerTaskProvider: (type: string) => {
        rec.taskProviders.push(type);
        return disposable();
      },
    },
  };
  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const original = M._resolveFilename;
  M._resolveFilename = function (req: string, ...rest: unknown[]) {
    return req === 'vscode' ? 'vscode' : original.call(this, req, ...rest);
  };
  M._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake };
  return rec;
}
