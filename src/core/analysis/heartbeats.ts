// Heartbeats (issue 3, analysis 3): the build's build_heartbeat_v1 timeline and our own
// liveness samples (build_diagnostics.liveness_v1, written by the monitor about once a
// second). A heartbeat arrives twice (log record + span-event copy on the `build.heartbeat`
// span, codeanatomy-telemetry.md §3/§4): copies are merged by their timestamp.
import type { Span } from '../model.js';
import type { RunStore } from '../store.js';
import type { RecognizedEvent } from '../events/index.js';
import type { HeartbeatsSection } from '../report/schema.js';
import { asName, asNumber, isoOfNs } from './jsonList.js';
import { LIVENESS_EVENT } from './ownEvents.js';

/** Samples kept in the report at most; the count and interval cover all of them. */
export const MAX_SAMPLES = 600;

type HeartbeatSample = HeartbeatsSection['samples'][number];
type LivenessSample = HeartbeatsSection['liveness'][number];

export const HEARTBEAT_SPAN = 'build.heartbeat';

/** The heartbeat's own clock (`timestamp_unix_s`) when usable, else the record time. */
export function heartbeatTimeMs(e: RecognizedEvent): number {
  const s = asNumber((e.payload as Record<string, unknown>)['timestamp_unix_s']);
  if (s !== undefined && s > 0 && s < 1e11) return s * 1000;
  return Number(e.timeNs / 1000n) / 1000;
}

/** Evenly thin `items` to at most `max`, always keeping the last one. Deterministic. */
export function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const out: T[] = [];
  const step = (items.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(items[Math.round(i * step)]!);
  return out;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function num(p: Record<string, unknown>, k: string): number | null {
  return asNumber(p[k]) ?? null;
}

function sampleOf(e: RecognizedEvent, atMs: number): HeartbeatSample {
  const p = e.payload as Record<string, unknown>;
  return {
    at: new Date(atMs).toISOString(),
    stage: asName(p['stage']) ?? null,
    activeTaskCount: num(p, 'active_task_count'),
    pendingTaskCount: num(p, 'pending_task_count'),
    completedTaskCount: num(p, 'completed_task_count'),
    totalTaskCount: num(p, 'total_task_count'),
    bytesRead: num(p, 'bytes_read'),
    bytesWritten: num(p, 'bytes_written'),
  };
}

/** All heartbeats, de-duplicated, in time order. `build.heartbeat` spans count only when no
 * heartbeat event arrived at all (a build exporting traces but not logs): the span does not
 * always carry the event (it may come every N heartbeats, outside the event's context). */
export function heartbeatSamples(store: RunStore): { atMs: number; sample: HeartbeatSample }[] {
  const byKey = new Map<string, { atMs: number; sample: HeartbeatSample }>();
  for (const e of store.events) {
    if (e.name !== 'build_heartbeat_v1') continue;
    const atMs = heartbeatTimeMs(e);
    const sample = sampleOf(e, atMs);
    const key = `${Math.round(atMs)}|${sample.stage ?? ''}`;
    // Keep the copy with more fields filled (the two may differ after redaction/limits).
    const prev = byKey.get(key);
    const filled = (s: HeartbeatSample) => Object.values(s).filter((v) => v !== null).length;
    if (!prev || filled(sample) > filled(prev.sample)) byKey.set(key, { atMs, sample });
  }
  for (const s of byKey.size > 0 ? [] : (store.spans as Span[])) {
    if (s.name !== HEARTBEAT_SPAN) continue;
    const atMs = Number(s.startNs / 1000n) / 1000;
    const stage = asName(s.attributes['stage']) ?? asName(s.attributes['codeanatomy.stage']) ?? null;
    byKey.set(`span:${s.traceId}:${s.spanId}`, {
      atMs,
      sample: {
        at: new Date(atMs).toISOString(),
        stage,
        activeTaskCount: null,
        pendingTaskCount: null,
        completedTaskCount: null,
        totalTaskCount: null,
        bytesRead: null,
        bytesWritten: null,
      },
    });
  }
  return [...byKey.values()].sort((a, b) => a.atMs - b.atMs);
}

function livenessSamples(store: RunStore): LivenessSample[] {
  const out: LivenessSample[] = [];
  for (const e of store.events) {
    if (e.name !== LIVENESS_EVENT) continue;
    const a = e.attributes;
    out.push({
      at: isoOfNs(e.timeNs),
      spans: asNumber(a['spans']) ?? 0,
      logs: asNumber(a['logs']) ?? 0,
      events: asNumber(a['events']) ?? 0,
      cpuSeconds: asNumber(a['cpu_seconds']) ?? null,
      rssBytes: asNumber(a['rss_bytes']) ?? null,
      processCount: asNumber(a['process_count']) ?? null,
    });
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export function heartbeatsSection(store: RunStore): HeartbeatsSection {
  const beats = heartbeatSamples(store);
  const gaps: number[] = [];
  for (let i = 1; i < beats.length; i++) gaps.push((beats[i]!.atMs - beats[i - 1]!.atMs) / 1000);
  const med = median(gaps);
  const last = beats[beats.length - 1];
  let lastStage: string | null = null;
  for (let i = beats.length - 1; i >= 0 && lastStage === null; i--) lastStage = beats[i]!.sample.stage;
  return {
    count: beats.length,
    intervalS: med === null ? null : Math.round(med * 1000) / 1000,
    lastAt: last ? last.sample.at : null,
    lastStage,
    samples: thin(
      beats.map((b) => b.sample),
      MAX_SAMPLES,
    ),
    liveness: thin(livenessSamples(store), MAX_SAMPLES),
  };
}
