// Capture limits: how much of what a build sends is kept. Two levels:
//  * per item (applied on ingest with redaction, src/core/safety/sanitize.ts): attributes per
//    span/event/link/log/resource/scope/point, string length, list and map lengths — so one
//    runaway attribute cannot blow up the store, the bundle or a report;
//  * per run (applied by the session): spans, log records, metric points and bytes of the
//    bundle's telemetry + stdio files. Beyond a cap the rest is dropped, counted, and the
//    report says "truncated".
// `debug` lifts all of them (the caller's choice, for a run whose details matter more).
// The 50-item list/map default matches what the CodeAnatomy pipeline keeps itself
// (codeanatomy-telemetry.md §3). Hamilton's plan lists (`execution_path`, `final_vars`) are
// kept whole up to `maxPlanListLength`, because the plan diff needs every expected node.

export interface CaptureLimits {
  /** Attributes kept per span, span event, link, log record, resource, scope or data point. */
  maxAttributes: number;
  /** Characters kept of a string attribute value (also inside lists and maps). */
  maxValueLength: number;
  /** Characters kept of a string log body (tracebacks live there: larger than attributes). */
  maxBodyLength: number;
  /** Items kept of a list value. */
  maxListLength: number;
  /** Entries kept of a map value (kvlist, including a map log body). */
  maxMapLength: number;
  /** Attribute keys whose list values are plan lists, kept up to `maxPlanListLength`. */
  planListKeys: string[];
  maxPlanListLength: number;
  /** Per run. */
  maxSpans: number;
  maxLogs: number;
  maxMetricPoints: number;
  /** Bytes of telemetry.otlp.jsonl plus stdio.log per run. */
  maxBytes: number;
}

export const DEFAULT_LIMITS: Readonly<CaptureLimits> = Object.freeze({
  maxAttributes: 128,
  maxValueLength: 16 * 1024,
  maxBodyLength: 64 * 1024,
  maxListLength: 50,
  maxMapLength: 50,
  planListKeys: ['execution_path', 'final_vars'],
  maxPlanListLength: 10_000,
  maxSpans: 250_000,
  maxLogs: 500_000,
  maxMetricPoints: 250_000,
  maxBytes: 1024 * 1024 * 1024,
});

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** The limits of a run: defaults, overridden by settings; `debug` lifts every one. */
export function resolveLimits(overrides: Partial<CaptureLimits> = {}, debug = false): CaptureLimits {
  const merged: CaptureLimits = { ...DEFAULT_LIMITS, planListKeys: [...DEFAULT_LIMITS.planListKeys] };
  for (const [k, v] of Object.entries(overrides) as [keyof CaptureLimits, unknown][]) {
    if (v === undefined) continue;
    if (k === 'planListKeys') {
      if (Array.isArray(v)) merged.planListKeys = v.filter((x): x is string => typeof x === 'string');
    } else if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
      merged[k] = Math.floor(v);
    }
  }
  if (!debug) return merged;
  return {
    ...merged,
    maxAttributes: NO_LIMIT,
    maxValueLength: NO_LIMIT,
    maxBodyLength: NO_LIMIT,
    maxListLength: NO_LIMIT,
    maxMapLength: NO_LIMIT,
    maxPlanListLength: NO_LIMIT,
    maxSpans: NO_LIMIT,
    maxLogs: NO_LIMIT,
    maxMetricPoints: NO_LIMIT,
    maxBytes: NO_LIMIT,
  };
}

/** Marker appended to a cut string, so a reader sees that it was cut and by how much. */
export function truncationMarker(droppedChars: number): string {
  return ` …[truncated ${droppedChars} chars]`;
}

/** Items of one request. */
export interface ItemCounts {
  spans: number;
  logs: number;
  metrics: number;
}

export interface BudgetRoom extends ItemCounts {
  bytesFull: boolean;
}

/** Whether a request with these items is refused at a budget that had this room. */
export function beyondRoom(c: ItemCounts, room: BudgetRoom): boolean {
  return room.bytesFull || c.spans > room.spans || c.logs > room.logs || c.metrics > room.metrics;
}

/** Per-run caps. `admit` answers whether a request still fits; once a cap is reached,
 * everything of that kind after it is dropped. The cut is all-or-nothing per request, and
 * applies to the store and the bundle alike, so `build-diag report` rebuilds the same report.
 * Bytes are checked before writing, so the files may exceed `maxBytes` by one request. */
export class RunBudget {
  readonly used: ItemCounts = { spans: 0, logs: 0, metrics: 0 };
  readonly dropped: ItemCounts = { spans: 0, logs: 0, metrics: 0 };
  /** Names of the caps that were hit, in the order they were hit. */
  readonly hit: string[] = [];

  constructor(private readonly limits: Pick<CaptureLimits, 'maxSpans' | 'maxLogs' | 'maxMetricPoints' | 'maxBytes'>) {}

  admit(c: ItemCounts, bytesSoFar: number): boolean {
    const u = this.used;
    const over: string[] = [];
    if (c.spans > 0 && u.spans + c.spans > this.limits.maxSpans) over.push(`${this.limits.maxSpans} spans`);
    if (c.logs > 0 && u.logs + c.logs > this.limits.maxLogs) over.push(`${this.limits.maxLogs} log records`);
    if (c.metrics > 0 && u.metrics + c.metrics > this.limits.maxMetricPoints) over.push(`${this.limits.maxMetricPoints} metric points`);
    if (bytesSoFar >= this.limits.maxBytes) over.push(`${this.limits.maxBytes} bytes`);
    if (over.length > 0) {
      for (const o of over) if (!this.hit.includes(o)) this.hit.push(o);
      this.dropped.spans += c.spans;
      this.dropped.logs += c.logs;
      this.dropped.metrics += c.metrics;
      return false;
    }
    u.spans += c.spans;
    u.logs += c.logs;
    u.metrics += c.metrics;
    return true;
  }

  /** What still fits. Counts only grow, so a request with more items of a kind than its
   * room here (any request once `bytesFull`) is refused now and at any later time. */
  room(bytesSoFar: number): BudgetRoom {
    const u = this.used;
    const l = this.limits;
    return { spans: l.maxSpans - u.spans, logs: l.maxLogs - u.logs, metrics: l.maxMetricPoints - u.metrics, bytesFull: bytesSoFar >= l.maxBytes };
  }

  /** One line for the run's warnings, or undefined when nothing was dropped. */
  warning(): string | undefined {
    const d = this.dropped;
    if (this.hit.length === 0) return undefined;
    return `truncated: the run reached its capture limit (${this.hit.join(', ')}); dropped ${d.spans} spans, ${d.logs} log records, ${d.metrics} metric points. Raise buildDiagnostics.limits or run with --debug to keep everything.`;
  }
}
