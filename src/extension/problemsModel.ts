// From report.problems to Problems-panel entries: where each one goes. Pure (no `vscode`).
// Failures go to the file and line the analyses found (paths are relative to the build's
// cwd), readiness issues to the entry of `.vscode/settings.json` that declares the dataset
// when it can be found, and location-less problems to the build's own entry there.
import { isAbsolute, resolve } from 'node:path';
import type { Problem, Report } from '../core/report/schema.js';

export interface Place {
  file: string;
  /** 0-based, as VS Code ranges are. */
  line: number;
  column: number;
  endColumn: number;
}

export interface ProblemEntry extends Place {
  severity: Problem['severity'];
  message: string;
  source: string;
  related: (Place & { message: string })[];
}

export interface SettingsDoc {
  path: string;
  text: string;
}

/** Where `"name": "<name>"` is written, inside the block of `builds` (and of a build's
 * `datasets` when `kind` is dataset). A text search is enough: the file is small and
 * JSONC, and a miss only means the entry goes to the build or nowhere. */
export function locateName(text: string, name: string, kind: 'build' | 'dataset'): { line: number; column: number; length: number } | undefined {
  const quoted = JSON.stringify(name);
  const re = new RegExp(`"name"\\s*:\\s*${quoted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g');
  const start = text.indexOf('"buildDiagnostics.builds"');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (start >= 0 && m.index < start) continue;
    const before = text.slice(Math.max(start, 0), m.index);
    const inDatasets = before.lastIndexOf('"datasets"') > before.lastIndexOf(']');
    if ((kind === 'dataset') !== inDatasets) continue;
    const lines = text.slice(0, m.index).split('\n');
    return { line: lines.length - 1, column: lines[lines.length - 1]!.length, length: m[0].length };
  }
  return undefined;
}

function place(cwd: string, file: string, line: number | null, column: number | null): Place {
  const l = Math.max(0, (line ?? 1) - 1);
  const c = Math.max(0, (column ?? 1) - 1);
  return { file: isAbsolute(file) ? file : resolve(cwd, file), line: l, column: c, endColumn: column === null ? Number.MAX_SAFE_INTEGER : c + 1 };
}

export function problemEntries(report: Report, o: { cwd: string; buildName: string | null; settings?: SettingsDoc }): ProblemEntry[] {
  const out: ProblemEntry[] = [];
  const buildAt = o.settings && o.buildName ? locateName(o.settings.text, o.buildName, 'build') : undefined;
  for (const p of report.problems.slice(0, 500)) {
    const related = p.related.slice(0, 20).map((r) => ({ ...place(o.cwd, r.file, r.line, r.column), message: r.message }));
    let where: Place | undefined;
    if (p.file) where = place(o.cwd, p.file, p.line, p.column);
    else if (o.settings) {
      const ds = p.source === 'readiness' ? datasetOf(p, report) : undefined;
      const at = (ds ? locateName(o.settings.text, ds, 'dataset') : undefined) ?? buildAt;
      if (at) where = { file: o.settings.path, line: at.line, column: at.column, endColumn: at.column + at.length };
    }
    if (!where) continue;
    out.push({ ...where, severity: p.severity, message: p.message, source: p.source, related });
  }
  return out;
}

/** The dataset a readiness problem is about: the readiness issue whose name it mentions. */
function datasetOf(p: Problem, report: Report): string | undefined {
  return report.readiness.issues.map((d) => d.dataset).find((n) => p.message.includes(n));
}
