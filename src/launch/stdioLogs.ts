// A printed line → a LogRecord of the normalized model, so stdout/stderr sit in the same
// timeline as OTLP logs. Attribute names follow OTel semantic conventions:
// `log.iostream` (stdout|stderr) and `log.record.original` (the line as printed).

import type { LogRecord, Resource, Scope } from '../core/model.js';
import { extractTraceContext, stripAnsi } from './lines.js';
import { parseSeverity, SeverityNumber } from './severity.js';

/** Builds the record for one line (already split and capped by LineSplitter).
 * Severity: the level the line names; otherwise INFO on stdout and UNSPECIFIED on stderr
 * (see severity.ts for why). `log.record.original` is kept only when the line had ANSI
 * escape codes, so a view can render its colours; otherwise it would duplicate the body. */
export function lineToLogRecord(
  line: string,
  stream: 'stdout' | 'stderr',
  timeNs: bigint,
  resource: Resource,
  scope: Scope,
): LogRecord {
  const body = stripAnsi(line);
  const sev = parseSeverity(body);
  if (sev.severityNumber === SeverityNumber.UNSPECIFIED && stream === 'stdout') {
    sev.severityNumber = SeverityNumber.INFO;
  }
  const attributes: LogRecord['attributes'] = { 'log.iostream': stream };
  if (body !== line) attributes['log.record.original'] = line;
  const record: LogRecord = {
    timeNs,
    observedTimeNs: timeNs,
    severityNumber: sev.severityNumber,
    body,
    attributes,
    resource,
    scope,
    source: stream,
  };
  if (sev.severityText !== undefined) record.severityText = sev.severityText;
  const ctx = extractTraceContext(body);
  if (ctx.traceId) {
    record.traceId = ctx.traceId;
    if (ctx.spanId) record.spanId = ctx.spanId;
  }
  return record;
}
