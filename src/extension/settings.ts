// Settings are parsed data: every `buildDiagnostics.*` value is validated with zod in one
// place into one frozen object. An invalid value is reported by its full name and is NOT
// silently replaced: the parsed object keeps the default for it only so that read-only
// features (history, views) keep working, and `errors` makes every build command refuse
// until it is fixed. No `vscode` import: unit-tested in test/unit/extension-settings.test.ts.
import { z } from 'zod';
import { DATASET_FORMATS } from '../core/analysis/datasetCheck.js';
import { DiagnosticsSettingsSchema, OtelSettingsSchema } from '../core/config/settingsSchema.js';
import { SETTING_KEYS, settingId, type SettingKey } from './registry.js';

const NAME = /^[^\s][^\n]{0,99}$/;

export const DatasetSettingSchema = z.strictObject({
  name: z.string().regex(NAME, 'a dataset name of 1-100 characters'),
  path: z.string().min(1),
  format: z.enum(DATASET_FORMATS).optional(),
  required: z.boolean().optional(),
});

export const BuildSettingSchema = z.strictObject({
  name: z.string().regex(NAME, 'a build name of 1-100 characters'),
  /** A string runs through the shell; an argv list runs without one. */
  command: z.union([z.string().min(1), z.array(z.string()).min(1)]),
  cwd: z.string().min(1).optional(),
  env: z.record(z.string(), z.string()).optional(),
  datasets: z.array(DatasetSettingSchema).max(1000).optional(),
  stallThresholdSeconds: z.number().min(1).max(86_400).optional(),
  /** Globs (relative to cwd) of files the build writes that are copied into the bundle
   * (docs/artifacts.md); listed under the run in the Runs view. */
  artifacts: z.array(z.string().min(1).max(500)).max(100).optional(),
  /** The build's OpenTelemetry settings (layer 3 of docs/otel-configuration.md). */
  otel: OtelSettingsSchema.optional(),
});
export type BuildSetting = z.infer<typeof BuildSettingSchema>;

const buildsSchema = z
  .array(BuildSettingSchema)
  .max(200)
  .superRefine((builds, ctx) => {
    const seen = new Set<string>();
    builds.forEach((b, i) => {
      if (seen.has(b.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `the build name "${b.name}" is used twice` });
      seen.add(b.name);
    });
  });

const CORE = DiagnosticsSettingsSchema.shape;

export const SETTING_SCHEMAS = {
  builds: buildsSchema,
  defaultBuild: z.string().min(1).nullable(),
  stallThresholdSeconds: z.number().min(1).max(86_400),
  historySize: z.number().int().min(1).max(1000),
  notifications: z.enum(['all', 'failures', 'off']),
  // The configuration surface: the same zod schemas as the CLI's `--settings FILE`
  // (src/core/config/settings.ts), so both accept exactly the same values. `null` = not set.
  forward: CORE.forward.unwrap().nullable(),
  traceUrlTemplate: CORE.traceUrlTemplate.unwrap().nullable(),
  hamilton: CORE.hamilton.unwrap().nullable(),
  redaction: CORE.redaction.unwrap(),
  limits: CORE.limits.unwrap(),
  retention: CORE.retention.unwrap(),
  debug: CORE.debug.unwrap(),
} as const satisfies Record<SettingKey, z.ZodType>;

export type Settings = { readonly [K in SettingKey]: z.infer<(typeof SETTING_SCHEMAS)[K]> };

export const SETTING_DEFAULTS: Settings = {
  builds: [],
  defaultBuild: null,
  stallThresholdSeconds: 30,
  historySize: 20,
  notifications: 'all',
  forward: null,
  traceUrlTemplate: null,
  hamilton: null,
  redaction: {},
  limits: {},
  retention: {},
  debug: false,
};

export interface SettingError {
  /** Full setting id, e.g. `buildDiagnostics.historySize`. */
  setting: string;
  message: string;
}

export interface ParsedSettings {
  settings: Settings;
  errors: readonly SettingError[];
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? `${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ` : '';
  return `${where.replace(/^\./, '')}${issue.message}`;
}

/** Parse raw values (undefined = not set). `read` gets each declared key once. */
export function parseSettings(read: (key: SettingKey) => unknown): ParsedSettings {
  const out: Record<string, unknown> = {};
  const errors: SettingError[] = [];
  for (const key of SETTING_KEYS) {
    const raw = read(key);
    if (raw === undefined) {
      out[key] = SETTING_DEFAULTS[key];
      continue;
    }
    const r = SETTING_SCHEMAS[key].safeParse(raw);
    if (r.success) out[key] = r.data;
    else {
      out[key] = SETTING_DEFAULTS[key];
      errors.push({ setting: settingId(key), message: r.error.issues.slice(0, 3).map(describeIssue).join('; ') });
    }
  }
  const settings = out as Settings;
  // Cross-setting rule, reported on the setting that is wrong.
  if (settings.defaultBuild !== null && !settings.builds.some((b) => b.name === settings.defaultBuild)) {
    errors.push({
      setting: settingId('defaultBuild'),
      message: `"${settings.defaultBuild}" is not the name of a build in ${settingId('builds')}`,
    });
  }
  return deepFreeze({ settings, errors });
}

/** One line per error, for notifications and the output channel. */
export function formatSettingErrors(errors: readonly SettingError[]): string {
  return errors.map((e) => `invalid setting ${e.setting}: ${e.message}`).join('\n');
}
