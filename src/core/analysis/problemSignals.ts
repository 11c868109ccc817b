// The signals that report a failure, each turned into a candidate problem. problems.ts merges
// candidates that describe the same failure (a traceback on stderr, the exception event on
// the span, `build.failure`, `cli_invocation_v1` — one failure, four signals).
import { isEvent } from '../events/isEvent.js';
import type { Attributes, LogRecord, Span } from '../model.js';
import { StatusCode } from '../model.js';
import type { RunStore } from '../store.js';
import { logStream } from './logs.js';
import { parseNodeStacks, parsePythonTracebacks, parseStackText, type ParsedException } from './tracebacks.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Candidate {
  severity: Severity;
  /** traceback | stack | exception_event | span_status | build.failure | build.phase.end |
   * cli_invocation_v1 | diagnostics_report | <event name> | log | readiness | stall | run */
  source: string;
  /** Exception type as reported (may be dotted), when the signal names one. */
  type: string | null;
  /** Exception message (first line is what identifies it), or the whole text. */
  text: string;
  /** Message shown to the user when the candidate leads its problem. */
  display: string;
  /** Exception chain, cause first (tracebacks and stack traces only). */
  chain: ParsedException[];
  /** A location named directly (span `code.*` attributes, diagnostics report). */
  location?: { file: string; line: number; column: number | null };
  span?: { traceId: string; spanId: string };
  timeNs: bigint;
  /** Merge rank: lower is the better source of a location. */
  rank: number;
  /** Only merge with problems of the same type (cli_invocation_v1 knows no message). */
  typeOnly?: boolean;
  /** The dataset a readiness-like signal is about: such signals merge per dataset. */
  dataset?: string;
}

export const RANK = { traceback: 0, exception_event: 1, span_status: 2, failure_event: 3, phase_end: 4, cli: 5, other: 9 } as const;

const MAX_TEXT = 2000;
/** Stderr lines scanned for tracebacks (the most recent are kept when there are more). */
const MAX_STDERR_LINES = 200_000;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;
}

export function excDisplay(type: string | null, message: string): string {
  const m = message.trim();
  if (!type) return clip(m);
  return clip(m ? `${type}: ${m}` : type);
}

function fromChain(chain: ParsedException[], source: string, timeNs: bigint, span?: Candidate['span'], severity: Severity = 'error'): Candidate {
  const last = chain[chain.length - 1]!;
  return {
    severity,
    source,
    type: last.type,
    text: last.message,
    display: excDisplay(last.type, last.message),
    chain,
    timeNs,
    rank: RANK.traceback,
    ...(span ? { span } : {}),
  };
}

function bodyText(log: LogRecord): string {
  return typeof log.body === 'string' ? log.body : '';
}

/** Python tracebacks and Node stacks printed on stderr. Consecutive stderr records form the
 * text (records of other streams in between do not break a traceback). */
export function stderrCandidates(store: RunStore): Candidate[] {
  let records: LogRecord[] = store.logs.filter((l) => logStream(l) === 'stderr');
  if (records.length > MAX_STDERR_LINES) records = records.slice(records.length - MAX_STDERR_LINES);
  const lines = records.map(bodyText);
  const out: Candidate[] = [];
  for (const tb of parsePythonTracebacks(lines)) {
    out.push(fromChain(tb.chain, 'traceback', records[tb.firstLine]?.timeNs ?? 0n));
  }
  for (const st of parseNodeStacks(lines)) {
    const c = fromChain(st.chain, 'stack', records[st.firstLine]?.timeNs ?? 0n);
    out.push(c);
  }
  return out;
}

/** `exception.*` attributes (OTel semantic conventions), on span events and log records. */
function fromExceptionAttrs(attrs: Attributes, timeNs: bigint, span: Candidate['span'], severity: Severity): Candidate | undefined {
  const type = str(attrs['exception.type']) ?? null;
  const message = str(attrs['exception.message']) ?? '';
  const stack = str(attrs['exception.stacktrace']);
  if (!type && !message && !stack) return undefined;
  const parsed = stack ? parseStackText(stack) : [];
  const chain = parsed.length > 0 ? parsed[parsed.length - 1]!.chain : [];
  const finalType = type ?? chain[chain.length - 1]?.type ?? null;
  const finalMsg = message || chain[chain.length - 1]?.message || '';
  return {
    severity,
    source: 'exception_event',
    type: finalType,
    text: finalMsg,
    display: excDisplay(finalType, finalMsg),
    chain,
    timeNs,
    rank: RANK.exception_event,
    ...(span ? { span } : {}),
  };
}

