// `build-diag import <file>`: an OTLP JSON-lines file from another machine or a CI run becomes
// a run bundle here, with the same reports as a live run (src/bundle/import.ts).
import { importOtlpFile } from '../bundle/import.js';
import { withLinks } from '../bundle/reports.js';
import { renderMarkdown } from '../core/report/markdown.js';
import type { ImportArgs } from './args.js';

export function importCommand(a: ImportArgs, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  const r = importOtlpFile(a.file, { cwd: a.cwd, outDir: a.out, debug: a.debug });
  for (const w of r.info.warnings ?? []) err.write(`build-diag: ${w}\n`);
  err.write(`build-diag: imported ${r.lines - r.skipped} of ${r.lines} lines into ${r.bundleDir}\n`);
  if (a.format === 'json') out.write(JSON.stringify(r.report, null, 2) + '\n');
  else out.write(withLinks(renderMarkdown(r.report), r.info.links));
  return 0;
}
