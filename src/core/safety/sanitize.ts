// One pass over a canonical OTLP request (src/core/otlp/types.ts) that applies the redaction
// rules and the per-item capture limits, in place. It runs on ingest, before the request is
// normalized, stored, written to the bundle or forwarded, so all of them see the same data.
// The request is ours (freshly decoded), so mutating its lists and items avoids a copy of
// every batch; KeyValue pairs and scalar AnyValues are replaced, never changed, because the
// protobuf decoder shares them (src/core/otlp/shared-values.ts).
import type {
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpMetric,
  OtlpRequest,
} from '../otlp/types.js';
import { REDACTED, Redactor } from './redact.js';
import { truncationMarker, type CaptureLimits } from './limits.js';

export interface SanitizeStats {
  truncatedValues: number;
  truncatedLists: number;
  droppedAttributes: number;
}

export interface SanitizePolicy {
  redactor: Redactor;
  limits: CaptureLimits;
}

/** Counters shared across the requests of one run. */
export function emptySanitizeStats(): SanitizeStats {
  return { truncatedValues: 0, truncatedLists: 0, droppedAttributes: 0 };
}

class Walker {
  constructor(
    private readonly p: SanitizePolicy,
    private readonly stats: SanitizeStats,
  ) {}

  text(s: string, max: number): string {
    let out = this.p.redactor.maskText(s);
    if (out.length > max) {
      // The marker fits inside `max`, so sanitizing a sanitized value changes nothing (an
      // imported bundle is sanitized again and must stay the same).
      const cut = safeCut(out, Math.max(0, max - truncationMarker(out.length).length));
      this.stats.truncatedValues++;
      out = out.slice(0, cut) + truncationMarker(out.length - cut);
    }
    return out;
  }

  value(v: OtlpAnyValue, maxList: number, maxStr = this.p.limits.maxValueLength): OtlpAnyValue {
    if ('stringValue' in v) {
      const s = this.text(v.stringValue, maxStr);
      return s === v.stringValue ? v : { stringValue: s };
    }
    if ('arrayValue' in v) {
      let values = v.arrayValue.values ?? [];
      if (values.length > maxList) {
        this.stats.truncatedLists++;
        values = values.slice(0, maxList);
      }
      v.arrayValue.values = values.map((x) => this.value(x, this.p.limits.maxListLength));
      return v;
    }
    if ('kvlistValue' in v) {
      let values = v.kvlistValue.values ?? [];
      if (values.length > this.p.limits.maxMapLength) {
        this.stats.truncatedLists++;
        values = values.slice(0, this.p.limits.maxMapLength);
      }
      v.kvlistValue.values = values.map((kv) => this.entry(kv));
      return v;
    }
    return v;
  }

  entry(kv: OtlpKeyValue): OtlpKeyValue {
    if (this.p.redactor.isSecretKey(kv.key)) {
      const already = 'stringValue' in kv.value && kv.value.stringValue === REDACTED;
      if (!already) this.p.redactor.stats.redactedKeys++;
      return { key: kv.key, value: { stringValue: REDACTED } };
    }
    const maxList = this.p.limits.planListKeys.includes(kv.key) ? this.p.limits.maxPlanListLength : this.p.limits.maxListLength;
    // A new pair when the value changes: the protobuf decoder shares KeyValue objects
    // between items (shared-values.ts), so one must never be changed in place.
    const value = this.value(kv.value ?? {}, maxList);
    return value === kv.value ? kv : { key: kv.key, value };
  }

  /** Sanitized attributes; the number dropped over the count limit is added to the holder. */
  attrs<T extends { attributes?: OtlpKeyValue[]; droppedAttributesCount?: number }>(holder: T | undefined, key: 'attributes' = 'attributes'): void {
    if (!holder) return;
    const list = holder[key];
    if (!list || list.length === 0) return;
    const max = this.p.limits.maxAttributes;
    let kept = list;
    if (list.length > max) {
      const extra = list.length - max;
      kept = list.slice(0, max);
      holder.droppedAttributesCount = (holder.droppedAttributesCount ?? 0) + extra;
      this.stats.droppedAttributes += extra;
    }
    holder[key] = kept.map((kv) => this.entry(kv));
  }

  metric(m: OtlpMetric): void {
    const groups = [m.gauge?.dataPoints, m.sum?.dataPoints, m.histogram?.dataPoints, m.exponentialHistogram?.dataPoints, m.summary?.dataPoints];
    for (const points of groups) {
      for (const pt of points ?? []) {
        this.attrs(pt);
        const ex = (pt as { exemplars?: { filteredAttributes?: OtlpKeyValue[] }[] }).exemplars;
        for (const e of ex ?? []) {
          if (e.filteredAttributes) e.filteredAttributes = e.filteredAttributes.slice(0, this.p.limits.maxAttributes).map((kv) => this.entry(kv));
        }
      }
    }
    if (m.metadata) m.metadata = m.metadata.slice(0, this.p.limits.maxAttributes).map((kv) => this.entry(kv));
  }
}

/** Applies redaction and per-item limits to `req` in place and returns it. */
export function sanitizeRequest(req: OtlpRequest, policy: SanitizePolicy, stats: SanitizeStats = emptySanitizeStats()): OtlpRequest {
  const w = new Walker(policy, stats);
  const maxBody = policy.limits.maxBodyLength;
  for (const rs of req.resourceSpans ?? []) {
    w.attrs(rs.resource);
    for (const ss of rs.scopeSpans ?? []) {
      w.attrs(ss.scope);
      for (const s of ss.spans ?? []) {
        w.attrs(s);
        for (const e of s.events ?? []) w.attrs(e);
        for (const l of s.links ?? []) w.attrs(l);
        if (s.status?.message) s.status.message = w.text(s.status.message, policy.limits.maxValueLength);
      }
    }
  }
  for (const rl of req.resourceLogs ?? []) {
    w.attrs(rl.resource);
    for (const sl of rl.scopeLogs ?? []) {
      w.attrs(sl.scope);
      for (const l of sl.logRecords ?? []) {
        w.attrs(l);
        if (l.body) l.body = w.value(l.body, policy.limits.maxListLength, maxBody);
      }
    }
  }
  for (const rm of req.resourceMetrics ?? []) {
    w.attrs(rm.resource);
    for (const sm of rm.scopeMetrics ?? []) {
      w.attrs(sm.scope);
      for (const m of sm.metrics ?? []) w.metric(m);
    }
  }
  return req;
}

/** Spans, log records and metric data points in a request. */
export function countItems(req: OtlpRequest): { spans: number; logs: number; metrics: number } {
  let spans = 0;
  let logs = 0;
  let metrics = 0;
  for (const rs of req.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
  for (const rl of req.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) logs += sl.logRecords?.length ?? 0;
  for (const rm of req.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        metrics +=
          (m.gauge?.dataPoints?.length ?? 0) +
          (m.sum?.dataPoints?.length ?? 0) +
          (m.histogram?.dataPoints?.length ?? 0) +
          (m.exponentialHistogram?.dataPoints?.length ?? 0) +
          (m.summary?.dataPoints?.length ?? 0);
      }
    }
  }
  return { spans, logs, metrics };
}

/** Do not cut a UTF-16 surrogate pair in half. */
function safeCut(s: string, max: number): number {
  if (max <= 0) return 0;
  const c = s.charCodeAt(max - 1);
  return c >= 0xd800 && c <= 0xdbff ? max - 1 : max;
}
