// The manifest parts of package.json that the registry owns (`activationEvents`,
// `contributes`), generated from registry.ts so the two cannot drift. The unit test
// test/unit/extension-manifest.test.ts fails when package.json differs; to rewrite it:
//   node --import tsx -e "require('./src/extension/manifest.ts').writeManifest('package.json')"
// No `vscode` import.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DATASET_FORMATS } from '../core/analysis/datasetCheck.js';
import {
  CATEGORY, COMMANDS, CONTEXT, ITEM, PANEL_VIEW_TYPE, SECTION, SETTING_KEYS, TASK_TYPE, VIEWS, VIEW_CONTAINER,
  commandId, settingId, viewId, type CommandKey, type SettingKey, type ViewKey,
} from './registry.js';
import { z } from 'zod';
import { OtelSettingsSchema } from '../core/config/settingsSchema.js';
import { SETTING_DEFAULTS, SETTING_SCHEMAS } from './settings.js';

/** JSON schema of a zod schema, for the settings editor's completion and squiggles. The
 * zod schema stays the authority (refinements such as `{traceId}` are checked at parse
 * time and reported by setting name). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/**
 * Activation: our views, our task type, the panel (so a panel left open comes back after a
 * window reload through its serializer), and a workspace that already has run history
 * (`.build-diagnostics/.gitignore` is written with the first run; a plain path, so VS Code
 * checks it with one stat instead of a file search). Commands activate implicitly. Never
 * `*` or `onStartupFinished`: most workspaces never run a build through us.
 */
export function activationEvents(): string[] {
  return [
    ...(Object.keys(VIEWS) as ViewKey[]).map((k) => `onView:${viewId(k)}`),
    `onTaskType:${TASK_TYPE}`,
    `onWebviewPanel:${PANEL_VIEW_TYPE}`,
    'workspaceContains:.build-diagnostics/.gitignore',
  ];
}

const datasetSchema = {
  type: 'object',
  required: ['name', 'path'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', description: 'Dataset name, as the build calls it.' },
    path: { type: 'string', description: 'Location, relative to the build\'s cwd (or absolute; `${workspaceFolder}` is substituted).' },
    format: { type: 'string', enum: [...DATASET_FORMATS], description: 'How readiness is checked.' },
    required: { type: 'boolean', default: true, description: 'The build needs it (default true).' },
  },
};

const SETTING_SCHEMA: Record<SettingKey, Record<string, unknown>> = {
  builds: {
    type: 'array',
    default: SETTING_DEFAULTS.builds,
    markdownDescription:
      'Named builds. `command` is a string (run through the shell) or an argv list (no shell); `cwd` is relative to the workspace folder; `env` adds variables; `datasets` are checked before launch and during stalls; `stallThresholdSeconds` overrides the global one. See docs/configuration.md.',
    items: {
      type: 'object',
      required: ['name', 'command'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', description: 'Unique name, shown in the palette, tasks and history.' },
        command: {
          anyOf: [
            { type: 'string', description: 'A shell command line.' },
            { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Program and arguments, run without a shell.' },
          ],
        },
        cwd: { type: 'string', description: 'Working directory, relative to the workspace folder.' },
        env: { type: 'object', additionalProperties: { type: 'string' }, description: 'Extra environment variables.' },
        datasets: { type: 'array', items: datasetSchema },
        stallThresholdSeconds: { type: 'number', minimum: 1, maximum: 86400 },
        artifacts: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          maxItems: 100,
          markdownDescription: 'Globs (relative to `cwd`) of files the build writes — its own diagnostics reports, telemetry dumps — copied into the run bundle and listed under the run in the Runs view. See docs/artifacts.md.',
        },
        otel: {
          ...jsonSchema(OtelSettingsSchema),
          markdownDescription: 'The build\'s OpenTelemetry settings: `profile`, `sampler`, batching, intervals, limits, resource, `configFile`, raw `env`. They win over your environment and lose to nothing but the run\'s routing. See docs/otel-configuration.md.',
        },
      },
    },
  },
  defaultBuild: {
    type: ['string', 'null'],
    default: SETTING_DEFAULTS.defaultBuild,
    markdownDescription: 'The build offered first by **Run Build** (must name one of `buildDiagnostics.builds`).',
  },
  stallThresholdSeconds: {
    type: 'number',
    default: SETTING_DEFAULTS.stallThresholdSeconds,
    minimum: 1,
    maximum: 86400,
    description: 'No progress for this many seconds is a stall.',
  },
  historySize: {
    type: 'integer',
    default: SETTING_DEFAULTS.historySize,
    minimum: 1,
    maximum: 1000,
    markdownDescription: 'How many run bundles to keep under `.build-diagnostics/runs` (oldest removed first).',
  },
  notifications: {
    type: 'string',
    enum: ['all', 'failures', 'off'],
    enumDescriptions: ['Stalls and failures.', 'Failures only.', 'None: the status bar and views only.'],
    default: SETTING_DEFAULTS.notifications,
    description: 'Which notifications a build raises. Success is always quiet.',
  },
  forward: {
    ...jsonSchema(SETTING_SCHEMAS.forward),
    default: SETTING_DEFAULTS.forward,
    markdownDescription: 'Also send everything the run records (redacted) to an OTLP/HTTP endpoint you run: `{ endpoint, protocol, headers, … }`, or `null`. Header values are never stored. See docs/otel-configuration.md.',
  },
  traceUrlTemplate: {
    ...jsonSchema(SETTING_SCHEMAS.traceUrlTemplate),
    default: SETTING_DEFAULTS.traceUrlTemplate,
    markdownDescription: 'An http(s) URL with `{traceId}` (and optionally `{runId}`), e.g. `https://jaeger.example/trace/{traceId}`: links from runs to your trace viewer.',
  },
  hamilton: {
    ...jsonSchema(SETTING_SCHEMAS.hamilton),
    default: SETTING_DEFAULTS.hamilton,
    markdownDescription: 'Hamilton UI tracking: `projectId`, `username`, `apiUrl`, `uiUrl`, `dagName`, … passed to the build as `HAMILTON_*` variables, or `null`. See docs/otel-configuration.md.',
  },
  redaction: {
    ...jsonSchema(SETTING_SCHEMAS.redaction),
    default: SETTING_DEFAULTS.redaction,
    markdownDescription: 'Redaction on ingest: `enabled`, `keys` (replace the defaults), `extraKeys`, `rules`, `extraPatterns`. See docs/diagnostics-policy.md.',
  },
  limits: {
    ...jsonSchema(SETTING_SCHEMAS.limits),
    default: SETTING_DEFAULTS.limits,
    markdownDescription: 'Capture limits per item and per run (`maxAttributes`, `maxValueLength`, `maxSpans`, `maxBytes`, …). See docs/diagnostics-policy.md.',
  },
  retention: {
    ...jsonSchema(SETTING_SCHEMAS.retention),
    default: SETTING_DEFAULTS.retention,
    markdownDescription: 'Run bundles kept: `maxRuns` (the smaller of it and `#buildDiagnostics.historySize#` applies) and `maxBytes` of bundles in total; the oldest go first.',
  },
  debug: {
    type: 'boolean',
    default: SETTING_DEFAULTS.debug,
    markdownDescription: 'Lift every capture limit (redaction stays on).',
  },
};

