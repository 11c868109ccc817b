// Column forms of the snapshot's bulk data, for the first paint of a big run (100k spans,
// 200k logs). One array per field instead of one object per item: a fraction of the JSON
// to parse, and a structural check (a loop over typed columns) instead of a zod parse per
// item. Shared by the host (encode) and the webview (check, decode); no node, no zod.
import type { SnapLog, SnapSpan, SnapSpanEvent, Severity } from './schema.js';

const STATUSES = ['unset', 'ok', 'error'] as const;
export const SEVERITIES: readonly Severity[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'UNSPECIFIED'];
const STREAMS = ['otlp', 'stdout', 'stderr'] as const;

/** The timeline's view of every span: no attributes or events (those follow in
 * SpanDetails parts). Repeated strings (trace ids, names, stages, services) are indices
 * into `strings`. Times: when `baseUs` is a number, `start` is µs after it and `dur` the
 * duration in µs (both integers; exact for the model's µs-precise ms); else they are the
 * raw ms values (start, end - start is not used: `dur` then holds the end). */
export interface SpanColumns {
  strings: string[];
  traceId: number[];
  spanId: string[];
  /** The parent: >= 0 the index of a span of the same trace in these columns, -1 none,
   * -2 - k the id `parentIds[k]` (a parent not among these spans). */
  parent: number[];
  parentIds: string[];
  name: number[];
  baseUs: number | null;
  start: number[];
  dur: number[];
  /** 0 unset, 1 ok, 2 error. */
  status: number[];
  /** Index into `strings`, -1 for none. */
  statusMessage: number[];
  stage: number[];
  service: number[];
}

/** Log lines; `span` indexes `spans` (a trace/span id pair table), -1 for none. */
export interface LogColumns {
  timeMs: number[];
  /** Index into SEVERITIES. */
  severity: number[];
  body: string[];
  /** Pairs [traceId, spanId], indexed by `span`. */
  spans: [string, string][];
  span: number[];
  /** Index into otlp/stdout/stderr. */
  stream: number[];
  /** 1 when the body carries ANSI escapes. */
  ansi: number[];
}

/** Attributes and events of spans [from, from + attributes.length). */
export interface SpanDetails {
  attributes: Record<string, string>[];
  events: SnapSpanEvent[][];
}

class Interner {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** µs since the epoch when `ms` is exactly a whole number of µs over 1000, else null. */
function exactUs(ms: number): number | null {
  const us = Math.round(ms * 1000);
  return Number.isSafeInteger(us) && us / 1000 === ms ? us : null;
}

export function encodeSpans(spans: readonly SnapSpan[]): SpanColumns {
  const t = new Interner();
  const c: SpanColumns = { strings: t.strings, traceId: [], spanId: [], parent: [], parentIds: [], name: [], baseUs: null, start: [], dur: [], status: [], statusMessage: [], stage: [], service: [] };
  // Parents by span id (trace checked): no key string per span.
  const n = spans.length;
  const byId = new Map<string, number>();
  const us = new Float64Array(2 * n);
  let exact = true;
  let base = Infinity;
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    if (!byId.has(s.spanId)) byId.set(s.spanId, i);
    const a = exact ? exactUs(s.startMs) : null;
    const b = exact ? exactUs(s.endMs) : null;
    if (a === null || b === null) exact = false;
    else {
      us[2 * i] = a;
      us[2 * i + 1] = b;
      if (a < base) base = a;
    }
  }
  const baseUs = exact && n > 0 ? base : null;
  c.baseUs = baseUs;
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    c.traceId.push(t.id(s.traceId));
    c.spanId.push(s.spanId);
    let p = -1;
    if (s.parentSpanId !== null) {
      const j = byId.get(s.parentSpanId);
      if (j !== undefined && spans[j]!.traceId === s.traceId) p = j;
      else {
        p = -2 - c.parentIds.length;
        c.parentIds.push(s.parentSpanId);
      }
    }
    c.parent.push(p);
    c.name.push(t.id(s.name));
    if (baseUs === null) {
      c.start.push(s.startMs);
      c.dur.push(s.endMs);
    } else {
      c.start.push(us[2 * i]! - baseUs);
      c.dur.push(us[2 * i + 1]! - us[2 * i]!);
    }
    c.status.push(STATUSES.indexOf(s.status));
    c.statusMessage.push(s.statusMessage === null ? -1 : t.id(s.statusMessage));
    c.stage.push(t.id(s.stage));
    c.service.push(t.id(s.service));
  }
  return c;
}

export function encodeLogs(logs: readonly SnapLog[]): LogColumns {
  const c: LogColumns = { timeMs: [], severity: [], body: [], spans: [], span: [], stream: [], ansi: [] };
  const pairs = new Map<string, number>();
  for (const l of logs) {
    c.timeMs.push(l.timeMs);
    c.severity.push(SEVERITIES.indexOf(l.severity));
    c.body.push(l.body);
    let p = -1;
    if (l.traceId !== null && l.spanId !== null) {
      const k = `${l.traceId}:${l.spanId}`;
      p = pairs.get(k) ?? -1;
      if (p < 0) {
        p = c.spans.length;
        c.spans.push([l.traceId, l.spanId]);
        pairs.set(k, p);
      }
    } else if (l.traceId !== null || l.spanId !== null) {
      // Half an id pair is kept as it was (rare: hand-written telemetry).
      p = c.spans.length;
      c.spans.push([l.traceId ?? '', l.spanId ?? '']);
    }
    c.span.push(p);
    c.stream.push(STREAMS.indexOf(l.stream));
    c.ansi.push(l.ansi ? 1 : 0);
  }
  return c;
}

