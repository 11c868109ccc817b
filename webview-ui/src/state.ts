// App state: signals for what the user sees and chooses, plain arrays for the bulk data
// (100k spans would make signal-per-item or copy-on-write far too slow). `dataVersion`
// ticks whenever the arrays change so computed views know to recompute.
import { batch, effect, signal } from '@preact/signals';
import type { HostMessage, PanelState, Section, SpanRef } from '../../src/protocol/messages.js';
import type { CompareResult, RunListEntry, Severity, SnapLog, SnapSpan } from '../../src/protocol/schema.js';
import type { Report } from '../../src/core/report/schema.js';
import type { Host } from './bridge.js';

export const SEVERITY_RANK: Record<Severity, number> = { TRACE: 0, DEBUG: 1, INFO: 2, UNSPECIFIED: 2, WARN: 3, ERROR: 4, FATAL: 5 };

export interface RunData {
  spans: SnapSpan[];
  logs: SnapLog[];
  spanIndex: Map<string, number>;
  logsBySpan: Map<string, number[]>;
  omitted: { spans: number; logs: number };
  seq: number;
}

export const key = (traceId: string, spanId: string): string => `${traceId}:${spanId}`;

export const data: RunData = { spans: [], logs: [], spanIndex: new Map(), logsBySpan: new Map(), omitted: { spans: 0, logs: 0 }, seq: 0 };
export const dataVersion = signal(0);
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

function indexFrom(spanStart: number, logStart: number): void {
  for (let i = spanStart; i < data.spans.length; i++) {
    const s = data.spans[i]!;
    data.spanIndex.set(key(s.traceId, s.spanId), i);
  }
  for (let i = logStart; i < data.logs.length; i++) {
    const l = data.logs[i]!;
    if (l.traceId && l.spanId) {
      const k = key(l.traceId, l.spanId);
      const list = data.logsBySpan.get(k);
      if (list) list.push(i);
      else data.logsBySpan.set(k, [i]);
    }
  }
}

export function spanByRef(ref: SpanRef | null): SnapSpan | undefined {
  if (!ref) return undefined;
  const i = data.spanIndex.get(key(ref.traceId, ref.spanId));
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
      data.spans = s.spans;
      data.logs = s.logs;
      data.spanIndex = new Map();
      data.logsBySpan = new Map();
      data.omitted = s.omitted;
      data.seq = 0;
      indexFrom(0, 0);
      batch(() => {
        if (runId.value !== s.runId) compareResult.value = null;
        runId.value = s.runId;
        report.value = s.report;
        live.value = s.live;
        emptyMessage.value = null;
        lastDataAt.value = Date.now();
        dataVersion.value++;
      });
      break;
    }
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
      indexFrom(s0, l0);
      batch(() => {
        if (d.report) report.value = d.report;
        live.value = d.live;
        lastDataAt.value = Date.now();
        dataVersion.value++;
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

/** Wire the host: messages in, state persisted (getState/setState) on every change. */
export function connect(h: Host): void {
  host = h;
  h.listen(applyHostMessage);
  effect(() => {
    h.setState(currentState());
  });
}
