// App state: signals for what the user sees and chooses, plain arrays for the bulk data
// (100k spans would make signal-per-item or copy-on-write far too slow). `dataVersion`
// ticks whenever the arrays change so computed views know to recompute.
import { batch, effect, signal } from '@preact/signals';
import type { HostMessage, PanelState, Section, SpanRef } from '../../src/protocol/messages.js';
import type { CompareResult, RunListEntry, Severity, SnapLog, SnapSpan, SnapshotPart } from '../../src/protocol/schema.js';
import { decodeLogs, decodeSpans } from '../../src/protocol/compact.js';
import type { Report } from '../../src/core/report/schema.js';
import type { Host } from './bridge.js';

export const SEVERITY_RANK: Record<Severity, number> = { TRACE: 0, DEBUG: 1, INFO: 2, UNSPECIFIED: 2, WARN: 3, ERROR: 4, FATAL: 5 };

export interface RunData {
  spans: SnapSpan[];
  logs: SnapLog[];
  /** By span id (the trace is checked on lookup: no key string per span); a list when
   * spans of different traces share an id. Use spanIndexOf. */
  spanIndex: Map<string, number | number[]>;
  /** Log lines by their span id (trace checked by logsOfSpan). */
  logsBySpan: Map<string, number[]>;
  omitted: { spans: number; logs: number };
  seq: number;
  /** Still to come in the snapshot's parts (they follow the head, before any delta). */
  pending: { logs: number; details: number };
  /** Spans below this index have their attributes and events (or came with a delta). */
  detailsUpTo: number;
  /** How many spans the head carried. */
  headSpans: number;
}


export const data: RunData = {
  spans: [], logs: [], spanIndex: new Map(), logsBySpan: new Map(), omitted: { spans: 0, logs: 0 }, seq: 0,
  pending: { logs: 0, details: 0 }, detailsUpTo: 0, headSpans: 0,
};
/** Spans changed (the timeline lays out again). */
export const dataVersion = signal(0);
/** Log lines changed (a part or a delta added some). */
export const logsVersion = signal(0);
/** Span attributes and events arrived. */
export const detailsVersion = signal(0);

/** The span's attributes and events have not arrived yet. */
export function detailsPending(index: number): boolean {
  return index >= data.detailsUpTo && index < data.headSpans;
}
export const report = signal<Report | null>(null);
export const runId = signal<string | null>(null);
export const live = signal(false);
export const emptyMessage = signal<string | null>(null);
export const lastDataAt = signal<number>(0);

export const section = signal<Section>('overview');
export const selected = signal<SpanRef | null>(null);
/** Bumped to ask the timeline to scroll the selected span (or a time range) into view. */
export const revealTick = signal(0);
export const timeFocus = signal<{ startMs: number; endMs: number } | null>(null);
export const logFilter = signal<{ text: string; minSeverity: Severity; tail: boolean }>({ text: '', minSeverity: 'TRACE', tail: false });
/** Index into data.logs the log view should scroll to and highlight. */
export const logFocus = signal<number | null>(null);
export const taskFilter = signal('');
export const runs = signal<RunListEntry[]>([]);
export const compareRunId = signal<string | null>(null);
export const compareResult = signal<{ runId: string; result: CompareResult | null; error: string | null } | null>(null);

let host: Host | undefined;
export function getHost(): Host | undefined {
  return host;
}

function indexSpansFrom(spanStart: number): void {
  const m = data.spanIndex;
  for (let i = spanStart; i < data.spans.length; i++) {
    const id = data.spans[i]!.spanId;
    const prev = m.get(id);
    if (prev === undefined) m.set(id, i);
    else if (typeof prev === 'number') m.set(id, [prev, i]);
    else prev.push(i);
  }
}

function indexLogsFrom(logStart: number): void {
  for (let i = logStart; i < data.logs.length; i++) {
    const l = data.logs[i]!;
    if (l.traceId && l.spanId) {
      const list = data.logsBySpan.get(l.spanId);
      if (list) list.push(i);
      else data.logsBySpan.set(l.spanId, [i]);
    }
  }
}

/** Index of the span (the last one when the pair repeats), or undefined. */
export function spanIndexOf(traceId: string, spanId: string): number | undefined {
  const e = data.spanIndex.get(spanId);
  if (e === undefined) return undefined;
  if (typeof e === 'number') return data.spans[e]!.traceId === traceId ? e : undefined;
  for (let j = e.length - 1; j >= 0; j--) if (data.spans[e[j]!]!.traceId === traceId) return e[j];
  return undefined;
}

/** Indices of the log lines that carry the span's ids, in arrival order. */
export function logsOfSpan(traceId: string, spanId: string): number[] {
  const list = data.logsBySpan.get(spanId);
  return list ? list.filter((i) => data.logs[i]!.traceId === traceId) : [];
}

export function spanByRef(ref: SpanRef | null): SnapSpan | undefined {
  if (!ref) return undefined;
  const i = spanIndexOf(ref.traceId, ref.spanId);
  return i === undefined ? undefined : data.spans[i];
}

export function selectSpan(ref: SpanRef | null, reveal = true): void {
  batch(() => {
    selected.value = ref;
    if (ref && reveal) {
      section.value = 'timeline';
      timeFocus.value = null;
      revealTick.value++;
    }
  });
}

export function focusTime(startMs: number, endMs: number): void {
  batch(() => {
    section.value = 'timeline';
    timeFocus.value = { startMs, endMs };
    revealTick.value++;
  });
}

