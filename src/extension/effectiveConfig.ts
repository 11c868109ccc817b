// "Show Effective Configuration": the telemetry variables a build's child would get, their
// values (masked) and where they came from, as markdown. Built with the same function a
// launch uses (resolveLaunchConfig, docs/otel-configuration.md), so it shows what is
// launched. Pure: no `vscode`; tested in test/unit/extension-settings.test.ts.
import { resolveLaunchConfig } from '../launch/otelConfig.js';
import type { ConfigRow } from '../core/config/table.js';
import type { ResolvedBuild } from './buildSpec.js';
import { formatSettingErrors, type SettingError } from './settings.js';

/** Markdown table cells: no pipes or line breaks from values (which are user text). */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/`/g, "'");
}

function table(rows: readonly ConfigRow[]): string {
  const lines = ['| variable | value | from |', '|---|---|---|'];
  for (const r of rows) lines.push(`| \`${cell(r.name)}\` | ${r.value === '' ? '*(empty)*' : `\`${cell(r.value)}\``} | ${cell(r.source)} |`);
  return lines.join('\n');
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The document for one build. `errors` are the current settings errors: they are shown
 * first (a build does not start while any exists). An invalid `otel` setting or an
 * unreadable/invalid configuration file is shown as the error a launch would give.
 */
export function effectiveConfigMarkdown(build: ResolvedBuild, errors: readonly SettingError[], userEnv: NodeJS.ProcessEnv): string {
  const out: string[] = [`# Effective configuration: ${cell(build.name)}`, ''];
  if (errors.length > 0) {
    out.push('## Settings errors', '', 'Builds do not start until these are fixed:', '');
    for (const line of formatSettingErrors(errors).split('\n')) out.push(`- ${line}`);
    out.push('');
  }
  const d = build.diagnostics ?? {};
  try {
    const lc = resolveLaunchConfig({
      cwd: build.cwd,
      workspaceRoot: d.workspaceRoot,
      userEnv,
      runEnv: build.env,
      otel: d.otel,
      hamilton: d.hamilton,
    });
    out.push(
      `Profile **${lc.resolved.profile.name}** — ${lc.resolved.profile.description}`,
      '',
      'Precedence: profile < your environment < build configuration < flags; the run\'s routing variables are set by Build Diagnostics. Values that may hold credentials are shown as `[redacted]`; per-run values are placeholders.',
      '',
      table(lc.table()),
      '',
    );
    if (lc.configFiles.length > 0) out.push(`Declarative configuration: ${lc.configFiles.map((f) => `\`${cell(f.path)}\``).join(', ')} (valid)`, '');
    if (lc.warnings.length > 0) {
      out.push('## Warnings', '');
      for (const w of lc.warnings) out.push(`- ${cell(w)}`);
      out.push('');
    }
  } catch (err) {
    out.push('## Configuration error', '', 'This build would not be launched:', '', '```text', errorText(err), '```', '');
  }
  out.push('## Other settings', '');
  out.push(
    `- forwarding: ${d.forward ? `${cell(d.forward.endpoint.replace(/\/\/[^/@]*@/, '//[redacted]@'))} (${d.forward.protocol ?? 'http/protobuf'})${Object.keys(d.forward.headers ?? {}).length ? `, headers ${Object.keys(d.forward.headers ?? {}).sort().map(cell).join(', ')} (values hidden)` : ''}` : 'off'}`,
    `- trace links: ${d.traceUrlTemplate ? `\`${cell(d.traceUrlTemplate)}\`` : 'off'}`,
    `- capture limits: ${d.debug ? 'lifted (debug)' : d.limits && Object.keys(d.limits).length ? 'customized' : 'defaults'}; redaction: ${d.redaction?.enabled === false ? '**off**' : d.redaction ? 'customized' : 'defaults'}`,
  );
  return out.join('\n') + '\n';
}
