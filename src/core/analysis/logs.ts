// Logs analysis (issue 3, analysis 8): counts by severity, the share of records correlated to
// a span, and counts per stream. The per-span index itself lives in the store
// (`RunStore.logsOfSpan`), built at ingest.
import type { LogRecord } from '../model.js';
import type { LogsSection } from '../report/schema.js';
import type { RunStore } from '../store.js';
import { isOwnLog } from './ownEvents.js';

export type { LogsSection };

export const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'UNSPECIFIED'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

// Text spellings seen in the wild (Python logging, OTel, Node loggers) for records whose
// severity number is 0.
const TEXT_SEVERITY: Record<string, SeverityName> = {
  TRACE: 'TRACE',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  NOTICE: 'INFO',
  WARN: 'WARN',
  WARNING: 'WARN',
  ERROR: 'ERROR',
  ERR: 'ERROR',
  CRITICAL: 'FATAL',
  FATAL: 'FATAL',
};

/** OTel severity ranges (logs data model, "SeverityNumber"): 1–4 TRACE, 5–8 DEBUG, 9–12 INFO,
 * 13–16 WARN, 17–20 ERROR, 21–24 FATAL. Number 0 falls back to the severity text. */
export function severityName(severityNumber: number, severityText?: string): SeverityName {
  const n = Number.isFinite(severityNumber) ? Math.trunc(severityNumber) : 0;
  if (n >= 1 && n <= 24) return SEVERITY_NAMES[Math.floor((n - 1) / 4)]!;
  if (typeof severityText === 'string') {
    const t = TEXT_SEVERITY[severityText.trim().toUpperCase()];
    if (t) return t;
  }
  return 'UNSPECIFIED';
}

export function logSeverity(log: LogRecord): SeverityName {
  return severityName(log.severityNumber, log.severityText);
}

/** The stream a record came from. A bundle re-read through OTLP/JSON loses the model's
 * `source` (not an OTLP field), so the launcher's `log.iostream` attribute (OTel semantic
 * conventions) is read too: a rebuilt report must see the same stderr as the live one. */
export function logStream(log: LogRecord): 'otlp' | 'stdout' | 'stderr' {
  if (log.source === 'stdout' || log.source === 'stderr') return log.source;
  const io = log.attributes?.['log.iostream'];
  return io === 'stdout' || io === 'stderr' ? io : 'otlp';
}

export function logsSection(store: RunStore): LogsSection {
  const bySeverity: Record<string, number> = {};
  for (const name of SEVERITY_NAMES) bySeverity[name] = 0;
  const byStream: Record<string, number> = { otlp: 0, stdout: 0, stderr: 0 };
  let correlated = 0;
  let count = 0;
  for (const log of store.logs) {
    // Our monitor's own observations (liveness samples, stalls, dataset checks) are not the
    // build's logs.
    if (isOwnLog(log)) continue;
    count++;
    const sev = logSeverity(log);
    bySeverity[sev] = (bySeverity[sev] ?? 0) + 1;
    const stream = logStream(log);
    byStream[stream] = (byStream[stream] ?? 0) + 1;
    if (log.traceId && log.spanId) correlated++;
  }
  // Rounded so that the figure reads the same from a live store and a re-read bundle.
  const correlatedFraction = count === 0 ? 0 : Math.round((correlated / count) * 10_000) / 10_000;
  return { count, bySeverity, correlatedFraction, byStream };
}
