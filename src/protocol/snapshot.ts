// Builds the panel's RunSnapshot and RunDelta from a RunStore (host side only: imports core).
// Everything telemetry-provided is turned into bounded display strings here, so the webview
// and the HTML report never see a bigint, a byte array or a megabyte attribute.
import type { AttrValue, Attributes, LogRecord, Span } from '../core/model.js';
import { nsToMs } from '../core/model.js';
import { logSeverity, logStream } from '../core/analysis/logs.js';
import type { Report } from '../core/report/schema.js';
import type { RunInfo } from '../core/run.js';
import type { RunStore } from '../core/store.js';
import { SNAPSHOT_LIMITS, SNAPSHOT_VERSION, type RunDelta, type RunSnapshot, type SnapLog, type SnapSpan } from './schema.js';
import type { HostMessage } from './messages.js';
import { encodeDetails, encodeLogs, encodeSpans } from './compact.js';

const INVOCATION_SPAN = 'build.invocation';
const L = SNAPSHOT_LIMITS;

export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** An attribute value as text: strings as-is, lists and maps as JSON, bytes as hex. */
export function displayValue(v: AttrValue, max: number = L.attrValueChars): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return clip(v, max);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return clip(`0x${Array.from(v.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join('')}`, max);
  try {
    return clip(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? `<${x.length} bytes>` : typeof x === 'bigint' ? String(x) : x)) ?? '', max);
  } catch {
    return '<unprintable>';
  }
}

export function displayAttributes(attrs: Attributes | undefined, maxCount: number): Record<string, string> {
  const out: Record<string, string> = {};
  if (!attrs) return out;
  let n = 0;
  for (const k of Object.keys(attrs)) {
    if (n >= maxCount) {
      out['…'] = `${Object.keys(attrs).length - maxCount} more attributes`;
      break;
    }
    out[clip(k, L.attrKeyChars)] = displayValue(attrs[k] as AttrValue);
    n++;
  }
  return out;
}

/** Finite ms; hostile or zero timestamps become 0 rather than NaN. */
function ms(ns: bigint): number {
  const v = nsToMs(ns);
  return Number.isFinite(v) ? v : 0;
}

/** Remembers each span's stage so that deltas can label new spans without a full walk.
 * Keyed by the store's span objects (no key string per span). */
export class StageIndex {
  private readonly memo = new Map<Span, string>();
  constructor(private readonly lookup: (traceId: string, spanId: string) => Span | undefined) {}

  /** `codeanatomy.stage` on the span or its nearest ancestor, else the name of its root
   * (our build.invocation root is transparent) — the same rule as the stage breakdown.
   * Iterative with a cycle guard: parent links come from untrusted input. */
  stageOf(span: Span): string {
    const chain: Span[] = [];
    let seen: Set<Span> | undefined;
    let cur: Span | undefined = span;
    let stage: string | undefined;
    while (cur) {
      const known = this.memo.get(cur);
      if (known !== undefined) {
        stage = known;
        break;
      }
      // Chains are short; a set to catch cycles only once one is long.
      if (chain.length >= 32) {
        seen ??= new Set(chain);
        if (seen.has(cur)) break;
        seen.add(cur);
      } else if (chain.includes(cur)) break;
      chain.push(cur);
      const attr = cur.attributes?.['codeanatomy.stage'];
      if (typeof attr === 'string' && attr !== '') {
        stage = attr;
        break;
      }
      const parent: Span | undefined = cur.parentSpanId ? this.lookup(cur.traceId, cur.parentSpanId) : undefined;
      if (!parent || parent.name === INVOCATION_SPAN) {
        stage = cur.name;
        break;
      }
      cur = parent;
    }
    const result = clip(stage ?? span.name, L.nameChars);
    for (const k of chain) this.memo.set(k, result);
    return result;
  }
}

/** `service.name` of a resource as display text; resources are shared by every span of an
 * export, so this is worked out once per resource. */
const serviceMemo = new WeakMap<object, string>();
function serviceOf(s: Span): string {
  const r = s.resource;
  if (!r) return '';
  let v = serviceMemo.get(r);
  if (v === undefined) {
    v = displayValue(r.attributes?.['service.name'] ?? null, L.nameChars);
    serviceMemo.set(r, v);
  }
  return v;
}

