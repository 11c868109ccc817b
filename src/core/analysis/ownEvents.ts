// Our own observations, written as telemetry (log records) so that a report rebuilt from a
// bundle alone sees exactly what the live run saw. Shapes follow the pipeline's event
// convention (codeanatomy-telemetry.md §3): body and eventName = the event name, payload in
// attributes, lists as JSON strings.
import type { AttrValue, Attributes, LogRecord, Resource, Scope } from '../model.js';
import { msToNs } from '../model.js';

export const OWN_SERVICE = 'build-diagnostics';
export const MONITOR_SCOPE = 'build-diagnostics.monitor';

export const STALL_EVENT = 'build_diagnostics.stall_v1';
export const LIVENESS_EVENT = 'build_diagnostics.liveness_v1';
export const READINESS_EVENT = 'dataset_readiness_v1';
/** Attribute that marks our own dataset_readiness_v1 records (preflight | recheck). */
export const SOURCE_ATTR = 'build_diagnostics.source';

const RESOURCE: Resource = { attributes: { 'service.name': OWN_SERVICE } };
const SCOPE: Scope = { name: MONITOR_SCOPE };

export const SEVERITY = { INFO: 9, WARN: 13 } as const;

export type OwnAttrInput = Record<string, string | number | boolean | string[] | null | undefined>;

/** Build one of our records. Undefined/null values are left out (absent = unknown);
 * string lists become JSON strings like the pipeline sends them. */
export function ownEvent(name: string, timeMs: number, severity: 'INFO' | 'WARN', payload: OwnAttrInput): LogRecord {
  const attributes: Attributes = { 'event.name': name, 'event.kind': 'event' };
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    attributes[k] = (Array.isArray(v) ? JSON.stringify(v) : v) satisfies AttrValue;
  }
  const ns = msToNs(timeMs);
  return {
    timeNs: ns,
    observedTimeNs: ns,
    severityNumber: SEVERITY[severity],
    severityText: severity,
    body: name,
    attributes,
    eventName: name,
    resource: RESOURCE,
    scope: SCOPE,
    source: 'otlp',
  };
}

/** True for records we produced (monitor/readiness/liveness), which are never progress. */
export function isOwnLog(log: LogRecord): boolean {
  return log.scope?.name === MONITOR_SCOPE;
}