export function contributes(): Record<string, unknown> {
  const keys = Object.keys(COMMANDS) as CommandKey[];
  const spec = (k: CommandKey): { title: string; icon?: string; palette?: boolean } => COMMANDS[k];
  const runs = viewId('runs');
  return {
    commands: keys.map((k) => ({
      command: commandId(k),
      title: spec(k).title,
      category: CATEGORY,
      ...(spec(k).icon ? { icon: spec(k).icon } : {}),
    })),
    menus: {
      commandPalette: keys.filter((k) => spec(k).palette === false).map((k) => ({ command: commandId(k), when: 'false' })),
      'view/title': [
        { command: commandId('runBuild'), when: `view == ${runs}`, group: 'navigation@1' },
        { command: commandId('stopBuild'), when: `view == ${runs} && ${CONTEXT.running}`, group: 'navigation@2' },
        { command: commandId('clearHistory'), when: `view == ${runs} && ${CONTEXT.hasRuns}`, group: 'navigation@3' },
      ],
      'view/item/context': [
        { command: commandId('openPanel'), when: `view == ${runs} && viewItem == ${ITEM.run}`, group: 'navigation@1' },
        { command: commandId('openTaskSource'), when: `view == ${viewId('tasks')} && viewItem == ${ITEM.taskWithSource}`, group: 'inline' },
        { command: commandId('revealTaskInPanel'), when: `view == ${viewId('tasks')} && viewItem =~ /^task/`, group: 'navigation@1' },
        { command: commandId('openTaskSource'), when: `view == ${viewId('tasks')} && viewItem == ${ITEM.taskWithSource}`, group: 'navigation@2' },
      ],
    },
    viewsContainers: {
      activitybar: [{ id: VIEW_CONTAINER, title: CATEGORY, icon: 'media/activity-bar.svg' }],
    },
    views: {
      [VIEW_CONTAINER]: (Object.keys(VIEWS) as ViewKey[]).map((k) => ({ id: viewId(k), name: VIEWS[k].name })),
    },
    viewsWelcome: [
      { view: runs, contents: `No runs yet.\n[Run Build](command:${commandId('runBuild')})` },
      { view: viewId('tasks'), contents: 'The tasks of the shown run appear here.' },
      { view: viewId('blockers'), contents: 'No dataset blocks the shown run.' },
    ],
    taskDefinitions: [
      {
        type: TASK_TYPE,
        properties: {
          build: { type: 'string', description: 'Name of a build in buildDiagnostics.builds.' },
          command: {
            anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
            description: 'An inline command instead of a named build.',
          },
          cwd: { type: 'string', description: 'Working directory of an inline command.' },
        },
      },
    ],
    configuration: {
      title: CATEGORY,
      properties: Object.fromEntries(SETTING_KEYS.map((k) => [settingId(k), SETTING_SCHEMA[k]])),
    },
  };
}

/** Workspace trust: builds never run untrusted (checked again at every launch), and the
 * settings that name commands are ignored from an untrusted workspace's own settings. */
export function capabilities(): Record<string, unknown> {
  return {
    untrustedWorkspaces: {
      supported: 'limited',
      description: 'Builds are never run in an untrusted workspace; existing run bundles can still be viewed.',
      restrictedConfigurations: [settingId('builds'), settingId('defaultBuild')],
    },
  };
}

/** Rewrites only our three fields of package.json, re-read just before writing (other tools
 * rewrite the file too), atomically. */
export function writeManifest(path: string): void {
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  pkg.activationEvents = activationEvents();
  pkg.contributes = contributes();
  pkg.capabilities = capabilities();
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(pkg, null, 2)}\n`);
  renameSync(tmp, path);
}

export { SECTION };
