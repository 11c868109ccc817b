// The codeanatomy profile's artifact globs, apart from the parsers (index.ts) so that the
// configuration (profiles.ts) loads none of them.
/** Artifact globs of the `codeanatomy` profile, relative to the build's cwd (the output
 * folder is `build/` by default, docs/codeanatomy-telemetry.md §7). */
export const CODEANATOMY_ARTIFACT_GLOBS: readonly string[] = [
  '**/run_bundle/**/run_diagnostics_report.json',
  '**/run_bundle/**/run_diagnostics_report.md',
  '**/run_bundle/**/otel_traces.json',
  '**/run_bundle/**/otel_logs.json',
  '**/run_bundle/**/otel_metrics.json',
  '**/diagnostics_report.json',
];