const NO_ATTRS: Record<string, string> = {};

/** A span without its attributes and events: what the timeline draws. */
export function snapSpanHead(s: Span, stage: string): SnapSpan {
  const start = ms(s.startNs);
  const end = Math.max(start, ms(s.endNs));
  const code = s.status?.code;
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? null,
    name: clip(String(s.name ?? ''), L.nameChars),
    startMs: start,
    endMs: end,
    status: code === 2 ? 'error' : code === 1 ? 'ok' : 'unset',
    statusMessage: s.status?.message ? clip(s.status.message, L.statusMessageChars) : null,
    stage,
    service: serviceOf(s),
    attributes: NO_ATTRS,
    events: [],
  };
}

/** A span's attributes and events as display strings. */
export function snapSpanDetails(s: Span): Pick<SnapSpan, 'attributes' | 'events'> {
  return {
    attributes: displayAttributes(s.attributes, L.attrsPerSpan),
    events: (s.events ?? []).slice(0, L.eventsPerSpan).map((e) => ({
      timeMs: ms(e.timeNs),
      name: clip(String(e.name ?? ''), L.nameChars),
      attributes: displayAttributes(e.attributes, L.attrsPerEvent),
    })),
  };
}

export function snapSpan(s: Span, stage: string): SnapSpan {
  return { ...snapSpanHead(s, stage), ...snapSpanDetails(s) };
}

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[/;

export function snapLog(l: LogRecord): SnapLog {
  const t = l.timeNs > 0n ? l.timeNs : l.observedTimeNs;
  let body = typeof l.body === 'string' ? clip(l.body, L.logBodyChars) : displayValue(l.body, L.logBodyChars);
  if (body === '' && l.eventName) body = clip(l.eventName, L.nameChars);
  return {
    timeMs: ms(t),
    severity: logSeverity(l),
    body,
    traceId: l.traceId ?? null,
    spanId: l.spanId ?? null,
    stream: logStream(l),
    ansi: ANSI_RE.test(body),
  };
}

/** Where the last snapshot/delta stopped: the store's arrays only ever grow. */
export interface SnapshotCursor {
  runId: string;
  spans: number;
  logs: number;
  seq: number;
  stages: StageIndex;
}

export interface SnapshotOptions {
  maxSpans?: number;
  maxLogs?: number;
}

export function buildSnapshot(
  store: RunStore,
  run: Pick<RunInfo, 'runId' | 'outcome'>,
  report: Report,
  opts: SnapshotOptions = {},
): { snapshot: RunSnapshot; cursor: SnapshotCursor } {
  const maxSpans = opts.maxSpans ?? L.maxSpans;
  const maxLogs = opts.maxLogs ?? L.maxLogs;
  const stages = new StageIndex((t, s) => store.span(t, s));
  const spans = store.spans.slice(0, maxSpans).map((s) => snapSpan(s, stages.stageOf(s)));
  const logs = store.logs.slice(0, maxLogs).map(snapLog);
  return {
    snapshot: {
      version: SNAPSHOT_VERSION,
      runId: run.runId,
      report,
      spans,
      logs,
      omitted: { spans: store.spans.length - spans.length, logs: store.logs.length - logs.length },
      live: run.outcome === 'running',
    },
    cursor: { runId: run.runId, spans: store.spans.length, logs: store.logs.length, seq: 0, stages },
  };
}

/** Everything the store gained since the cursor (the cursor moves on). `report` is the
 * freshly rebuilt report, or null when the caller did not rebuild it. */
export function buildDelta(
  store: RunStore,
  run: Pick<RunInfo, 'runId' | 'outcome'>,
  cursor: SnapshotCursor,
  report: Report | null,
  opts: SnapshotOptions = {},
): RunDelta {
  const maxSpans = opts.maxSpans ?? L.maxSpans;
  const maxLogs = opts.maxLogs ?? L.maxLogs;
  const spanRoom = Math.max(0, maxSpans - Math.min(cursor.spans, maxSpans));
  const logRoom = Math.max(0, maxLogs - Math.min(cursor.logs, maxLogs));
  const newSpans = store.spans.slice(cursor.spans);
  const newLogs = store.logs.slice(cursor.logs);
  const spans = newSpans.slice(0, spanRoom).map((s) => snapSpan(s, cursor.stages.stageOf(s)));
  const logs = newLogs.slice(0, logRoom).map(snapLog);
  cursor.spans = store.spans.length;
  cursor.logs = store.logs.length;
  cursor.seq += 1;
  return {
    runId: run.runId,
    seq: cursor.seq,
    spans,
    logs,
    report,
    live: run.outcome === 'running',
    omitted: { spans: Math.max(0, store.spans.length - maxSpans), logs: Math.max(0, store.logs.length - maxLogs) },
  };
}

/** Items per part: small enough that applying one in the webview stays well under a frame
 * budget's worth of blocking (it yields between parts), big enough to keep the count low. */
export const PART_SIZE = { details: 20_000, logs: 25_000 } as const;

/** The panel host's snapshot straight from the store, as messages: the head built at once
 * (no attributes, no log lines: quick even for 100k spans), the parts built one by one as
 * the caller pulls them, so the host can post the head first and the rest between other
 * work. Yields exactly what snapshotMessages(buildSnapshot(...)) gives, in the same order;
 * the parts cover the store as it was when the head was built. */
export function snapshotFeed(
  store: RunStore,
  run: Pick<RunInfo, 'runId' | 'outcome'>,
  report: Report,
  opts: SnapshotOptions = {},
  size: { details: number; logs: number } = PART_SIZE,
): { head: HostMessage; parts: Generator<HostMessage, void>; cursor: SnapshotCursor } {
  const spans = store.spans.slice(0, opts.maxSpans ?? L.maxSpans);
  const logs = store.logs.slice(0, opts.maxLogs ?? L.maxLogs);
  const stages = new StageIndex((t, s) => store.span(t, s));
  const runId = run.runId;
  const head: HostMessage = {
    type: 'snapshot',
    snapshot: {
      version: SNAPSHOT_VERSION,
      runId,
      report,
      spans: encodeSpans(spans.map((s) => snapSpanHead(s, stages.stageOf(s)))),
      pending: { logs: logs.length, details: spans.length },
      omitted: { spans: store.spans.length - spans.length, logs: store.logs.length - logs.length },
      live: run.outcome === 'running',
    },
  };
  function* parts(): Generator<HostMessage, void> {
    for (let from = 0; from < spans.length; from += size.details) {
      const details = spans.slice(from, from + size.details).map(snapSpanDetails);
      yield { type: 'part', part: { kind: 'details', runId, from, details: { attributes: details.map((d) => d.attributes), events: details.map((d) => d.events) } } };
    }
    for (let from = 0; from < logs.length; from += size.logs) {
      yield { type: 'part', part: { kind: 'logs', runId, from, logs: encodeLogs(logs.slice(from, from + size.logs).map(snapLog)) } };
    }
  }
  return { head, parts: parts(), cursor: { runId, spans: store.spans.length, logs: store.logs.length, seq: 0, stages } };
}

/** A snapshot as the messages that carry it, in the order they must be delivered: the head
 * (report + every span in column form: the overview and the timeline can paint from it),
 * then the spans' attributes and events, then the log lines. Used by the panel host and,
 * inlined as JSON elements, by the HTML report. */
export function snapshotMessages(snapshot: RunSnapshot, size: { details: number; logs: number } = PART_SIZE): HostMessage[] {
  const { runId, spans, logs } = snapshot;
  const out: HostMessage[] = [
    {
      type: 'snapshot',
      snapshot: {
        version: SNAPSHOT_VERSION,
        runId,
        report: snapshot.report,
        spans: encodeSpans(spans),
        pending: { logs: logs.length, details: spans.length },
        omitted: snapshot.omitted,
        live: snapshot.live,
      },
    },
  ];
  for (let from = 0; from < spans.length; from += size.details) {
    out.push({ type: 'part', part: { kind: 'details', runId, from, details: encodeDetails(spans.slice(from, from + size.details)) } });
  }
  for (let from = 0; from < logs.length; from += size.logs) {
    out.push({ type: 'part', part: { kind: 'logs', runId, from, logs: encodeLogs(logs.slice(from, from + size.logs)) } });
  }
  return out;
}
