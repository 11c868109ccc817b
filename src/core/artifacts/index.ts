// The build's own artifacts: which files to look for, and how to read them (pure).
// Finding and copying the files is src/bundle/artifacts.ts; docs/artifacts.md has the shapes.
export { parsePipelineOtelFile, pipelineOtelToOtlp, normalizeHexId, toUnixNanos, ARTIFACT_PATH_KEY } from './pipelineOtel.js';
export type { PipelineOtelKind, PipelineParseOptions, PipelineParseResult } from './pipelineOtel.js';
export { dedupeAgainstStore, importArtifactTelemetry, type ArtifactImport } from './importTelemetry.js';
export { parseDiagnosticsReport, parseRunDiagnosticsReport, compareBuildSays, buildSaysRows } from './diagnostics.js';
export type { BuildSaysFigures, SideBySideRow } from './diagnostics.js';
export { RECEIVED_VIA_KEY, markReceivedVia, withResourceAttribute, type ReceivedVia } from './provenance.js';

export { CODEANATOMY_ARTIFACT_GLOBS } from './globs.js';

export type ArtifactKind = 'otel_traces' | 'otel_logs' | 'otel_metrics' | 'diagnostics_report' | 'run_diagnostics_report' | 'run_diagnostics_report_md' | 'other';

/** What a found file is, by its name (the parser to use). */
export function artifactKind(path: string): ArtifactKind {
  const base = path.split(/[\\/]/).pop() ?? '';
  switch (base) {
    case 'otel_traces.json':
      return 'otel_traces';
    case 'otel_logs.json':
      return 'otel_logs';
    case 'otel_metrics.json':
      return 'otel_metrics';
    case 'diagnostics_report.json':
      return 'diagnostics_report';
    case 'run_diagnostics_report.json':
      return 'run_diagnostics_report';
    case 'run_diagnostics_report.md':
      return 'run_diagnostics_report_md';
    default:
      return 'other';
  }
}

export const SIGNAL_OF_KIND: Partial<Record<ArtifactKind, 'traces' | 'logs' | 'metrics'>> = {
  otel_traces: 'traces',
  otel_logs: 'logs',
  otel_metrics: 'metrics',
};
