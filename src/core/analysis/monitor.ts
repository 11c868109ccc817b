// The live stall monitor (issue 3, analysis 4b). The real pipeline never reports its own
// stalls, and its heartbeat thread keeps ticking while the build is stuck, so we watch the
// telemetry flow ourselves: no progress for `thresholdS` while the process lives is a stall.
//
// Progress = a span arrived (spans are exported when they end), a log line or event that is
// not a heartbeat arrived, or a heartbeat's counters changed. Our own records (scope
// build-diagnostics.monitor) and metric exports (periodic by nature) are never progress.
//
// Everything we observe is emitted as log records (ownEvents.ts) that the session stores
// and persists, so stallsSection/heartbeatsSection rebuild the same view from a bundle.
// One stall: a `start` record, `update` records at most every UPDATE_EVERY_MS, one `end`
// record when progress resumes (or when the monitor is disposed at the end of the run,
// with `stall.end_reason` = run_ended).
import type { LogRecord } from '../model.js';
import type { RunStore, IngestDelta } from '../store.js';
import type { RecognizedEvent } from '../events/index.js';
import type { DatasetState, Stall } from '../report/schema.js';
import { activeStages, heartbeatTaskCounts } from './active.js';
import { readinessEvent } from './datasetCheck.js';
import { HEARTBEAT_SPAN, heartbeatTimeMs } from './heartbeats.js';
import { mapSignature } from './jsonList.js';
import { LIVENESS_EVENT, SOURCE_ATTR, STALL_EVENT, isOwnLog, ownEvent } from './ownEvents.js';
import { pendingTaskNames, planDiff } from './plan.js';
import { buildBlockers } from './planSignals.js';
import { overlayReadiness, readinessSection } from './readiness.js';

export const UPDATE_EVERY_MS = 5_000;
export const RECHECK_EVERY_MS = 15_000;
/** Process-tree CPU seconds per wall second above which the tree counts as busy. */
export const BUSY_CPU_PER_S = 0.2;
/** CPU is judged over the last part of the gap only, so an old burst does not count. */
const CPU_WINDOW_MS = 30_000;
/** Names listed in one record at most; the counts are exact. */
const MAX_LISTED = 100;
const MAX_CPU_SAMPLES = 120;

export interface ProcessSample {
  cpuSeconds: number;
  rssBytes: number;
  processCount: number;
}

export interface StallMonitorOptions {
  store: RunStore;
  thresholdS: number;
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
  sampleProcess?: () => ProcessSample | undefined;
  /** Re-check the declared datasets (called at stall start and at most every RECHECK_EVERY_MS). */
  recheck?: () => DatasetState[];
  /** Records to ingest and persist (synchronously or not: we do not read them back). */
  emit: (records: LogRecord[]) => void;
  taskAttributes?: string[];
}

interface OpenStall {
  stall: Stall;
  lastProgressMs: number;
  lastEmitMs: number;
  lastRecheckMs: number;
  recheckStatus: Map<string, string>;
}

const HEARTBEAT_COUNTERS = [
  'stage',
  'active_task_count',
  'pending_task_count',
  'completed_task_count',
  'total_task_count',
  'bytes_read',
  'bytes_written',
] as const;
const HEARTBEAT_MAPS = ['dataset_rows', 'dataset_columns', 'scan_row_groups', 'scan_fragments'] as const;

/** What a heartbeat says about work done; its timestamp is deliberately not part of it. */
export function heartbeatSignature(e: RecognizedEvent): string {
  const p = e.payload as Record<string, unknown>;
  const parts: string[] = HEARTBEAT_COUNTERS.map((k) => `${k}=${String(p[k] ?? '')}`);
  for (const k of HEARTBEAT_MAPS) parts.push(`${k}={${mapSignature(p[k] ?? e.attributes[k])}}`);
  return parts.join(';');
}

function isHeartbeatLog(l: LogRecord): boolean {
  if (l.eventName === 'build_heartbeat_v1' || l.attributes['event.name'] === 'build_heartbeat_v1') return true;
  // The pipeline prints `INFO:codeanatomy.diagnostics:<event name>` on stderr for events.
  return typeof l.body === 'string' && l.body.length < 400 && l.body.includes('build_heartbeat_v1');
}