export function applyHostMessage(msg: HostMessage): void {
  switch (msg.type) {
    case 'snapshot': {
      const s = msg.snapshot;
      data.spans = decodeSpans(s.spans);
      data.logs = [];
      data.spanIndex = new Map();
      data.logsBySpan = new Map();
      data.omitted = s.omitted;
      data.seq = 0;
      data.pending = { ...s.pending };
      data.headSpans = data.spans.length;
      data.detailsUpTo = s.pending.details > 0 ? 0 : data.spans.length;
      indexSpansFrom(0);
      batch(() => {
        if (runId.value !== s.runId) compareResult.value = null;
        runId.value = s.runId;
        report.value = s.report;
        live.value = s.live;
        emptyMessage.value = null;
        lastDataAt.value = Date.now();
        dataVersion.value++;
        logsVersion.value++;
        detailsVersion.value++;
      });
      break;
    }
    case 'part':
      applyPart(msg.part);
      break;
    case 'delta': {
      const d = msg.delta;
      if (d.runId !== runId.value) return;
      if (d.seq !== data.seq + 1) {
        // Out of step (a delta was lost while hidden): start over from a full snapshot.
        host?.post({ type: 'requestSnapshot' });
        return;
      }
      data.seq = d.seq;
      const s0 = data.spans.length;
      const l0 = data.logs.length;
      for (const s of d.spans) data.spans.push(s);
      for (const l of d.logs) data.logs.push(l);
      data.omitted = d.omitted;
      indexSpansFrom(s0);
      indexLogsFrom(l0);
      batch(() => {
        if (d.report) report.value = d.report;
        live.value = d.live;
        lastDataAt.value = Date.now();
        if (d.spans.length > 0) dataVersion.value++;
        if (d.logs.length > 0) logsVersion.value++;
      });
      break;
    }
    case 'empty':
      emptyMessage.value = msg.message;
      break;
    case 'runs':
      runs.value = msg.runs;
      break;
    case 'compareResult':
      compareResult.value = { runId: msg.runId, result: msg.result, error: msg.error };
      break;
    case 'reveal': {
      batch(() => {
        section.value = msg.section;
        if (msg.task) taskFilter.value = msg.task;
        if (msg.span) selectSpan(msg.span, msg.section === 'timeline');
        else if (msg.range && msg.section === 'timeline') focusTime(msg.range.startMs, msg.range.endMs);
      });
      break;
    }
  }
}

/** A part of the current snapshot: it must continue exactly where the last one stopped
 * (parts are posted in order, before any delta); anything else asks for a new snapshot. */
function applyPart(p: SnapshotPart): void {
  if (p.runId !== runId.value) return;
  if (p.kind === 'logs') {
    const n = p.logs.body.length;
    if (p.from !== data.logs.length || n > data.pending.logs) return void host?.post({ type: 'requestSnapshot' });
    const l0 = data.logs.length;
    for (const l of decodeLogs(p.logs)) data.logs.push(l);
    data.pending.logs -= n;
    indexLogsFrom(l0);
    logsVersion.value++;
  } else {
    const { attributes, events } = p.details;
    if (p.from !== data.detailsUpTo || p.from + attributes.length > data.headSpans) return void host?.post({ type: 'requestSnapshot' });
    for (let i = 0; i < attributes.length; i++) {
      const s = data.spans[p.from + i]!;
      s.attributes = attributes[i]!;
      s.events = events[i]!;
    }
    data.detailsUpTo += attributes.length;
    data.pending.details -= attributes.length;
    detailsVersion.value++;
  }
  if (data.pending.logs === 0 && data.pending.details === 0) performance.mark('bd:complete');
}

function currentState(): PanelState {
  return {
    runId: runId.value,
    section: section.value,
    selected: selected.value,
    logFilter: logFilter.value,
    taskFilter: taskFilter.value,
    compareRunId: compareRunId.value,
  };
}

export function restoreState(s: PanelState): void {
  batch(() => {
    section.value = s.section;
    selected.value = s.selected;
    logFilter.value = { ...s.logFilter, minSeverity: (s.logFilter.minSeverity in SEVERITY_RANK ? s.logFilter.minSeverity : 'TRACE') as Severity };
    taskFilter.value = s.taskFilter;
    compareRunId.value = s.compareRunId;
  });
}

// Messages are applied in order by a pump that lets the browser paint: after a snapshot
// head it waits for the next frame (the overview and timeline paint from the head), and
// it yields between messages once it has worked for a few milliseconds. A message is read
// (deserialized, validated) only when its turn comes.
const inbox: (() => HostMessage | undefined)[] = [];
let pumping = false;
const SLICE_MS = 8;

function afterPaint(fn: () => void): void {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    fn();
  };
  requestAnimationFrame(() => setTimeout(go, 0));
  setTimeout(go, 100); // no frames (hidden page): do not wait for one
}

function pump(): void {
  const t0 = performance.now();
  while (inbox.length > 0) {
    const msg = inbox.shift()!();
    if (!msg) continue;
    applyHostMessage(msg);
    if (msg.type === 'snapshot') {
      performance.mark('bd:head');
      return afterPaint(pump);
    }
    if (inbox.length > 0 && performance.now() - t0 > SLICE_MS) return void setTimeout(pump, 0);
  }
  pumping = false;
}

function receive(read: () => HostMessage | undefined): void {
  inbox.push(read);
  if (!pumping) {
    pumping = true;
    queueMicrotask(pump);
  }
}

/** Wire the host: messages in, state persisted (getState/setState) on every change. */
export function connect(h: Host): void {
  host = h;
  h.listen(receive);
  effect(() => {
    h.setState(currentState());
  });
}
