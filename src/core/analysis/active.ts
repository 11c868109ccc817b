// What is running right now: stages and phases started and not ended. OTel exports a span
// only when it ends, so an open stage is invisible as a span; we use the events that do
// arrive while it runs (`build.phase.start`/`.end` log events, any `stage.start`/`.end`
// that comes as a log) and the latest heartbeat's `stage`, and close a stage when its span
// (attribute `codeanatomy.stage`) or its end event arrives. codeanatomy-telemetry.md §3/§4.
import type { RunStore } from '../store.js';
import { asName, asNumber } from './jsonList.js';
import { HEARTBEAT_SPAN, heartbeatTimeMs } from './heartbeats.js';

interface Mark {
  name: string;
  ns: bigint;
  open: boolean;
  i: number;
}

const MAX_ACTIVE = 100;

export function activeStages(store: RunStore): string[] {
  const marks: Mark[] = [];
  let i = 0;
  let heartbeat: { ns: bigint; stage: string } | undefined;
  for (const e of store.events) {
    const p = e.payload as Record<string, unknown>;
    let name: string | undefined;
    let open: boolean | undefined;
    if (e.name === 'build.phase.start' || e.name === 'build.phase.end') {
      name = asName(p['phase']);
      open = e.name === 'build.phase.start';
    } else if (e.name === 'stage.start' || e.name === 'stage.end') {
      name = asName(p['stage']);
      open = e.name === 'stage.start';
    } else if (e.name === 'build_heartbeat_v1') {
      const stage = asName(p['stage']);
      const ns = BigInt(Math.round(heartbeatTimeMs(e))) * 1_000_000n;
      if (stage !== undefined && (!heartbeat || ns >= heartbeat.ns)) heartbeat = { ns, stage };
      continue;
    }
    if (name !== undefined && open !== undefined) marks.push({ name, ns: e.timeNs, open, i: i++ });
  }
  for (const s of store.spans) {
    if (s.name === HEARTBEAT_SPAN) continue;
    const stage = asName(s.attributes['codeanatomy.stage']);
    if (stage !== undefined) marks.push({ name: stage, ns: s.endNs, open: false, i: i++ });
  }
  if (heartbeat) marks.push({ name: heartbeat.stage, ns: heartbeat.ns, open: true, i: i++ });
  marks.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.i - b.i));
  const openSince = new Map<string, bigint>();
  for (const m of marks) {
    if (m.open) {
      if (!openSince.has(m.name)) openSince.set(m.name, m.ns);
    } else openSince.delete(m.name);
  }
  return [...openSince.entries()]
    .sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .slice(0, MAX_ACTIVE)
    .map(([n]) => n);
}

/** The latest heartbeat's task counts, when the build fills them (CodeAnatomy does not). */
export function heartbeatTaskCounts(store: RunStore): { active?: number; pending?: number } {
  let best: { t: number; p: Record<string, unknown> } | undefined;
  for (const e of store.events) {
    if (e.name !== 'build_heartbeat_v1') continue;
    const t = heartbeatTimeMs(e);
    if (!best || t >= best.t) best = { t, p: e.payload as Record<string, unknown> };
  }
  if (!best) return {};
  const active = asNumber(best.p['active_task_count']);
  const pending = asNumber(best.p['pending_task_count']);
  return { ...(active !== undefined ? { active } : {}), ...(pending !== undefined ? { pending } : {}) };
}
