// The settings of the configuration surface: the same shapes serve the VS Code settings
// (`buildDiagnostics.builds[].otel`, `buildDiagnostics.forward`, …, declared by the extension)
// and the CLI's `--settings FILE` (a JSON object with those keys). Parsed data, not raw JSON:
// an invalid setting is reported by name (docs/otel-configuration.md). The zod schemas are in
// settingsSchema.ts, loaded by the first parse: a run without settings never builds them.
import type { z } from 'zod';
import { lazy } from '../lazy.js';
import type * as schemas from './settingsSchema.js';
import { DEFAULT_REDACTED_KEYS, DEFAULT_REDACTION, type RedactionConfig, type ValueRuleName } from '../safety/redact.js';

export type OtelSettings = z.infer<typeof schemas.OtelSettingsSchema>;
export type ForwardSettings = z.infer<typeof schemas.ForwardSettingsSchema>;
export type HamiltonSettings = z.infer<typeof schemas.HamiltonSettingsSchema>;
export type RedactionSettings = z.infer<typeof schemas.RedactionSettingsSchema>;
export type LimitsSettings = z.infer<typeof schemas.LimitsSettingsSchema>;
export type RetentionSettings = z.infer<typeof schemas.RetentionSettingsSchema>;
export type DiagnosticsSettings = z.infer<typeof schemas.DiagnosticsSettingsSchema>;

const settingsSchema = lazy(() => require('./settingsSchema.js') as typeof schemas);

export class SettingsError extends Error {}

/** Parses a settings object; the error names the first bad setting by its path. */
export function parseDiagnosticsSettings(raw: unknown, label = 'settings'): DiagnosticsSettings {
  const r = settingsSchema().DiagnosticsSettingsSchema.safeParse(raw);
  if (r.success) return r.data;
  const msgs = r.error.issues.slice(0, 5).map((i) => `${label}${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
  throw new SettingsError(msgs.join('; '));
}

/** Redaction settings → the redactor's configuration (`keys` replace the defaults,
 * `extraKeys` add to them). */
export function redactionConfig(s: RedactionSettings | undefined): Partial<RedactionConfig> | undefined {
  if (!s) return undefined;
  return {
    enabled: s.enabled ?? DEFAULT_REDACTION.enabled,
    keys: [...(s.keys ?? DEFAULT_REDACTED_KEYS), ...(s.extraKeys ?? [])],
    rules: (s.rules as ValueRuleName[] | undefined) ?? DEFAULT_REDACTION.rules,
    extraPatterns: s.extraPatterns ?? [],
  };
}
