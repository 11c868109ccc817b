// Writing the reports of a run into its bundle. The same function serves the end of a live
// run and `build-diag report <bundle>`, so both produce the same files.
import { join } from 'node:path';
import { buildReport, type ReportInput } from '../core/report/build.js';
import { renderMarkdown } from '../core/report/markdown.js';
import type { Report } from '../core/report/schema.js';
import { buildSaysRows, compareBuildSays, type BuildSaysFigures } from '../core/artifacts/index.js';
import { RunStore } from '../core/store.js';
import type { RunInfo } from '../core/run.js';
import { importArtifactFiles } from './artifacts.js';
import { REPORT_JSON, REPORT_MD, describe, writeAtomic } from './writer.js';
import { renderHtmlReport, warmHtmlAssets, writeHtmlReport } from './html.js';
import { buildSnapshot } from '../protocol/snapshot.js';
import type { RunSnapshot } from '../protocol/schema.js';

/** What the reports of a run read besides the run (the app inlined in report.html), read
 * ahead: the session calls this while the build runs. Failures are left to writeReports. */
export function prepareReports(): void {
  try {
    warmHtmlAssets();
  } catch {
    // reported by writeReports, which tries again
  }
}

/** Builds every report of the run so far once and throws the result away, so that the end of
 * the run finds the builders' code compiled and warm: the session calls this while the build
 * runs, when the store is still small, and the reports at the end (which the user waits for)
 * take about half as long. The same steps as writeReports; writes nothing. */
export function rehearseReports(input: WriteReportsInput): void {
  const r = renderReports(input);
  try {
    renderHtmlReport(r.snapshot());
  } catch {
    // the app is not built: writeReports says so at the end
  }
}

export interface ReportSink {
  readonly dir: string;
}

export interface WriteReportsInput extends ReportInput {
  /** The build's own run_diagnostics_report.json figures, when it wrote one. */
  buildSays?: BuildSaysFigures;
}

export function composeReport(input: WriteReportsInput): Report {
  const report = buildReport(input);
  if (input.buildSays) {
    report.buildSays = { rows: buildSaysRows(input.buildSays, report), disagreements: compareBuildSays(input.buildSays, report) };
  }
  return report;
}

/** report.json, report.md and the self-contained report.html. The HTML page is the panel app
 * with the run's data inlined; when it cannot be written (the app is not built) the other two
 * still are and the reason is returned. */
export interface WrittenReports {
  report: Report;
  htmlPath?: string;
  htmlError?: string;
}

/** The report and its report.json and report.md texts; the HTML page's data on demand. */
function renderReports(input: WriteReportsInput): { report: Report; json: string; md: string; snapshot: () => RunSnapshot } {
  const report = composeReport(input);
  return {
    report,
    json: JSON.stringify(report, null, 2) + '\n',
    md: withLinks(renderMarkdown(report), input.run.links),
    snapshot: () => buildSnapshot(input.store, input.run, report).snapshot,
  };
}

export function writeReports(sink: ReportSink, input: WriteReportsInput): WrittenReports {
  const { report, json, md, snapshot } = renderReports(input);
  writeAtomic(join(sink.dir, REPORT_JSON), json);
  writeAtomic(join(sink.dir, REPORT_MD), md);
  try {
    return { report, htmlPath: writeHtmlReport(sink.dir, snapshot()) };
  } catch (e) {
    return { report, htmlError: `report.html was not written: ${describe(e)}` };
  }
}

/** The diagnostics report and the build's own figures, re-read from the artifacts copied into
 * a bundle (their telemetry is already in telemetry.otlp.jsonl, so it is not imported again). */
export function bundleArtifactFigures(dir: string, run: RunInfo): Pick<WriteReportsInput, 'diagnosticsReport' | 'buildSays'> {
  const entries = run.artifacts ?? [];
  if (entries.length === 0) return {};
  const files = entries.map((entry) => ({ entry, copyPath: join(dir, ...entry.path.split('/')) }));
  const imported = importArtifactFiles(new RunStore(), files);
  return { diagnosticsReport: imported.diagnosticsReport, buildSays: imported.buildSays };
}

/** The run's links (trace viewer, Hamilton UI; run.json `links`) as a section after the
 * headline. Only http(s) URLs; characters that would end a markdown link are escaped. */
export function withLinks(md: string, links: RunInfo['links']): string {
  const safe = (links ?? []).filter((l) => /^https?:\/\//i.test(l.url));
  if (safe.length === 0) return md;
  const esc = (u: string) => u.replace(/[()<>\s\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  const label = (s: string) => s.replace(/[[\]\\`*_<>]/g, '');
  const section = ['## Links', '', ...safe.map((l) => `- [${label(l.label)}](${esc(l.url)})`), '', ''].join('\n');
  const at = md.indexOf('\n## ');
  return at < 0 ? `${md}\n${section}` : `${md.slice(0, at + 1)}${section}${md.slice(at + 1)}`;
}
