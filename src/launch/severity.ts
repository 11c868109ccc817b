// Severity of a printed log line, mapped to OTel SeverityNumber
// (https://opentelemetry.io/docs/specs/otel/logs/data-model/#field-severitynumber).
//
// Policy: parseSeverity returns UNSPECIFIED (0) when the line names no level; the caller
// (stdioLogs.ts) then uses INFO for stdout and keeps UNSPECIFIED for stderr. stderr is where
// Python logging writes EVERYTHING (INFO included) and where tools print progress bars, so
// defaulting it to WARN would flood warning counts; UNSPECIFIED keeps "we don't know"
// distinct from a real INFO, and tracebacks are recognised explicitly as ERROR.

export const SeverityNumber = {
  UNSPECIFIED: 0,
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
} as const;

export interface LineSeverity {
  severityNumber: number;
  /** The level as written in the line (e.g. `WARNING`, `warn`, `50`). */
  severityText?: string;
}

const LEVELS: Record<string, number> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  information: SeverityNumber.INFO,
  notice: SeverityNumber.INFO + 1,
  warn: SeverityNumber.WARN,
  warning: SeverityNumber.WARN,
  err: SeverityNumber.ERROR,
  error: SeverityNumber.ERROR,
  exception: SeverityNumber.ERROR,
  crit: SeverityNumber.FATAL,
  critical: SeverityNumber.FATAL,
  fatal: SeverityNumber.FATAL,
  alert: SeverityNumber.FATAL + 1,
  emerg: SeverityNumber.FATAL + 2,
  emergency: SeverityNumber.FATAL + 2,
  panic: SeverityNumber.FATAL + 2,
};

function level(text: string | undefined): LineSeverity | undefined {
  if (text === undefined) return undefined;
  const n = LEVELS[text.toLowerCase()];
  return n === undefined ? undefined : { severityNumber: n, severityText: text };
}

/** pino/bunyan numeric levels: 10 trace … 60 fatal. */
function numericLevel(v: number): LineSeverity | undefined {
  const table: [number, number][] = [
    [60, SeverityNumber.FATAL],
    [50, SeverityNumber.ERROR],
    [40, SeverityNumber.WARN],
    [30, SeverityNumber.INFO],
    [20, SeverityNumber.DEBUG],
    [10, SeverityNumber.TRACE],
  ];
  for (const [min, sev] of table) if (v >= min) return { severityNumber: sev, severityText: String(v) };
  return undefined;
}

const JSON_LEVEL_KEYS = ['level', 'severity', 'levelname', 'log.level', 'lvl', 'severityText'];

function jsonSeverity(line: string): LineSeverity | undefined {
  const t = line.trim();
  if (t.length > 256 * 1024 || !t.startsWith('{') || !t.endsWith('}')) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  for (const key of JSON_LEVEL_KEYS) {
    let v = rec[key];
    if (v === undefined && key === 'log.level') {
      const log = rec.log;
      v = log && typeof log === 'object' ? (log as Record<string, unknown>).level : undefined;
    }
    if (typeof v === 'string') {
      const s = level(v.trim());
      if (s) return s;
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      return numericLevel(v);
    }
  }
  return undefined;
}

const LEVEL_WORDS = 'TRACE|DEBUG|INFO|INFORMATION|NOTICE|WARN|WARNING|ERROR|ERR|EXCEPTION|CRITICAL|CRIT|FATAL|ALERT|EMERG|PANIC';
// Python's default basicConfig format: `LEVEL:logger:message`.
const PY_DEFAULT_RE = new RegExp(`^(${LEVEL_WORDS}):[^:\\s]*:`);
// A leading timestamp (ISO-ish or Python asctime `2024-01-02 03:04:05,678`), then within the
// next few tokens a level word, alone or in brackets, optionally separated by ` - ` or `|`.
const TS_RE = /^\[?\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?/;
const TS_LEVEL_RE = new RegExp(`^(?:\\s*(?:-|\\|)?\\s*\\S+){0,2}?\\s*(?:-|\\|)?\\s*[\\[(<]?(${LEVEL_WORDS})[\\])>]?(?=[\\s:|\\]-]|$)`, 'i');
// `[ERROR] …`, `ERROR: …`, `error[E0308]: …` (rustc), `warning: …` (gcc, cargo) at the start.
const PREFIX_RE = new RegExp(`^(?:\\[(${LEVEL_WORDS})\\](?=[\\s:]|$)|(${LEVEL_WORDS})(?:\\[[\\w-]+\\])?(?::|\\s-\\s|\\s\\|))`, 'i');

/** The level a printed line names, or UNSPECIFIED (severityNumber 0). */
export function parseSeverity(line: string): LineSeverity {
  const head = line.length > 512 ? line.slice(0, 512) : line;
  const py = PY_DEFAULT_RE.exec(head);
  if (py) return level(py[1])!;
  const ts = TS_RE.exec(head);
  if (ts) {
    const m = TS_LEVEL_RE.exec(head.slice(ts[0].length));
    const s = level(m?.[1]);
    if (s) return s;
  }
  const pre = PREFIX_RE.exec(head.trimStart());
  if (pre) {
    const s = level(pre[1] ?? pre[2]);
    if (s) return s;
  }
  if (head.startsWith('{')) {
    const s = jsonSeverity(line);
    if (s) return s;
  }
  if (head.startsWith('Traceback (most recent call last):')) {
    return { severityNumber: SeverityNumber.ERROR };
  }
  return { severityNumber: SeverityNumber.UNSPECIFIED };
}
