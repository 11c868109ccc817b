// Dataset readiness: the latest state of every dataset, from the build's own
// dataset_readiness_v1 / delta_log_health_v1 events and from our own checks (the same event
// name, marked with `build_diagnostics.source`). See codeanatomy-telemetry.md §3 for the
// status/reason vocabulary; a dataset blocks when its status is neither ok nor remote_path.
import type { DatasetState, ReadinessSection, ReadinessStatus } from '../report/schema.js';
import { ReadinessStatusSchema } from '../report/schema.js';
import type { RunStore } from '../store.js';
import type { RecognizedEvent } from '../events/index.js';
import { REASONS, isBlocking } from './datasetCheck.js';
import { asBool, asName, asNumber, isoOfNs } from './jsonList.js';
import { SOURCE_ATTR } from './ownEvents.js';

const STATUS_BY_REASON = new Map<string, ReadinessStatus>(
  (Object.entries(REASONS) as [ReadinessStatus, string][]).map(([status, reason]) => [reason, status]),
);

function statusOf(rawStatus: unknown, rawReason: unknown): ReadinessStatus {
  const s = asName(rawStatus);
  const parsed = ReadinessStatusSchema.safeParse(s);
  if (parsed.success) return parsed.data;
  const r = asName(rawReason);
  return (r !== undefined ? STATUS_BY_REASON.get(r) : undefined) ?? 'unknown';
}

function sourceOf(attrs: Record<string, unknown>): DatasetState['source'] {
  const s = attrs[SOURCE_ATTR];
  return s === 'preflight' || s === 'recheck' ? s : 'telemetry';
}

function fromReadiness(e: RecognizedEvent): DatasetState | undefined {
  const p = e.payload as Record<string, unknown>;
  const dataset = asName(p['dataset']) ?? asName(p['path']);
  if (dataset === undefined) return undefined;
  const status = statusOf(p['status'], p['reason']);
  const source = sourceOf(e.attributes);
  return {
    dataset,
    path: asName(p['path']) ?? null,
    format: asName(p['format']) ?? null,
    status,
    reason: asName(p['reason']) ?? (status === 'unknown' ? null : REASONS[status]),
    source,
    required: source === 'telemetry' ? null : (asBool(p['required']) ?? null),
    fileCount: asNumber(p['file_count']) ?? null,
    deltaLogFileCount: asNumber(p['delta_log_file_count']) ?? null,
    checkedAt: isoOfNs(e.timeNs),
  };
}

/** delta_log_health_v1 speaks only of the log: present and non-empty reads as ok. */
function fromDeltaHealth(e: RecognizedEvent): DatasetState | undefined {
  const p = e.payload as Record<string, unknown>;
  const dataset = asName(p['dataset']) ?? asName(p['path']);
  if (dataset === undefined) return undefined;
  const present = asBool(p['delta_log_present']);
  const count = asNumber(p['delta_log_file_count']);
  const reason = asName(p['delta_log_reason']);
  let status: ReadinessStatus;
  if (present === false || reason === REASONS.missing_delta_log) status = 'missing_delta_log';
  else if (count === 0 || reason === REASONS.empty_delta_log) status = 'empty_delta_log';
  else if (present === true) status = 'ok';
  else return undefined; // says nothing usable about readiness
  return {
    dataset,
    path: asName(p['path']) ?? null,
    format: 'delta',
    status,
    reason: status === 'ok' ? 'ok' : (reason ?? REASONS[status]),
    source: 'telemetry',
    required: null,
    fileCount: null,
    deltaLogFileCount: count ?? null,
    checkedAt: isoOfNs(e.timeNs),
  };
}

/** Every readiness observation in time order (ties: arrival order). */
export function readinessObservations(store: RunStore): { timeNs: bigint; state: DatasetState }[] {
  const out: { timeNs: bigint; state: DatasetState; i: number }[] = [];
  store.events.forEach((e, i) => {
    let s: DatasetState | undefined;
    if (e.name === 'dataset_readiness_v1') s = fromReadiness(e);
    else if (e.name === 'delta_log_health_v1') s = fromDeltaHealth(e);
    if (s) out.push({ timeNs: e.timeNs, state: s, i });
  });
  out.sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : a.i - b.i));
  return out;
}

/** Build the section from a list of latest states (also used by the monitor to overlay
 * fresh re-checks on the store's view). */
export function sectionOf(states: Iterable<DatasetState>): ReadinessSection {
  const datasets = [...states].sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : 0));
  const issues = datasets.filter((d) => isBlocking(d.status));
  const issueCounts: Record<string, number> = {};
  for (const d of issues) issueCounts[d.status] = (issueCounts[d.status] ?? 0) + 1;
  return { total: datasets.length, issues, issueCounts, datasets };
}

export function readinessSection(store: RunStore): ReadinessSection {
  const latest = new Map<string, DatasetState>();
  for (const { state } of readinessObservations(store)) latest.set(state.dataset, state);
  return sectionOf(latest.values());
}

/** `section` with `fresh` states replacing older ones of the same dataset. */
export function overlayReadiness(section: ReadinessSection, fresh: readonly DatasetState[]): ReadinessSection {
  const m = new Map(section.datasets.map((d) => [d.dataset, d]));
  for (const s of fresh) m.set(s.dataset, s);
  return sectionOf(m.values());
}

/** Names of the datasets that block. */
export function notReadyDatasets(section: ReadinessSection): Set<string> {
  return new Set(section.issues.map((d) => d.dataset));
}
