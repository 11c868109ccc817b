// Writing the reports of a run into its bundle. The same function serves the end of a live
// run and `build-diag report <bundle>`, so both produce the same files.
import { buildReport, type ReportInput } from '../core/report/build.js';
import { renderMarkdown } from '../core/report/markdown.js';
import type { Report } from '../core/report/schema.js';
import { REPORT_JSON, REPORT_MD, writeAtomic } from './writer.js';
import { join } from 'node:path';

export interface ReportSink {
  readonly dir: string;
}

export function writeReports(sink: ReportSink, input: ReportInput): Report {
  const report = buildReport(input);
  writeAtomic(join(sink.dir, REPORT_JSON), JSON.stringify(report, null, 2) + '\n');
  writeAtomic(join(sink.dir, REPORT_MD), renderMarkdown(report));
  return report;
}