export function encodeDetails(spans: readonly SnapSpan[]): SpanDetails {
  return { attributes: spans.map((s) => s.attributes), events: spans.map((s) => s.events) };
}

// ---- structural checks (the webview's validation on receipt) ---------------------------

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function arrOf(x: unknown, n: number | null, ok: (v: unknown) => boolean): x is unknown[] {
  if (!Array.isArray(x) || (n !== null && x.length !== n)) return false;
  for (let i = 0; i < x.length; i++) if (!ok(x[i])) return false;
  return true;
}
const isStr = (v: unknown): boolean => typeof v === 'string';
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const idxIn = (n: number, min = 0) => (v: unknown): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) < n;

export function isSpanColumns(x: unknown): x is SpanColumns {
  if (!isObj(x) || !arrOf(x.strings, null, isStr) || !arrOf(x.parentIds, null, isStr) || !Array.isArray(x.spanId)) return false;
  const n = x.spanId.length;
  const str = idxIn(x.strings.length);
  const exact = x.baseUs !== null;
  if (exact && !Number.isSafeInteger(x.baseUs)) return false;
  const time = exact ? (v: unknown) => Number.isSafeInteger(v) : isNum;
  return (
    arrOf(x.spanId, n, isStr) &&
    arrOf(x.traceId, n, str) &&
    arrOf(x.parent, n, idxIn(n, -1 - x.parentIds.length)) &&
    arrOf(x.name, n, str) &&
    arrOf(x.start, n, time) &&
    arrOf(x.dur, n, time) &&
    arrOf(x.status, n, idxIn(STATUSES.length)) &&
    arrOf(x.statusMessage, n, idxIn(x.strings.length, -1)) &&
    arrOf(x.stage, n, str) &&
    arrOf(x.service, n, str)
  );
}

export function isLogColumns(x: unknown): x is LogColumns {
  if (!isObj(x) || !Array.isArray(x.body)) return false;
  const n = x.body.length;
  return (
    arrOf(x.body, n, isStr) &&
    arrOf(x.timeMs, n, isNum) &&
    arrOf(x.severity, n, idxIn(SEVERITIES.length)) &&
    arrOf(x.spans, null, (p) => Array.isArray(p) && p.length === 2 && isStr(p[0]) && isStr(p[1])) &&
    arrOf(x.span, n, idxIn((x.spans as unknown[]).length, -1)) &&
    arrOf(x.stream, n, idxIn(STREAMS.length)) &&
    arrOf(x.ansi, n, (v) => v === 0 || v === 1)
  );
}

const isAttrs = (a: unknown): boolean => {
  if (!isObj(a)) return false;
  for (const k in a) if (typeof a[k] !== 'string') return false;
  return true;
};
const isEvent = (e: unknown): boolean => isObj(e) && isNum(e.timeMs) && isStr(e.name) && isAttrs(e.attributes);

export function isSpanDetails(x: unknown): x is SpanDetails {
  return isObj(x) && Array.isArray(x.attributes) && arrOf(x.attributes, null, isAttrs) && arrOf(x.events, x.attributes.length, (evs) => arrOf(evs, null, isEvent));
}

// ---- decoding (webview) ---------------------------------------------------------------

const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_EVENTS: SnapSpanEvent[] = Object.freeze([]) as unknown as SnapSpanEvent[];

/** Spans with empty attributes and events until their SpanDetails part arrives. */
export function decodeSpans(c: SpanColumns): SnapSpan[] {
  const out: SnapSpan[] = new Array(c.spanId.length);
  const S = c.strings;
  const base = c.baseUs;
  for (let i = 0; i < out.length; i++) {
    const m = c.statusMessage[i]!;
    const p = c.parent[i]!;
    let startMs: number;
    let endMs: number;
    if (base === null) {
      startMs = c.start[i]!;
      endMs = c.dur[i]!;
    } else {
      const a = base + c.start[i]!;
      startMs = a / 1000;
      endMs = (a + c.dur[i]!) / 1000;
    }
    out[i] = {
      traceId: S[c.traceId[i]!]!,
      spanId: c.spanId[i]!,
      parentSpanId: p >= 0 ? c.spanId[p]! : p === -1 ? null : c.parentIds[-2 - p]!,
      name: S[c.name[i]!]!,
      startMs,
      endMs,
      status: STATUSES[c.status[i]!]!,
      statusMessage: m < 0 ? null : S[m]!,
      stage: S[c.stage[i]!]!,
      service: S[c.service[i]!]!,
      attributes: NONE,
      events: NO_EVENTS,
    };
  }
  return out;
}

export function decodeLogs(c: LogColumns): SnapLog[] {
  const out: SnapLog[] = new Array(c.body.length);
  for (let i = 0; i < out.length; i++) {
    const p = c.span[i]!;
    const pair = p < 0 ? undefined : c.spans[p];
    out[i] = {
      timeMs: c.timeMs[i]!,
      severity: SEVERITIES[c.severity[i]!]!,
      body: c.body[i]!,
      traceId: pair && pair[0] !== '' ? pair[0] : null,
      spanId: pair && pair[1] !== '' ? pair[1] : null,
      stream: STREAMS[c.stream[i]!]!,
      ansi: c.ansi[i] === 1,
    };
  }
  return out;
}
