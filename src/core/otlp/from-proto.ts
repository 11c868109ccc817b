// Binary OTLP → canonical OTLP/JSON, the fast path for traces and logs: one pass over the
// wire bytes straight into the canonical objects, without protobufjs's message objects,
// Longs and byte copies (see wire.ts). It mirrors protobufjs's generated decoders field by
// field — wire-type checks, "last one wins" for scalars and oneofs, merging of repeated
// sub-messages, the recursion limit, skipping of unknown fields — and the reference
// conversion's order of checks (from-proto-reference.ts), so both accept and refuse the
// same bytes and give equal requests; test/unit/otlp-fast-decode.test.ts holds them equal
// on fuzzed input. Metrics (rare, small) still take the reference path.
import { DecodeContext, ItemRejected } from './context.js';
import { bytesToBase64, canonDouble } from './encoding.js';
import { decodeProtobufReference } from './from-proto-reference.js';
import {
  OtlpDecodeError,
  type DecodeOptions,
  type OtlpAnyValue,
  type OtlpKeyValue,
  type OtlpLogRecord,
  type OtlpRequest,
  type OtlpResource,
  type OtlpScope,
  type OtlpSignal,
  type OtlpSpan,
  type OtlpSpanEvent,
  type OtlpSpanLink,
} from './types.js';
import { createReader, enter, lastFixed64, leave, readBytes, readDouble, readFixed32, readFixed64, readHex, readString, readVarint64, skip, type Reader } from './wire.js';

