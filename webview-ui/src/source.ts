// Source locations a span points at: `code.*` attributes (semantic conventions 1.33 names
// and the older ones) and the frames of Python tracebacks in exception events. The host
// decides whether a path is inside the workspace before opening anything.
import type { SnapSpan } from '../../src/protocol/schema.js';

export interface SourceLoc {
  file: string;
  line: number | null;
  label: string;
}

const FRAME_RE = /File "([^"\n]{1,1000})", line (\d{1,9})/g;

export function sourceLocations(span: SnapSpan): SourceLoc[] {
  const out: SourceLoc[] = [];
  const a = span.attributes;
  const file = a['code.file.path'] ?? a['code.filepath'];
  if (file) {
    const line = Number(a['code.line.number'] ?? a['code.lineno']);
    const fn = a['code.function.name'] ?? a['code.function'];
    out.push({ file, line: Number.isInteger(line) && line > 0 ? line : null, label: fn ? `${fn} (${file})` : file });
  }
  for (const ev of span.events) {
    const st = ev.attributes['exception.stacktrace'];
    if (!st) continue;
    for (const m of st.matchAll(FRAME_RE)) {
      const f = m[1]!;
      if (out.some((o) => o.file === f && o.line === Number(m[2]))) continue;
      out.push({ file: f, line: Number(m[2]), label: `${f}:${m[2]}` });
      if (out.length >= 20) return out;
    }
  }
  return out;
}
