// Stalls (issue 3, analysis 4), after the fact: the build's own build_stall_v1 events and our
// monitor's build_diagnostics.stall_v1 records (start/update/end, merged by `stall.id`).
// The live detection is in monitor.ts; this reads back what it wrote, so a report rebuilt
// from a bundle shows the same stalls.
import type { RunStore } from '../store.js';
import type { Stall } from '../report/schema.js';
import { asBool, asList, asName, asNumber, isoOfNs, isoOfUnixS } from './jsonList.js';
import { STALL_EVENT } from './ownEvents.js';

/** Stalls reported at most (a pathological build could emit one per heartbeat). */
export const MAX_STALLS = 1000;

/** Repeated build_stall_v1 events with the same `last_progress_unix_s` describe one ongoing
 * stall (its gap growing): they are merged, as are the log/span-event copies. */
function buildStalls(store: RunStore): Stall[] {
  const byKey = new Map<string, Stall>();
  for (const e of store.events) {
    if (e.name !== 'build_stall_v1') continue;
    const p = e.payload as Record<string, unknown>;
    const lastS = asNumber(p['last_progress_unix_s']);
    const key = lastS !== undefined ? `p:${lastS}` : `t:${e.timeNs}`;
    const at = isoOfNs(e.timeNs);
    const gap = asNumber(p['gap_s']) ?? 0;
    const prev = byKey.get(key);
    const blockers = asList(p['top_blockers']);
    if (prev) {
      if (at < prev.startedAt) prev.startedAt = at;
      if (gap >= prev.gapS) {
        prev.gapS = gap;
        prev.activeTaskCount = asNumber(p['active_task_count']) ?? prev.activeTaskCount;
        prev.pendingTaskCount = asNumber(p['pending_task_count']) ?? prev.pendingTaskCount;
        if (blockers.length > 0) prev.blockers = blockers;
      }
      continue;
    }
    if (byKey.size >= MAX_STALLS) continue;
    byKey.set(key, {
      id: `build-${byKey.size + 1}`,
      startedAt: at,
      endedAt: null,
      gapS: gap,
      source: 'build',
      lastProgressAt: isoOfUnixS(lastS),
      activeTaskCount: asNumber(p['active_task_count']) ?? null,
      pendingTaskCount: asNumber(p['pending_task_count']) ?? null,
      active: [],
      pendingTasks: [],
      blockers,
      cpuBusy: null,
    });
  }
  return [...byKey.values()];
}

function monitorStalls(store: RunStore): Stall[] {
  const byId = new Map<string, Stall>();
  for (const e of store.events) {
    if (e.name !== STALL_EVENT) continue;
    const a = e.attributes;
    const id = asName(a['stall.id']);
    if (id === undefined) continue;
    const state = asName(a['stall.state']);
    const at = isoOfNs(e.timeNs);
    let s = byId.get(id);
    if (!s) {
      if (byId.size >= MAX_STALLS) continue;
      s = {
        id,
        startedAt: at,
        endedAt: null,
        gapS: 0,
        source: 'monitor',
        lastProgressAt: null,
        activeTaskCount: null,
        pendingTaskCount: null,
        active: [],
        pendingTasks: [],
        blockers: [],
        cpuBusy: null,
      };
      byId.set(id, s);
    }
    if (state === 'start' && at < s.startedAt) s.startedAt = at;
    const gap = asNumber(a['gap_s']);
    if (gap !== undefined && gap >= s.gapS) s.gapS = gap;
    s.lastProgressAt = isoOfUnixS(asNumber(a['last_progress_unix_s'])) ?? s.lastProgressAt;
    // Later records carry the newer view of what was active and blocking; an end record
    // repeats only what it knows.
    if (a['active'] !== undefined) s.active = asList(a['active']);
    if (a['pending_tasks'] !== undefined) s.pendingTasks = asList(a['pending_tasks']);
    if (a['blockers'] !== undefined) s.blockers = asList(a['blockers']);
    s.activeTaskCount = asNumber(a['active_task_count']) ?? s.activeTaskCount;
    s.pendingTaskCount = asNumber(a['pending_task_count']) ?? s.pendingTaskCount;
    const busy = asBool(a['cpu_busy']);
    if (busy !== undefined) s.cpuBusy = busy;
    if (state === 'end') s.endedAt = isoOfUnixS(asNumber(a['ended_unix_s'])) ?? at;
  }
  return [...byId.values()];
}

/** Both kinds, by start time. */
export function stallsSection(store: RunStore): Stall[] {
  const all = [...buildStalls(store), ...monitorStalls(store)];
  return all
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, MAX_STALLS);
}
