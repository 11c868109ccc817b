// Our own records → canonical OTLP/JSON, so stdout/stderr lines and imported spans are
// written to the run bundle in the same form as everything the receiver got.
// Records are grouped by their resource and scope *objects* (reference identity, as
// normalize shares them), keeping first-seen order. normalize(x-to-otlp(records)) gives
// back equal records (tested), with two caveats inherent to the model: an integer
// attribute that arrived as a double (5.0) comes back as an int, and a LogRecord's
// `source` is not an OTLP field (normalize always says 'otlp').
import type { AttrMap, AttrValue, LogRecord, Resource, Scope, Span } from '../model.js';
import { bytesToBase64, canonDouble } from './encoding.js';
import type {
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpLogRecord,
  OtlpRequest,
  OtlpResource,
  OtlpResourceLogs,
  OtlpResourceSpans,
  OtlpScope,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpSpanLink,
} from './types.js';

export function logsToOtlp(records: readonly LogRecord[]): OtlpRequest {
  const groups = group(records);
  const resourceLogs: OtlpResourceLogs[] = groups.map(([resource, scopes]) => {
    const rl: OtlpResourceLogs = { resource: fromResource(resource) };
    rl.scopeLogs = scopes.map(([scope, recs]) => {
      const sl: { scope: OtlpScope; logRecords: OtlpLogRecord[]; schemaUrl?: string } = {
        scope: fromScope(scope),
        logRecords: recs.map(fromLog),
      };
      if (scope.schemaUrl) sl.schemaUrl = scope.schemaUrl;
      return sl;
    });
    if (resource.schemaUrl) rl.schemaUrl = resource.schemaUrl;
    return rl;
  });
  return { resourceLogs };
}

export function spansToOtlp(spans: readonly Span[]): OtlpRequest {
  const groups = group(spans);
  const resourceSpans: OtlpResourceSpans[] = groups.map(([resource, scopes]) => {
    const rs: OtlpResourceSpans = { resource: fromResource(resource) };
    rs.scopeSpans = scopes.map(([scope, items]) => {
      const ss: { scope: OtlpScope; spans: OtlpSpan[]; schemaUrl?: string } = {
        scope: fromScope(scope),
        spans: items.map(fromSpan),
      };
      if (scope.schemaUrl) ss.schemaUrl = scope.schemaUrl;
      return ss;
    });
    if (resource.schemaUrl) rs.schemaUrl = resource.schemaUrl;
    return rs;
  });
  return { resourceSpans };
}

/** Resource → scope → items, by object identity, in first-seen order. */
function group<T extends { resource: Resource; scope: Scope }>(items: readonly T[]): [Resource, [Scope, T[]][]][] {
  const byResource = new Map<Resource, Map<Scope, T[]>>();
  for (const it of items) {
    let scopes = byResource.get(it.resource);
    if (!scopes) byResource.set(it.resource, (scopes = new Map()));
    let list = scopes.get(it.scope);
    if (!list) scopes.set(it.scope, (list = []));
    list.push(it);
  }
  return [...byResource].map(([r, scopes]) => [r, [...scopes]]);
}

export function fromAttrMap(m: AttrMap): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const key of Object.keys(m)) out.push({ key, value: fromAttrValue(m[key]!) });
  return out;
}

/** The inverse of normalize's AttrValue mapping. Numbers that are integers become
 * intValue (normalize turned safe int64s into numbers); other numbers doubleValue. */
export function fromAttrValue(v: AttrValue): OtlpAnyValue {
  if (v === null || v === undefined) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? { intValue: String(v) } : { doubleValue: canonDouble(v) };
  if (v instanceof Uint8Array) return { bytesValue: bytesToBase64(v) };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(fromAttrValue) } };
  return { kvlistValue: { values: fromAttrMap(v) } };
}

function putAttrs(out: { attributes?: OtlpKeyValue[] }, m: AttrMap | undefined): void {
  if (m && Object.keys(m).length) out.attributes = fromAttrMap(m);
}

function fromResource(r: Resource): OtlpResource {
  const out: OtlpResource = {};
  putAttrs(out, r.attributes);
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  return out;
}

function fromScope(s: Scope): OtlpScope {
  const out: OtlpScope = {};
  if (s.name) out.name = s.name;
  if (s.version) out.version = s.version;
  putAttrs(out, s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  return out;
}

function fromLog(l: LogRecord): OtlpLogRecord {
  const out: OtlpLogRecord = {};
  if (l.timeNs) out.timeUnixNano = l.timeNs.toString();
  if (l.observedTimeNs) out.observedTimeUnixNano = l.observedTimeNs.toString();
  if (l.severityNumber) out.severityNumber = l.severityNumber;
  if (l.severityText) out.severityText = l.severityText;
  if (l.body !== null && l.body !== undefined) out.body = fromAttrValue(l.body);
  putAttrs(out, l.attributes);
  if (l.droppedAttributesCount) out.droppedAttributesCount = l.droppedAttributesCount;
  if (l.flags) out.flags = l.flags;
  if (l.traceId) out.traceId = l.traceId;
  if (l.spanId) out.spanId = l.spanId;
  if (l.eventName) out.eventName = l.eventName;
  return out;
}

function fromSpan(s: Span): OtlpSpan {
  const out: OtlpSpan = {
    traceId: s.traceId,
    spanId: s.spanId,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: s.startNs.toString(),
    endTimeUnixNano: s.endNs.toString(),
  };
  if (s.traceState) out.traceState = s.traceState;
  if (s.parentSpanId) out.parentSpanId = s.parentSpanId;
  if (s.flags) out.flags = s.flags;
  putAttrs(out, s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.events.length) {
    out.events = s.events.map((e) => {
      const eo: OtlpSpanEvent = {};
      if (e.timeNs) eo.timeUnixNano = e.timeNs.toString();
      if (e.name) eo.name = e.name;
      putAttrs(eo, e.attributes);
      if (e.droppedAttributesCount) eo.droppedAttributesCount = e.droppedAttributesCount;
      return eo;
    });
  }
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.links.length) {
    out.links = s.links.map((l) => {
      const lo: OtlpSpanLink = { traceId: l.traceId, spanId: l.spanId };
      if (l.traceState) lo.traceState = l.traceState;
      putAttrs(lo, l.attributes);
      if (l.droppedAttributesCount) lo.droppedAttributesCount = l.droppedAttributesCount;
      if (l.flags) lo.flags = l.flags;
      return lo;
    });
  }
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  if (s.status.code || s.status.message) {
    out.status = {};
    if (s.status.message) out.status.message = s.status.message;
    if (s.status.code) out.status.code = s.status.code;
  }
  return out;
}
