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
  /** Runs (see Runs) of indices into `strings`. */
  traceId: Runs;
  /** Every span id, concatenated: `idWidth` characters each, or (idWidth 0) ending at
   * `idEnds[i]`. One string instead of 100k small ones to parse and clone. */
  ids: string;
  idWidth: number;
  idEnds: number[];
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
  /** Runs of indices into `strings`, -1 for none. */
  statusMessage: Runs;
  stage: Runs;
  service: Runs;
}

/** A column of mostly repeated values as [value, count, value, count, …]: a trace's spans
 * arrive together, a run has few stages and services and few status messages. */
export type Runs = number[];

function toRuns(values: readonly number[]): Runs {
  const out: Runs = [];
  for (let i = 0; i < values.length; ) {
    const v = values[i]!;
    let j = i + 1;
    while (j < values.length && values[j] === v) j++;
    out.push(v, j - i);
    i = j;
  }
  return out;
}

function fromRuns(r: Runs, n: number): Int32Array {
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < r.length; i += 2) out.fill(r[i]!, k, (k += r[i + 1]!));
  return out;
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
  /** `id` for a column whose values come in runs: the last one is checked first. */
  column(): (s: string) => number {
    let last: string | undefined;
    let lastId = -1;
    return (s) => (s === last ? lastId : ((last = s), (lastId = this.id(s))));
  }
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
  const traceId: number[] = [];
  const statusMessage: number[] = [];
  const stage: number[] = [];
  const service: number[] = [];
  const c: SpanColumns = { strings: t.strings, traceId: [], ids: '', idWidth: 0, idEnds: [], parent: [], parentIds: [], name: [], baseUs: null, start: [], dur: [], status: [], statusMessage: [], stage: [], service: [] };
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
  const traceOf = t.column();
  const stageOf = t.column();
  const serviceOf = t.column();
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    traceId.push(traceOf(s.traceId));
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
    statusMessage.push(s.statusMessage === null ? -1 : t.id(s.statusMessage));
    stage.push(stageOf(s.stage));
    service.push(serviceOf(s.service));
  }
  c.traceId = toRuns(traceId);
  c.statusMessage = toRuns(statusMessage);
  c.stage = toRuns(stage);
  c.service = toRuns(service);
  const width = n > 0 ? spans[0]!.spanId.length : 0;
  c.ids = spans.map((s) => s.spanId).join('');
  if (width > 0 && spans.every((s) => s.spanId.length === width)) c.idWidth = width;
  else {
    let end = 0;
    c.idEnds = spans.map((s) => (end += s.spanId.length));
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

/** Runs whose counts add up to n and whose values pass `ok`. */
function isRuns(x: unknown, n: number, ok: (v: unknown) => boolean): x is Runs {
  if (!Array.isArray(x) || x.length % 2 !== 0) return false;
  let total = 0;
  for (let i = 0; i < x.length; i += 2) {
    const count = x[i + 1];
    if (!ok(x[i]) || !Number.isSafeInteger(count) || (count as number) < 1) return false;
    total += count as number;
  }
  return total === n;
}

export function isSpanColumns(x: unknown): x is SpanColumns {
  if (!isObj(x) || !arrOf(x.strings, null, isStr) || !arrOf(x.parentIds, null, isStr) || !Array.isArray(x.name)) return false;
  const n = x.name.length;
  const str = idxIn(x.strings.length);
  const exact = x.baseUs !== null;
  if (exact && !Number.isSafeInteger(x.baseUs)) return false;
  if (typeof x.ids !== 'string' || !Number.isSafeInteger(x.idWidth) || (x.idWidth as number) < 0) return false;
  if (x.idWidth === 0) {
    let last = 0;
    const ok = arrOf(x.idEnds, n, (v) => Number.isSafeInteger(v) && (v as number) >= last && (last = v as number) <= (x.ids as string).length);
    if (!ok || last !== x.ids.length) return false;
  } else if (x.ids.length !== n * (x.idWidth as number) || !arrOf(x.idEnds, 0, isNum)) return false;
  const time = exact ? (v: unknown) => Number.isSafeInteger(v) : isNum;
  return (
    isRuns(x.traceId, n, str) &&
    arrOf(x.parent, n, idxIn(n, -1 - x.parentIds.length)) &&
    arrOf(x.name, n, str) &&
    arrOf(x.start, n, time) &&
    arrOf(x.dur, n, time) &&
    arrOf(x.status, n, idxIn(STATUSES.length)) &&
    isRuns(x.statusMessage, n, idxIn(x.strings.length, -1)) &&
    isRuns(x.stage, n, str) &&
    isRuns(x.service, n, str)
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
  const n = c.name.length;
  const out: SnapSpan[] = new Array(n);
  const S = c.strings;
  const base = c.baseUs;
  const w = c.idWidth;
  const ids: string[] = new Array(n);
  for (let i = 0; i < n; i++) ids[i] = w > 0 ? c.ids.slice(i * w, (i + 1) * w) : c.ids.slice(i === 0 ? 0 : c.idEnds[i - 1]!, c.idEnds[i]!);
  const traceId = fromRuns(c.traceId, n);
  const statusMessage = fromRuns(c.statusMessage, n);
  const stage = fromRuns(c.stage, n);
  const service = fromRuns(c.service, n);
  for (let i = 0; i < n; i++) {
    const m = statusMessage[i]!;
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
      traceId: S[traceId[i]!]!,
      spanId: ids[i]!,
      parentSpanId: p >= 0 ? ids[p]! : p === -1 ? null : c.parentIds[-2 - p]!,
      name: S[c.name[i]!]!,
      startMs,
      endMs,
      status: STATUSES[c.status[i]!]!,
      statusMessage: m < 0 ? null : S[m]!,
      stage: S[stage[i]!]!,
      service: S[service[i]!]!,
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