/** Span code location: current semantic conventions, then the deprecated names. */
function codeLocation(a: Attributes): Candidate['location'] | undefined {
  const file = str(a['code.file.path']) ?? str(a['code.filepath']);
  const lineV = a['code.line.number'] ?? a['code.lineno'];
  const line = typeof lineV === 'number' ? lineV : typeof lineV === 'string' ? Number(lineV) : NaN;
  if (!file || !Number.isInteger(line) || line < 1) return undefined;
  const colV = a['code.column.number'] ?? a['code.column'];
  const column = typeof colV === 'number' && Number.isInteger(colV) && colV >= 1 ? colV : null;
  return { file, line, column };
}

/** "Type: message" as OTel SDKs write a failed span's status description. */
function splitTypeMessage(s: string): { type: string | null; message: string } {
  const m = /^([A-Za-z_][\w.]{0,200}): (.*)$/s.exec(s);
  if (m) return { type: m[1]!, message: m[2]! };
  // Some SDKs and stage wrappers put only the exception's class name in the status.
  if (/^[A-Za-z_][\w.]{0,200}(Error|Exception|Interrupt|Exit|Failure)$/.test(s.trim())) return { type: s.trim(), message: '' };
  return { type: null, message: s };
}

export function spanCandidates(store: RunStore): Candidate[] {
  const out: Candidate[] = [];
  for (const s of store.spans) {
    const failed = s.status?.code === StatusCode.ERROR;
    const ref = { traceId: s.traceId, spanId: s.spanId };
    let hadException = false;
    for (const ev of Array.isArray(s.events) ? s.events : []) {
      if (ev.name !== 'exception') continue;
      // An exception recorded on a span that did not fail was handled.
      const c = fromExceptionAttrs(ev.attributes ?? {}, ev.timeNs, ref, failed ? 'error' : 'warning');
      if (c) {
        out.push(c);
        hadException = true;
      }
    }
    if (!failed) continue;
    const loc = codeLocation(s.attributes ?? {});
    const desc = str(s.status?.message);
    if (!loc && (hadException || !desc)) continue;
    const { type, message } = splitTypeMessage(desc ?? '');
    out.push({
      severity: 'error',
      source: 'span_status',
      type,
      text: message,
      display: desc ? clip(desc) : `span ${spanLabel(s)} failed`,
      chain: [],
      ...(loc ? { location: loc } : {}),
      span: ref,
      timeNs: s.endNs,
      rank: RANK.span_status,
    });
  }
  return out;
}

function spanLabel(s: Span): string {
  return s.name.slice(0, 200);
}

const DIAG_SEVERITY: Record<string, Severity> = { error: 'error', warn: 'warning', warning: 'warning', info: 'info' };

/** Events that report a failure or carry `diagnostic.severity` warn/error. The log record and
 * span event copies of one event are one candidate. */
