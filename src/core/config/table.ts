// The effective configuration of a build, as shown by `build-diag config` and the palette
// command: every telemetry variable the child gets, its value and where it came from, with
// secrets masked. Input is the child's environment and its origins (src/launch/env.ts), so
// what is shown is exactly what is launched.
import { REDACTED } from '../safety/redact.js';
import { isSecretVariable, isTelemetryVariable, knob } from './knobs.js';

export type ConfigOrigin = 'default' | 'user' | 'run' | 'flag';

export interface ConfigRow {
  name: string;
  /** Masked when the variable may hold a credential. */
  value: string;
  origin: ConfigOrigin | 'managed';
  /** Person-readable origin, e.g. "profile codeanatomy", "your environment". */
  source: string;
  description: string;
  secret: boolean;
}

/** Per-entry masking of a `k=v,…` header list: keys stay, values go. */
function maskList(v: string): string {
  return v
    .split(',')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq <= 0 ? part : `${part.slice(0, eq).trim()}=${REDACTED}`;
    })
    .join(',');
}

export function maskValue(name: string, value: string): string {
  if (!isSecretVariable(name)) return value;
  if (name.endsWith('_HEADERS')) return maskList(value);
  return REDACTED;
}

const SOURCES: Record<ConfigOrigin | 'managed', (profile: string) => string> = {
  default: (p) => `profile ${p}`,
  user: () => 'your environment',
  run: () => 'build configuration',
  flag: () => 'flag',
  managed: () => 'Build Diagnostics (this run)',
};

export function effectiveConfig(
  env: Record<string, string>,
  origins: Record<string, ConfigOrigin>,
  profile: string,
): ConfigRow[] {
  const rows: ConfigRow[] = [];
  for (const name of Object.keys(env).filter(isTelemetryVariable).sort()) {
    const k = knob(name);
    const origin: ConfigOrigin | 'managed' = k?.managed && (origins[name] ?? 'default') === 'default' ? 'managed' : (origins[name] ?? 'user');
    rows.push({
      name,
      value: maskValue(name, env[name]!),
      origin,
      source: SOURCES[origin](profile),
      description: k?.description ?? '',
      secret: isSecretVariable(name),
    });
  }
  return rows;
}

/** A plain-text table for a terminal. */
export function renderConfigTable(rows: ConfigRow[]): string {
  const w = (f: (r: ConfigRow) => string, head: string) => Math.max(head.length, ...rows.map((r) => f(r).length));
  const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  const values = rows.map((r) => cut(r.value, 80));
  const nw = w((r) => r.name, 'VARIABLE');
  const vw = Math.max(5, ...values.map((v) => v.length));
  const sw = w((r) => r.source, 'FROM');
  const line = (a: string, b: string, c: string) => `${a.padEnd(nw)}  ${b.padEnd(vw)}  ${c.padEnd(sw)}`.trimEnd();
  return [line('VARIABLE', 'VALUE', 'FROM'), ...rows.map((r, i) => line(r.name, values[i]!, r.source))].join('\n') + '\n';
}

/** `template` with `{traceId}` (and `{runId}`) replaced, or undefined without a template or
 * when the id is not a trace id (a link must never carry anything else). */
export function traceUrl(template: string | undefined, traceId: string, runId?: string): string | undefined {
  if (!template || !/^[0-9a-f]{32}$/.test(traceId)) return undefined;
  return template.replaceAll('{traceId}', traceId).replaceAll('{runId}', encodeURIComponent(runId ?? ''));
}