export function decodeProtobuf(signal: OtlpSignal, bytes: Uint8Array, opts?: DecodeOptions): OtlpRequest {
  if (signal === 'metrics') return decodeProtobufReference(signal, bytes, opts);
  const d = new FastDecoder(new DecodeContext(opts), createReader(bytes));
  try {
    return signal === 'traces' ? { resourceSpans: d.request(true) } : { resourceLogs: d.request(false) };
  } catch (e) {
    if (e instanceof OtlpDecodeError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new OtlpDecodeError(`invalid protobuf ${signal === 'traces' ? 'ExportTraceServiceRequest' : 'ExportLogsServiceRequest'}: ${why}`);
  }
}

/** A list of attributes and whether a value in it nests deeper than allowed (the
 * reference fails the request when — and only when — its conversion reaches that list). */
interface Attrs {
  list: OtlpKeyValue[];
  deep: boolean;
}

/** One AnyValue being decoded. protobufjs keeps every member it has seen and names the last
 * one set; a repeated AnyValue field merges into the same object, and a repeated
 * array/kvlist member appends. This keeps the same state without allocating per value. */
class AnyState {
  member = 0;
  str = '';
  bool = false;
  int = '';
  dbl = 0;
  bytes = '';
  arr: OtlpAnyValue[] | undefined;
  arrDeep = false;
  kvl: OtlpKeyValue[] | undefined;
  kvlDeep = false;
  reset(): void {
    this.member = 0;
    this.arr = undefined;
    this.kvl = undefined;
    this.arrDeep = false;
    this.kvlDeep = false;
  }
}
const M_STR = 1;
const M_BOOL = 2;
const M_INT = 3;
const M_DBL = 4;
const M_ARR = 5;
const M_KVL = 6;
const M_BYTES = 7;

class FastDecoder {
  private readonly maxDepth: number;
  /** AnyValue states by protobuf nesting level (at most one live per level). */
  private readonly states: AnyState[] = [];
  /** Whether the value last finished nests too deep (see Attrs). */
  private deep = false;

  constructor(
    private readonly ctx: DecodeContext,
    private readonly r: Reader,
  ) {
    this.maxDepth = ctx.maxDepth;
  }

  /** ExportTraceServiceRequest / ExportLogsServiceRequest: repeated Resource* = 1. */
  request(traces: boolean): never[] {
    const r = this.r;
    const out: unknown[] = [];
    const ctx = this.ctx;
    ctx.push(traces ? 'resourceSpans' : 'resourceLogs');
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      if (t >>> 3 === 1 && u === 2) {
        ctx.push(out.length);
        out.push(this.resourceX(1, traces));
        ctx.pop();
        continue;
      }
      skip(r, u, 0, t >>> 3);
    }
    ctx.pop();
    return out as never[];
  }

  /** ResourceSpans / ResourceLogs: resource = 1, scope_{spans,logs} = 2, schema_url = 3. */
  private resourceX(q: number, traces: boolean): object {
    const r = this.r;
    const ctx = this.ctx;
    const outer = enter(r, q);
    let res: { attrs: Attrs | undefined; dropped: number } | undefined;
    const scopes: object[] = [];
    let schemaUrl = '';
    const scopeField = traces ? 'scopeSpans' : 'scopeLogs';
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          res = this.resourceMsg(q + 1, res);
          continue;
        case 2:
          if (u !== 2) break;
          ctx.push(scopeField);
          ctx.push(scopes.length);
          scopes.push(this.scopeX(q + 1, traces));
          ctx.pop();
          ctx.pop();
          continue;
        case 3:
          if (u !== 2) break;
          schemaUrl = readString(r);
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    const out: Record<string, unknown> = {};
    if (res) {
      const ro: OtlpResource = {};
      if (res.attrs && res.attrs.list.length) ro.attributes = this.attrList(res.attrs, 'resource');
      if (res.dropped) ro.droppedAttributesCount = res.dropped;
      out.resource = ro;
    }
    if (scopes.length) out[scopeField] = scopes;
    if (schemaUrl) out.schemaUrl = schemaUrl;
    return out;
  }

  /** Resource: attributes = 1, dropped_attributes_count = 2 (merged when repeated). */
  private resourceMsg(q: number, prev: { attrs: Attrs | undefined; dropped: number } | undefined) {
    const r = this.r;
    const outer = enter(r, q);
    const m = prev ?? { attrs: undefined as Attrs | undefined, dropped: 0 };
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          m.attrs = this.keyValue(q + 1, m.attrs);
          continue;
        case 2:
          if (u !== 0) break;
          m.dropped = r.uint32();
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    return m;
  }

  /** The reference fails the whole request when a list it converts nests too deep. */
  private attrList(a: Attrs, field: string): OtlpKeyValue[] {
    if (a.deep) this.ctx.fail(`AnyValue nested deeper than ${this.maxDepth} levels`, field);
    return a.list;
  }

  /** ScopeSpans / ScopeLogs: scope = 1, spans/log_records = 2, schema_url = 3. */
  private scopeX(q: number, traces: boolean): object {
    const r = this.r;
    const ctx = this.ctx;
    const outer = enter(r, q);
    let sc: ScopeAcc | undefined;
    const leaves: object[] = [];
    let schemaUrl = '';
    const leafField = traces ? 'spans' : 'logRecords';
    let index = 0;
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          sc = this.scopeMsg(q + 1, sc);
          continue;
        case 2: {
          if (u !== 2) break;
          ctx.push(leafField);
          ctx.push(index++);
          const item = traces ? this.span(q + 1) : this.logRecord(q + 1);
          if (item !== undefined) leaves.push(item);
          ctx.pop();
          ctx.pop();
          continue;
        }
        case 3:
          if (u !== 2) break;
          schemaUrl = readString(r);
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    const out: Record<string, unknown> = {};
    if (sc) {
      const so: OtlpScope = {};
      if (sc.name) so.name = sc.name;
      if (sc.version) so.version = sc.version;
      if (sc.attrs && sc.attrs.list.length) so.attributes = this.attrList(sc.attrs, 'scope');
      if (sc.dropped) so.droppedAttributesCount = sc.dropped;
      out.scope = so;
    }
    if (leaves.length) out[leafField] = leaves;
    if (schemaUrl) out.schemaUrl = schemaUrl;
    return out;
  }

  /** InstrumentationScope: name = 1, version = 2, attributes = 3, dropped = 4. */
  private scopeMsg(q: number, prev: ScopeAcc | undefined): ScopeAcc {
    const r = this.r;
    const outer = enter(r, q);
    const m = prev ?? { name: '', version: '', attrs: undefined, dropped: 0 };
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          m.name = readString(r);
          continue;
        case 2:
          if (u !== 2) break;
          m.version = readString(r);
          continue;
        case 3:
          if (u !== 2) break;
          m.attrs = this.keyValue(q + 1, m.attrs);
          continue;
        case 4:
          if (u !== 0) break;
          m.dropped = r.uint32();
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    return m;
  }

  /** One KeyValue (key = 1, value = 2), appended to `into` (created when undefined). */
  private keyValue(q: number, into: Attrs | undefined, depth = 0): Attrs {
    const r = this.r;
    const outer = enter(r, q);
    let key = '';
    let has = false;
    const st = this.state(q + 1);
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          key = readString(r);
          continue;
        case 2:
          if (u !== 2) break;
          if (!has) st.reset();
          has = true;
          this.anyValue(q + 1, st, depth);
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    let value: OtlpAnyValue = {};
    this.deep = false;
    if (has) value = this.finish(st, depth);
    const a = into ?? { list: [], deep: false };
    a.list.push({ key, value });
    if (this.deep) a.deep = true;
    return a;
  }

  private state(q: number): AnyState {
    let st = this.states[q];
    if (!st) this.states[q] = st = new AnyState();
    return st;
  }

  /** AnyValue fields into `st` (string = 1, bool = 2, int = 3, double = 4, array = 5,
   * kvlist = 6, bytes = 7); the last member set wins. */
  private anyValue(q: number, st: AnyState, depth: number): void {
    const r = this.r;
    const outer = enter(r, q);
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          st.str = readString(r);
          st.member = M_STR;
          continue;
        case 2:
          if (u !== 0) break;
          st.bool = r.bool();
          st.member = M_BOOL;
          continue;
        case 3:
          if (u !== 0) break;
          st.int = readVarint64(r);
          st.member = M_INT;
          continue;
        case 4:
          if (u !== 1) break;
          st.dbl = readDouble(r);
          st.member = M_DBL;
          continue;
        case 5:
          if (u !== 2) break;
          this.arrayValue(q + 1, st, depth);
          st.member = M_ARR;
          continue;
        case 6:
          if (u !== 2) break;
          this.kvlistValue(q + 1, st, depth);
          st.member = M_KVL;
          continue;
        case 7:
          if (u !== 2) break;
          st.bytes = bytesToBase64(readBytes(r));
          st.member = M_BYTES;
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
  }

  /** ArrayValue: values = 1 (each a fresh AnyValue). */
  private arrayValue(q: number, st: AnyState, depth: number): void {
    const r = this.r;
    const outer = enter(r, q);
    const list = (st.arr ??= []);
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      if (t >>> 3 === 1 && u === 2) {
        const inner = this.state(q + 1);
        inner.reset();
        this.anyValue(q + 1, inner, depth + 1);
        this.deep = false;
        list.push(this.finish(inner, depth + 1));
        if (this.deep) st.arrDeep = true;
        continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
  }

  /** KeyValueList: values = 1 (KeyValues). */
  private kvlistValue(q: number, st: AnyState, depth: number): void {
    const r = this.r;
    const outer = enter(r, q);
    let acc: Attrs | undefined = st.kvl ? { list: st.kvl, deep: st.kvlDeep } : undefined;
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      if (t >>> 3 === 1 && u === 2) {
        acc = this.keyValue(q + 1, acc, depth + 1);
        continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    st.kvl = acc ? acc.list : [];
    st.kvlDeep = acc ? acc.deep : false;
  }

  /** The canonical value of a decoded AnyValue; sets `deep` when it nests too deep. */
  private finish(st: AnyState, depth: number): OtlpAnyValue {
    switch (st.member) {
      case M_STR:
        return { stringValue: st.str };
      case M_BOOL:
        return { boolValue: st.bool };
      case M_INT:
        return { intValue: st.int };
      case M_DBL:
        return { doubleValue: canonDouble(st.dbl) };
      case M_ARR:
        if (depth >= this.maxDepth || st.arrDeep) this.deep = true;
        return { arrayValue: { values: st.arr! } };
      case M_KVL:
        if (depth >= this.maxDepth || st.kvlDeep) this.deep = true;
        return { kvlistValue: { values: st.kvl! } };
      case M_BYTES:
        return { bytesValue: st.bytes };
      default:
        return {};
    }
  }

  /** One Span; undefined when only this span is rejected (bad ids, see DecodeOptions). */
  private span(q: number): OtlpSpan | undefined {
    const r = this.r;
    const outer = enter(r, q);
    let traceId = '';
    let spanId = '';
    let traceState = '';
    let parentSpanId = '';
    let flags = 0;
    let name = '';
    let kind = 0;
    let start = '0';
    let end = '0';
    let attrs: Attrs | undefined;
    let dropped = 0;
    const events: EventAcc[] = [];
    let droppedEvents = 0;
    const links: LinkAcc[] = [];
    let droppedLinks = 0;
    let status: { message: string; code: number } | undefined;
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          traceId = readHex(r);
          continue;
        case 2:
          if (u !== 2) break;
          spanId = readHex(r);
          continue;
        case 3:
          if (u !== 2) break;
          traceState = readString(r);
          continue;
        case 4:
          if (u !== 2) break;
          parentSpanId = readHex(r);
          continue;
        case 16:
          if (u !== 5) break;
          flags = readFixed32(r);
          continue;
        case 5:
          if (u !== 2) break;
          name = readString(r);
          continue;
        case 6:
          if (u !== 0) break;
          kind = r.int32();
          continue;
        case 7:
          if (u !== 1) break;
          start = readFixed64(r);
          continue;
        case 8:
          if (u !== 1) break;
          end = readFixed64(r);
          continue;
        case 9:
          if (u !== 2) break;
          attrs = this.keyValue(q + 1, attrs);
          continue;
        case 10:
          if (u !== 0) break;
          dropped = r.uint32();
          continue;
        case 11:
          if (u !== 2) break;
          events.push(this.event(q + 1));
          continue;
        case 12:
          if (u !== 0) break;
          droppedEvents = r.uint32();
          continue;
        case 13:
          if (u !== 2) break;
          links.push(this.link(q + 1));
          continue;
        case 14:
          if (u !== 0) break;
          droppedLinks = r.uint32();
          continue;
        case 15:
          if (u !== 2) break;
          status = this.status(q + 1, status);
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);

    // The reference conversion's checks, in its order (from-proto-reference.ts span()).
    const ctx = this.ctx;
    const depth = ctx.depth;
    try {
      ctx.checkId(traceId, 16, 'traceId', true);
      ctx.checkId(spanId, 8, 'spanId', true);
      const out: OtlpSpan = { traceId, spanId, name, kind, startTimeUnixNano: start, endTimeUnixNano: end };
      if (traceState) out.traceState = traceState;
      if (parentSpanId) {
        out.parentSpanId = parentSpanId;
        ctx.checkId(parentSpanId, 8, 'parentSpanId', false);
      }
      if (flags) out.flags = flags;
      if (attrs && attrs.list.length) out.attributes = this.attrList(attrs, 'attributes');
      if (dropped) out.droppedAttributesCount = dropped;
      if (events.length) {
        const evs: OtlpSpanEvent[] = new Array(events.length);
        for (let i = 0; i < events.length; i++) {
          const e = events[i]!;
          const eo: OtlpSpanEvent = {};
          if (e.time !== undefined) eo.timeUnixNano = e.time;
          if (e.name) eo.name = e.name;
          if (e.attrs && e.attrs.list.length) eo.attributes = this.attrList(e.attrs, 'events');
          if (e.dropped) eo.droppedAttributesCount = e.dropped;
          evs[i] = eo;
        }
        out.events = evs;
      }
      if (droppedEvents) out.droppedEventsCount = droppedEvents;
      if (links.length) {
        ctx.push('links');
        const los: OtlpSpanLink[] = new Array(links.length);
        for (let i = 0; i < links.length; i++) {
          ctx.push(i);
          const l = links[i]!;
          ctx.checkId(l.traceId, 16, 'traceId', true);
          ctx.checkId(l.spanId, 8, 'spanId', true);
          const lo: OtlpSpanLink = { traceId: l.traceId, spanId: l.spanId };
          if (l.traceState) lo.traceState = l.traceState;
          if (l.attrs && l.attrs.list.length) lo.attributes = this.attrList(l.attrs, 'attributes');
          if (l.dropped) lo.droppedAttributesCount = l.dropped;
          if (l.flags) lo.flags = l.flags;
          los[i] = lo;
          ctx.pop();
        }
        ctx.pop();
        out.links = los;
      }
      if (droppedLinks) out.droppedLinksCount = droppedLinks;
      if (status) {
        const so: { message?: string; code?: number } = {};
        if (status.message) so.message = status.message;
        if (status.code) so.code = status.code;
        out.status = so;
      }
      return out;
    } catch (e) {
      return this.rejected(e, depth);
    }
  }

  /** An ItemRejected drops the item (reported); anything else fails the request. */
  private rejected(e: unknown, depth: number): undefined {
    if (!(e instanceof ItemRejected)) throw e;
    this.ctx.rejectItem(e, depth);
    return undefined;
  }

  /** Span.Event: time = 1, name = 2, attributes = 3, dropped = 4. */
  private event(q: number): EventAcc {
    const r = this.r;
    const outer = enter(r, q);
    const e: EventAcc = { time: undefined, name: '', attrs: undefined, dropped: 0 };
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1: {
          if (u !== 1) break;
          const v = readFixed64(r);
          e.time = lastFixed64.lo || lastFixed64.hi ? v : undefined;
          continue;
        }
        case 2:
          if (u !== 2) break;
          e.name = readString(r);
          continue;
        case 3:
          if (u !== 2) break;
          e.attrs = this.keyValue(q + 1, e.attrs);
          continue;
        case 4:
          if (u !== 0) break;
          e.dropped = r.uint32();
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    return e;
  }

  /** Span.Link: trace_id = 1, span_id = 2, trace_state = 3, attributes = 4, dropped = 5, flags = 6. */
  private link(q: number): LinkAcc {
    const r = this.r;
    const outer = enter(r, q);
    const l: LinkAcc = { traceId: '', spanId: '', traceState: '', attrs: undefined, dropped: 0, flags: 0 };
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          l.traceId = readHex(r);
          continue;
        case 2:
          if (u !== 2) break;
          l.spanId = readHex(r);
          continue;
        case 3:
          if (u !== 2) break;
          l.traceState = readString(r);
          continue;
        case 4:
          if (u !== 2) break;
          l.attrs = this.keyValue(q + 1, l.attrs);
          continue;
        case 5:
          if (u !== 0) break;
          l.dropped = r.uint32();
          continue;
        case 6:
          if (u !== 5) break;
          l.flags = readFixed32(r);
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    return l;
  }

  /** Status: message = 2, code = 3 (merged when repeated). */
  private status(q: number, prev: { message: string; code: number } | undefined) {
    const r = this.r;
    const outer = enter(r, q);
    const s = prev ?? { message: '', code: 0 };
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 2:
          if (u !== 2) break;
          s.message = readString(r);
          continue;
        case 3:
          if (u !== 0) break;
          s.code = r.int32();
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    return s;
  }

  /** One LogRecord; undefined when only this record is rejected (bad ids). */
  private logRecord(q: number): OtlpLogRecord | undefined {
    const r = this.r;
    const outer = enter(r, q);
    let time: string | undefined;
    let observed: string | undefined;
    let severity = 0;
    let severityText = '';
    let hasBody = false;
    let bodyValue: OtlpAnyValue = {};
    let bodyDeep = false;
    let attrs: Attrs | undefined;
    let dropped = 0;
    let flags = 0;
    let traceId = '';
    let spanId = '';
    let eventName = '';
    const st = this.state(q + 1);
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1: {
          if (u !== 1) break;
          const v = readFixed64(r);
          time = lastFixed64.lo || lastFixed64.hi ? v : undefined;
          continue;
        }
        case 11: {
          if (u !== 1) break;
          const v = readFixed64(r);
          observed = lastFixed64.lo || lastFixed64.hi ? v : undefined;
          continue;
        }
        case 2:
          if (u !== 0) break;
          severity = r.int32();
          continue;
        case 3:
          if (u !== 2) break;
          severityText = readString(r);
          continue;
        case 5:
          if (u !== 2) break;
          if (!hasBody) st.reset();
          hasBody = true;
          this.anyValue(q + 1, st, 0);
          continue;
        case 6:
          if (u !== 2) break;
          attrs = this.keyValue(q + 1, attrs);
          continue;
        case 7:
          if (u !== 0) break;
          dropped = r.uint32();
          continue;
        case 8:
          if (u !== 5) break;
          flags = readFixed32(r);
          continue;
        case 9:
          if (u !== 2) break;
          traceId = readHex(r);
          continue;
        case 10:
          if (u !== 2) break;
          spanId = readHex(r);
          continue;
        case 12:
          if (u !== 2) break;
          eventName = readString(r);
          continue;
      }
      skip(r, u, q, t >>> 3);
    }
    leave(r, outer);
    if (hasBody) {
      this.deep = false;
      bodyValue = this.finish(st, 0);
      bodyDeep = this.deep;
    }

    // The reference conversion's order (from-proto-reference.ts logRecord()).
    const ctx = this.ctx;
    const depth = ctx.depth;
    try {
      const out: OtlpLogRecord = {};
      if (time !== undefined) out.timeUnixNano = time;
      if (observed !== undefined) out.observedTimeUnixNano = observed;
      if (severity) out.severityNumber = severity;
      if (severityText) out.severityText = severityText;
      if (hasBody) {
        if (bodyDeep) ctx.fail(`AnyValue nested deeper than ${this.maxDepth} levels`, 'body');
        out.body = bodyValue;
      }
      if (attrs && attrs.list.length) out.attributes = this.attrList(attrs, 'attributes');
      if (dropped) out.droppedAttributesCount = dropped;
      if (flags) out.flags = flags;
      if (traceId) {
        out.traceId = traceId;
        ctx.checkId(traceId, 16, 'traceId', false);
      }
      if (spanId) {
        out.spanId = spanId;
        ctx.checkId(spanId, 8, 'spanId', false);
      }
      if (eventName) out.eventName = eventName;
      return out;
    } catch (e) {
      return this.rejected(e, depth);
    }
  }
}

interface ScopeAcc {
  name: string;
  version: string;
  attrs: Attrs | undefined;
  dropped: number;
}
interface EventAcc {
  time: string | undefined;
  name: string;
  attrs: Attrs | undefined;
  dropped: number;
}
interface LinkAcc {
  traceId: string;
  spanId: string;
  traceState: string;
  attrs: Attrs | undefined;
  dropped: number;
  flags: number;
}
