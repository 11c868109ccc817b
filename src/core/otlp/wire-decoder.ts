// The shared half of the fast OTLP protobuf decoder (from-proto.ts): the request, resource
// and scope envelopes, attributes and AnyValues. The signal's own items (spans, log records)
// are decoded by the subclass in from-proto.ts.
import type { DecodeContext } from './context.js';
import { ItemRejected } from './context.js';
import { bytesToBase64, canonDouble } from './encoding.js';
import type { OtlpAnyValue, OtlpKeyValue, OtlpLogRecord, OtlpResource, OtlpScope, OtlpSpan } from './types.js';
import { boolKv, boolValue, intKv, stringKv, stringValue } from './shared-values.js';
import { enter, i64Decimal, lastString, lastVarint, leave, readBytes, readDouble, readString, readVarint64Parts, skip, type Reader } from './wire.js';

/** A list of attributes and whether a value in it nests deeper than allowed (the
 * reference fails the request when — and only when — its conversion reaches that list). */
export interface Attrs {
  list: OtlpKeyValue[];
  deep: boolean;
}

/** One AnyValue being decoded. protobufjs keeps every member it has seen and names the last
 * one set; a repeated AnyValue field merges into the same object, and a repeated
 * array/kvlist member appends. This keeps the same state without allocating per value. */
export class AnyState {
  member = 0;
  str = '';
  /** The intern slot of `str` (wire.ts lastString). */
  strSlot = -1;
  bool = false;
  /** An int64 as two int32 halves. */
  intLo = 0;
  intHi = 0;
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
export const M_STR = 1;
export const M_BOOL = 2;
export const M_INT = 3;
export const M_DBL = 4;
export const M_ARR = 5;
export const M_KVL = 6;
export const M_BYTES = 7;

export abstract class WireDecoder {
  protected readonly maxDepth: number;
  /** AnyValue states by protobuf nesting level (at most one live per level). */
  protected readonly states: AnyState[] = [];
  /** Whether the value last finished nests too deep (see Attrs). */
  protected deep = false;

  constructor(
    protected readonly ctx: DecodeContext,
    protected readonly r: Reader,
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
  protected resourceX(q: number, traces: boolean): object {
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
  protected resourceMsg(q: number, prev: { attrs: Attrs | undefined; dropped: number } | undefined) {
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
  protected attrList(a: Attrs, field: string): OtlpKeyValue[] {
    if (a.deep) this.ctx.fail(`AnyValue nested deeper than ${this.maxDepth} levels`, field);
    return a.list;
  }

  /** ScopeSpans / ScopeLogs: scope = 1, spans/log_records = 2, schema_url = 3. */
  protected scopeX(q: number, traces: boolean): object {
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
  protected scopeMsg(q: number, prev: ScopeAcc | undefined): ScopeAcc {
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

  /** One KeyValue (key = 1, value = 2), appended to `into` (created when undefined).
   * Scalar pairs seen before are shared objects (shared-values.ts). */
  protected keyValue(q: number, into: Attrs | undefined, depth = 0): Attrs {
    const r = this.r;
    const outer = enter(r, q);
    let key = '';
    let keySlot = -1;
    let has = false;
    const st = this.state(q + 1);
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          key = readString(r);
          keySlot = lastString.slot;
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
    this.deep = false;
    let kv: OtlpKeyValue;
    if (!has) kv = { key, value: {} };
    else if (st.member === M_STR) kv = stringKv(key, keySlot, st.str, st.strSlot);
    else if (st.member === M_INT) kv = intKv(key, keySlot, st.intLo, st.intHi);
    else if (st.member === M_BOOL) kv = boolKv(key, keySlot, st.bool);
    else kv = { key, value: this.finish(st, depth) };
    const a = into ?? { list: [], deep: false };
    a.list.push(kv);
    if (this.deep) a.deep = true;
    return a;
  }

  protected state(q: number): AnyState {
    let st = this.states[q];
    if (!st) this.states[q] = st = new AnyState();
    return st;
  }

  /** AnyValue fields into `st` (string = 1, bool = 2, int = 3, double = 4, array = 5,
   * kvlist = 6, bytes = 7); the last member set wins. */
  protected anyValue(q: number, st: AnyState, depth: number): void {
    const r = this.r;
    const outer = enter(r, q);
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1:
          if (u !== 2) break;
          st.str = readString(r);
          st.strSlot = lastString.slot;
          st.member = M_STR;
          continue;
        case 2:
          if (u !== 0) break;
          st.bool = r.bool();
          st.member = M_BOOL;
          continue;
        case 3:
          if (u !== 0) break;
          readVarint64Parts(r);
          st.intLo = lastVarint.lo;
          st.intHi = lastVarint.hi;
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
  protected arrayValue(q: number, st: AnyState, depth: number): void {
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
  protected kvlistValue(q: number, st: AnyState, depth: number): void {
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
  protected finish(st: AnyState, depth: number): OtlpAnyValue {
    switch (st.member) {
      case M_STR:
        return stringValue(st.str, st.strSlot);
      case M_BOOL:
        return boolValue(st.bool);
      case M_INT:
        return { intValue: i64Decimal(st.intLo, st.intHi) };
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
  protected abstract span(q: number): OtlpSpan | undefined;
  /** One LogRecord; undefined when only this record is rejected (bad ids). */
  protected abstract logRecord(q: number): OtlpLogRecord | undefined;

  /** An ItemRejected drops the item (reported); anything else fails the request. */
  protected rejected(e: unknown, depth: number): undefined {
    if (!(e instanceof ItemRejected)) throw e;
    this.ctx.rejectItem(e, depth);
    return undefined;
  }
}

export interface ScopeAcc {
  name: string;
  version: string;
  attrs: Attrs | undefined;
  dropped: number;
}