function isOwnEvent(e: RecognizedEvent): boolean {
  return e.name === STALL_EVENT || e.name === LIVENESS_EVENT || e.attributes[SOURCE_ATTR] !== undefined;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export class StallMonitor {
  private readonly now: () => number;
  private readonly thresholdMs: number;
  private lastProgressMs: number;
  private open: OpenStall | undefined;
  private endAtMs: number | undefined;
  private seq = 0;
  private lastBeat: { atMs: number; sig: string } | undefined;
  private readonly counts = { spans: 0, logs: 0, events: 0 };
  private readonly cpu: { atMs: number; cpuSeconds: number }[] = [];
  private everSampled = false;
  private processGone = false;
  private disposed = false;
  private readonly sub: { dispose(): void };

  constructor(private readonly o: StallMonitorOptions) {
    this.now = o.now ?? Date.now;
    this.thresholdMs = Math.max(0, o.thresholdS) * 1000;
    this.lastProgressMs = this.now();
    for (const e of o.store.events) if (e.name === 'build_heartbeat_v1') this.seenHeartbeat(e);
    this.counts.spans = o.store.spans.length;
    this.counts.logs = o.store.logs.filter((l) => !isOwnLog(l)).length;
    this.counts.events = o.store.events.filter((e) => !isOwnEvent(e)).length;
    this.sub = o.store.onIngest((d) => this.onDelta(d));
  }

  /** Remember a heartbeat; true when it is newer than the last one and its counters moved.
   * Older copies (the span-event copy arrives with the heartbeat span, later) are ignored. */
  private seenHeartbeat(e: RecognizedEvent): boolean {
    const atMs = heartbeatTimeMs(e);
    if (this.lastBeat && atMs <= this.lastBeat.atMs) return false;
    const sig = heartbeatSignature(e);
    const changed = this.lastBeat !== undefined && sig !== this.lastBeat.sig;
    this.lastBeat = { atMs, sig };
    return changed;
  }

  private onDelta(d: IngestDelta): void {
    if (this.disposed) return;
    let progress = false;
    for (const s of d.spans) {
      this.counts.spans++;
      if (s.name !== HEARTBEAT_SPAN) progress = true;
    }
    for (const l of d.logs) {
      if (isOwnLog(l)) continue;
      this.counts.logs++;
      if (!isHeartbeatLog(l)) progress = true;
    }
    for (const e of d.events) {
      if (isOwnEvent(e)) continue;
      this.counts.events++;
      if (e.name === 'build_heartbeat_v1' && this.seenHeartbeat(e)) progress = true;
    }
    if (!progress) return;
    const at = this.now();
    this.lastProgressMs = at;
    // Ended at the next tick, not from inside the store's listener (no re-entrant ingest).
    if (this.open && this.endAtMs === undefined) this.endAtMs = at;
  }

  private sample(nowMs: number): ProcessSample | undefined {
    let s: ProcessSample | undefined;
    try {
      s = this.o.sampleProcess?.();
    } catch {
      s = undefined;
    }
    if (s && Number.isFinite(s.cpuSeconds)) {
      this.everSampled = true;
      this.processGone = s.processCount === 0;
      this.cpu.push({ atMs: nowMs, cpuSeconds: s.cpuSeconds });
      if (this.cpu.length > MAX_CPU_SAMPLES) this.cpu.shift();
      return s;
    }
    // Sampling worked before and fails now: the process tree is gone.
    if (this.everSampled) this.processGone = true;
    return undefined;
  }

  /** Call about once a second. */
  tick(): void {
    if (this.disposed) return;
    try {
      const nowMs = this.now();
      const ps = this.sample(nowMs);
      const out: LogRecord[] = [
        ownEvent(LIVENESS_EVENT, nowMs, 'INFO', {
          spans: this.counts.spans,
          logs: this.counts.logs,
          events: this.counts.events,
          cpu_seconds: ps ? round3(ps.cpuSeconds) : undefined,
          rss_bytes: ps?.rssBytes,
          process_count: ps?.processCount,
        }),
      ];
      if (this.open && this.endAtMs !== undefined) this.end(nowMs, this.endAtMs, 'progress', out);
      this.endAtMs = undefined;
      const gapMs = nowMs - this.lastProgressMs;
      if (!this.open && gapMs >= this.thresholdMs && !this.processGone) this.start(nowMs, out);
      else if (this.open && nowMs - this.open.lastEmitMs >= UPDATE_EVERY_MS) this.update(nowMs, out);
      this.safeEmit(out);
    } catch {
      // Telemetry is untrusted: a surprise in it must not stop the monitor's timer.
    }
  }

  current(): Stall | undefined {
    return this.open ? structuredClone(this.open.stall) : undefined;
  }

  /** Stop watching; an open stall ends here (the run is over). */
  dispose(): void {
    if (this.disposed) return;
    if (this.open) {
      const out: LogRecord[] = [];
      const nowMs = this.now();
      if (this.endAtMs !== undefined) this.end(nowMs, this.endAtMs, 'progress', out);
      else this.end(nowMs, nowMs, 'run_ended', out);
      this.safeEmit(out);
    }
    this.disposed = true;
    this.sub.dispose();
  }

  private safeEmit(records: LogRecord[]): void {
    try {
      this.o.emit(records);
    } catch {
      /* the session reports its own persistence problems */
    }
  }

  private cpuBusy(fromMs: number, nowMs: number): boolean | null {
    const since = Math.max(fromMs, nowMs - CPU_WINDOW_MS);
    const inWindow = this.cpu.filter((c) => c.atMs >= since);
    // The last sample before the window is the best baseline for its start.
    const before = this.cpu.filter((c) => c.atMs < since).pop();
    const first = before ?? inWindow[0];
    const last = inWindow[inWindow.length - 1];
    if (!first || !last || last.atMs - first.atMs < 1000) return null;
    const rate = (last.cpuSeconds - first.cpuSeconds) / ((last.atMs - first.atMs) / 1000);
    return rate < 0 ? null : rate > BUSY_CPU_PER_S;
  }

  /** The context of a stall: what runs, what waits, what blocks. */
  private context(nowMs: number, lastProgressMs: number, fresh: DatasetState[]) {
    const { store } = this.o;
    const readiness = overlayReadiness(readinessSection(store), fresh);
    const diff = planDiff(store, readiness, { finished: false, taskAttributes: this.o.taskAttributes });
    const pending = pendingTaskNames(diff);
    const blockers = new Set<string>();
    for (const t of diff.tasks) if (t.status !== 'done' && t.status !== 'failed') for (const b of t.blockedBy) blockers.add(b);
    for (const b of buildBlockers(store)) blockers.add(b);
    // Nothing ties a not-ready dataset to a waiting task: name the required ones that are
    // not ready anyway, they are the likeliest cause.
    if (blockers.size === 0) for (const d of readiness.issues) if (d.required !== false) blockers.add(d.dataset);
    const hb = heartbeatTaskCounts(store);
    return {
      active: activeStages(store),
      pending,
      blockers: [...blockers].sort(),
      activeTaskCount: hb.active ?? diff.running.length,
      pendingTaskCount: hb.pending ?? pending.length,
      cpuBusy: this.cpuBusy(lastProgressMs, nowMs),
    };
  }

  private recheck(out: LogRecord[], open: OpenStall | undefined, nowMs: number): DatasetState[] {
    if (!this.o.recheck) return [];
    let fresh: DatasetState[];
    try {
      fresh = this.o.recheck();
    } catch {
      return [];
    }
    for (const s of fresh) {
      // At start every state is recorded; later only changes, to keep the bundle lean.
      if (!open || open.recheckStatus.get(s.dataset) !== s.status) out.push(readinessEvent(s));
      open?.recheckStatus.set(s.dataset, s.status);
    }
    if (open) open.lastRecheckMs = nowMs;
    return fresh;
  }

  private record(state: 'start' | 'update' | 'end', nowMs: number, s: Stall, extra: Record<string, string | number> = {}): LogRecord {
    return ownEvent(STALL_EVENT, nowMs, 'WARN', {
      'stall.id': s.id,
      'stall.state': state,
      gap_s: s.gapS,
      last_progress_unix_s: this.open ? round3(this.open.lastProgressMs / 1000) : undefined,
      active: s.active.slice(0, MAX_LISTED),
      pending_tasks: s.pendingTasks.slice(0, MAX_LISTED),
      blockers: s.blockers.slice(0, MAX_LISTED),
      cpu_busy: s.cpuBusy ?? undefined,
      active_task_count: s.activeTaskCount ?? undefined,
      pending_task_count: s.pendingTaskCount ?? undefined,
      ...extra,
    });
  }

  private start(nowMs: number, out: LogRecord[]): void {
    const lastProgressMs = this.lastProgressMs;
    const fresh = this.recheck(out, undefined, nowMs);
    const c = this.context(nowMs, lastProgressMs, fresh);
    const stall: Stall = {
      id: `monitor-${++this.seq}`,
      startedAt: new Date(nowMs).toISOString(),
      endedAt: null,
      gapS: round3((nowMs - lastProgressMs) / 1000),
      source: 'monitor',
      lastProgressAt: new Date(lastProgressMs).toISOString(),
      activeTaskCount: c.activeTaskCount,
      pendingTaskCount: c.pendingTaskCount,
      active: c.active,
      pendingTasks: c.pending,
      blockers: c.blockers,
      cpuBusy: c.cpuBusy,
    };
    const recheckStatus = new Map(fresh.map((s) => [s.dataset, s.status]));
    this.open = { stall, lastProgressMs, lastEmitMs: nowMs, lastRecheckMs: nowMs, recheckStatus };
    out.push(this.record('start', nowMs, stall));
  }

  private update(nowMs: number, out: LogRecord[]): void {
    const open = this.open!;
    const fresh = nowMs - open.lastRecheckMs >= RECHECK_EVERY_MS ? this.recheck(out, open, nowMs) : [];
    const c = this.context(nowMs, open.lastProgressMs, fresh);
    Object.assign(open.stall, {
      gapS: round3((nowMs - open.lastProgressMs) / 1000),
      activeTaskCount: c.activeTaskCount,
      pendingTaskCount: c.pendingTaskCount,
      active: c.active,
      pendingTasks: c.pending,
      blockers: c.blockers,
      cpuBusy: c.cpuBusy,
    } satisfies Partial<Stall>);
    open.lastEmitMs = nowMs;
    out.push(this.record('update', nowMs, open.stall));
  }

  private end(nowMs: number, endMs: number, reason: 'progress' | 'run_ended', out: LogRecord[]): void {
    const open = this.open!;
    open.stall.endedAt = new Date(endMs).toISOString();
    open.stall.gapS = round3((endMs - open.lastProgressMs) / 1000);
    out.push(this.record('end', nowMs, open.stall, { ended_unix_s: round3(endMs / 1000), 'stall.end_reason': reason }));
    this.open = undefined;
  }
}