export function eventCandidates(store: RunStore): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const once = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const e of store.events) {
    const ref = e.traceId && e.spanId ? { span: { traceId: e.traceId, spanId: e.spanId } } : {};
    if (isEvent(e, 'build.failure')) {
      const type = str(e.payload.error_type) ?? null;
      const text = str(e.payload.error) ?? '';
      if (!once(`bf|${type}|${text}`)) continue;
      out.push({ severity: 'error', source: 'build.failure', type, text, display: excDisplay(type, text) || 'build failed', chain: [], timeNs: e.timeNs, rank: RANK.failure_event, ...ref });
    } else if (isEvent(e, 'build.phase.end') && e.payload.status === 'error') {
      const type = str(e.payload.error_type) ?? null;
      const text = str(e.payload.error) ?? '';
      if (!once(`pe|${e.payload.phase}|${type}|${text}`)) continue;
      const display = excDisplay(type, text) || `phase ${e.payload.phase ?? '?'} failed`;
      out.push({ severity: 'error', source: 'build.phase.end', type, text, display, chain: [], timeNs: e.timeNs, rank: RANK.phase_end, ...ref });
    } else if (isEvent(e, 'cli_invocation_v1') && e.payload.ok === false) {
      const p = e.payload;
      const type = str(p.error_class) ?? null;
      if (!once(`cli|${type}|${p.error_stage}|${p.exit_code}`)) continue;
      const parts = [`command ${str(p.command) ?? '?'} failed`];
      if (str(p.error_stage)) parts.push(`at stage ${p.error_stage}`);
      if (type) parts.push(`with ${type}`);
      if (typeof p.exit_code === 'number') parts.push(`(reported exit code ${p.exit_code})`);
      out.push({ severity: 'error', source: 'cli_invocation_v1', type, text: '', display: parts.join(' '), chain: [], timeNs: e.timeNs, rank: RANK.cli, typeOnly: true, ...ref });
    } else {
      const sevRaw = str((e.payload as Record<string, unknown>)['diagnostic.severity']);
      const severity = sevRaw ? DIAG_SEVERITY[sevRaw.toLowerCase()] : undefined;
      if (severity !== 'error' && severity !== 'warning') continue;
      const p = e.payload as Record<string, unknown>;
      const subject = str(p['dataset']) ?? str(p['view_name']) ?? '';
      const why = str(p['protocol_reason']) ?? str(p['delta_log_reason']) ?? str(p['reason']) ?? str(p['provider_mode']) ?? '';
      const category = str(p['diagnostic.category']) ?? e.name;
      if (!once(`d|${e.name}|${subject}|${why}|${severity}`)) continue;
      const display = clip(`${category}${subject ? ` ${subject}` : ''}${why ? `: ${why}` : ''} (${e.name})`);
      out.push({ severity, source: e.name, type: null, text: display, display, chain: [], timeNs: e.timeNs, rank: RANK.other, ...ref, ...(subject && str(p['dataset']) ? { dataset: subject } : {}) });
    }
  }
  return out;
}

// `WARNING … Extractor <name> failed: …` (codeanatomy-telemetry.md §5): extraction failures
// do not fail the build, so nothing else reports them.
const EXTRACTOR_FAILED = /Extractor (\S{1,200}) failed: (.{0,1000})/;

/** OTLP log records carrying `exception.*` (Python's logging handler adds them to
 * `logger.exception`) and extractor-failure lines. */
export function logCandidates(store: RunStore): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const l of store.logs) {
    const ref = l.traceId && l.spanId ? { traceId: l.traceId, spanId: l.spanId } : undefined;
    if (logStream(l) === 'otlp' && l.attributes && ('exception.type' in l.attributes || 'exception.stacktrace' in l.attributes)) {
      const c = fromExceptionAttrs(l.attributes, l.timeNs, ref, l.severityNumber >= 17 || l.severityNumber === 0 ? 'error' : 'warning');
      if (c) out.push(c);
      continue;
    }
    const body = bodyText(l);
    if (!body.includes('Extractor ')) continue;
    const m = EXTRACTOR_FAILED.exec(body);
    if (!m) continue;
    const display = clip(`extractor ${m[1]} failed: ${m[2]!.trim()}`);
    if (seen.has(display)) continue;
    seen.add(display);
    out.push({ severity: 'warning', source: 'log', type: null, text: display, display, chain: [], timeNs: l.timeNs, rank: RANK.other, ...(ref ? { span: ref } : {}) });
  }
  return out;
}

/** `codeanatomy diag`'s `diagnostics_report.json`: `issues: [{severity, check, detail}]`. */
export function diagnosticsReportCandidates(report: unknown): Candidate[] {
  const issues = typeof report === 'object' && report !== null ? (report as { issues?: unknown }).issues : undefined;
  if (!Array.isArray(issues)) return [];
  const out: Candidate[] = [];
  for (const it of issues.slice(0, 1000)) {
    if (typeof it !== 'object' || it === null) continue;
    const o = it as Record<string, unknown>;
    const sev = DIAG_SEVERITY[String(o['severity'] ?? '').toLowerCase()] ?? 'warning';
    const check = str(o['check']) ?? 'check';
    const detail = typeof o['detail'] === 'string' ? o['detail'] : o['detail'] === undefined ? '' : JSON.stringify(o['detail']);
    const display = clip(`${check}: ${detail ?? ''}`.replace(/: $/, ''));
    out.push({ severity: sev, source: 'diagnostics_report', type: null, text: display, display, chain: [], timeNs: 0n, rank: RANK.other });
  }
  return out;
}
