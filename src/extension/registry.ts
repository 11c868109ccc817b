// The typed registry of everything the extension contributes: commands, views, the task
// type, settings and context keys. No `vscode` import, so the manifest consistency test
// (test/unit/extension-manifest.test.ts) can compare it with package.json without an
// editor. Adding a command or a setting starts here (see ARCHITECTURE.md, recipes).

export const CATEGORY = 'Build Diagnostics';
export const SECTION = 'buildDiagnostics';
export const TASK_TYPE = 'build-diagnostics';

/** `palette: false` hides a command from the command palette (it needs an argument, e.g. a
 * tree item); it is still contributed so that it has a title in menus. */
export interface CommandSpec {
  title: string;
  icon?: string;
  palette?: boolean;
}

export const COMMANDS = {
  runBuild: { title: 'Run Build', icon: '$(play)' },
  rerunLastBuild: { title: 'Rerun Last Build', icon: '$(debug-rerun)' },
  stopBuild: { title: 'Stop Build', icon: '$(debug-stop)' },
  openPanel: { title: 'Open Panel' },
  showBlockers: { title: 'Show Blockers' },
  openRunBundle: { title: 'Open Run Bundle' },
  openReport: { title: 'Open Report' },
  clearHistory: { title: 'Clear History', icon: '$(clear-all)' },
  showLog: { title: 'Show Log' },
  showRun: { title: 'Show This Run', palette: false },
  revealTaskInPanel: { title: 'Reveal in Panel', palette: false },
  openTaskSource: { title: 'Open Source', icon: '$(go-to-file)', palette: false },
  revealDataset: { title: 'Reveal in Explorer', palette: false },
  openArtifact: { title: 'Open Build Artifact', icon: '$(go-to-file)', palette: false },
  showEffectiveConfiguration: { title: 'Show Effective Configuration' },
} as const satisfies Record<string, CommandSpec>;

export type CommandKey = keyof typeof COMMANDS;
export type CommandId = `${typeof SECTION}.${CommandKey}`;
export const commandId = <K extends CommandKey>(k: K): `${typeof SECTION}.${K}` => `${SECTION}.${k}`;

/** The panel's webview view type: `onWebviewPanel:` activation and the serializer that
 * brings it back after a window reload use it. */
export const PANEL_VIEW_TYPE = `${SECTION}.panel`;

export const VIEW_CONTAINER = 'buildDiagnostics';
export const VIEWS = {
  runs: { name: 'Runs' },
  tasks: { name: 'Tasks' },
  blockers: { name: 'Blockers' },
} as const;
export type ViewKey = keyof typeof VIEWS;
export const viewId = (k: ViewKey): string => `${SECTION}.${k}`;

/** Context keys set with `setContext`, used in `when` clauses of the manifest. */
export const CONTEXT = {
  running: `${SECTION}.running`,
  hasRuns: `${SECTION}.hasRuns`,
} as const;

/** Tree item context values (menus `viewItem == …`). */
export const ITEM = {
  task: 'task',
  taskWithSource: 'task.source',
  dataset: 'dataset',
  run: 'run',
  artifacts: 'artifacts',
  artifact: 'artifact',
} as const;

/** Every setting the extension reads, without the `buildDiagnostics.` prefix. The zod
 * schemas in settings.ts are keyed by this list and the manifest test checks both ways. */
export const SETTING_KEYS = [
  'builds', 'defaultBuild', 'stallThresholdSeconds', 'historySize', 'notifications',
  // The configuration surface (docs/otel-configuration.md, docs/diagnostics-policy.md).
  'forward', 'traceUrlTemplate', 'hamilton', 'redaction', 'limits', 'retention', 'debug',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
export const settingId = (k: SettingKey): string => `${SECTION}.${k}`;
