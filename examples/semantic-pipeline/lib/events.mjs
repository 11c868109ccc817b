// How the pipeline reports: events as OTel log records plus a span-event copy
// (codeanatomy-telemetry.md §3), and Python-logging-style stderr lines (§5).
import { SeverityNumber } from '@opentelemetry/api-logs';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { toAttributes } from './payload.mjs';

const SEVERITY = {
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARNING: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
};

// Python's logging asctime: "2026-02-14 10:23:45,123" in local time.
export function asctime(d = new Date()) {
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

export class Reporter {
  /**
   * @param {{ telemetry: ReturnType<import('./telemetry.mjs').startTelemetry>, runId: string,
   *           stderr?: (line: string) => void }} opts
   */
  constructor({ telemetry, runId, stderr }) {
    this.runId = runId;
    this.telemetry = telemetry;
    this.diagnostics = telemetry.logger('codeanatomy.diagnostics');
    this.loggers = new Map();
    this.write = stderr ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /**
   * Emits an event: an INFO log record (body and eventName = the event name) and,
   * when a span is recording in ctx, a span event with the same attributes.
   * Never throws: a telemetry problem must not change the build.
   */
  event(name, payload, ctx, { kind = 'event', withRunId = true, stderr = false } = {}) {
    try {
      const attributes = { 'event.name': name, 'event.kind': kind, ...toAttributes(payload) };
      if (withRunId) attributes['codeanatomy.run_id'] = this.runId;
      this.diagnostics.emit({
        eventName: name,
        body: name,
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        attributes,
        context: ctx,
      });
      const span = trace.getSpan(ctx);
      if (span?.isRecording()) span.addEvent(name, attributes);
      // What the real pipeline shows on stderr for an event: the name only.
      if (stderr) this.write(`INFO:codeanatomy.diagnostics:${name}`);
    } catch {
      /* ignore */
    }
  }

  /** A correlated log line: `<asctime> <LEVEL> [trace_id=… span_id=…] <logger>: <message>`, also as an OTel log record. */
  log(level, loggerName, message, ctx) {
    const sc = ctx ? trace.getSpanContext(ctx) : undefined;
    const valid = sc && isSpanContextValid(sc);
    const ids = `[trace_id=${valid ? sc.traceId : 'None'} span_id=${valid ? sc.spanId : 'None'}]`;
    this.write(`${asctime()} ${level} ${ids} ${loggerName}: ${message}`);
    try {
      let logger = this.loggers.get(loggerName);
      if (!logger) {
        logger = this.telemetry.logger(loggerName);
        this.loggers.set(loggerName, logger);
      }
      logger.emit({
        severityNumber: SEVERITY[level] ?? SeverityNumber.INFO,
        severityText: level,
        body: message,
        attributes: { 'codeanatomy.run_id': this.runId },
        context: ctx,
      });
    } catch {
      /* ignore */
    }
  }

  /** A raw stderr line (Python's default `LEVEL:logger:message` format, tracebacks). */
  raw(line) {
    this.write(line);
  }
}
