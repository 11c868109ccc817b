// Binary OTLP → canonical OTLP/JSON, the fast path for traces and logs: one pass over the
// wire bytes straight into the canonical objects, without protobufjs's message objects,
// Longs and byte copies (see wire.ts). It mirrors protobufjs's generated decoders field by
// field — wire-type checks, "last one wins" for scalars and oneofs, merging of repeated
// sub-messages, the recursion limit, skipping of unknown fields — and the reference
// conversion's order of checks (from-proto-reference.ts), so both accept and refuse the
// same bytes and give equal requests; test/unit/otlp-fast-decode.test.ts holds them equal
// on fuzzed input. Metrics (rare, small) still take the reference path. The envelopes,
// attributes and AnyValues are decoded by the base class in wire-decoder.ts.
import { DecodeContext } from './context.js';
import { WireDecoder, type Attrs } from './wire-decoder.js';
import { decodeProtobufReference } from './from-proto-reference.js';
import {
  OtlpDecodeError,
  type DecodeOptions,
  type OtlpAnyValue,
  type OtlpLogRecord,
  type OtlpRequest,
  type OtlpSignal,
  type OtlpSpan,
  type OtlpSpanEvent,
  type OtlpSpanLink,
} from './types.js';
import { SpanOut } from './span-out.js';
import { beginSpanTimes, finishSpanTimes, recordSpanTimes } from './span-times.js';
import { createReader, enter, lastFixed64, lastTime, leave, readFixed32, readHex, readString, readTime, releaseBody, skip } from './wire.js';

export function decodeProtobuf(signal: OtlpSignal, bytes: Uint8Array, opts?: DecodeOptions): OtlpRequest {
  if (signal === 'metrics') return decodeProtobufReference(signal, bytes, opts);
  const d = new FastDecoder(new DecodeContext(opts), createReader(bytes));
  try {
    if (signal === 'logs') return { resourceLogs: d.request(false) };
    beginSpanTimes();
    const req = { resourceSpans: d.request(true) };
    finishSpanTimes(req);
    return req;
  } catch (e) {
    if (e instanceof OtlpDecodeError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new OtlpDecodeError(`invalid protobuf ${signal === 'traces' ? 'ExportTraceServiceRequest' : 'ExportLogsServiceRequest'}: ${why}`);
  } finally {
    releaseBody();
  }
}

class FastDecoder extends WireDecoder {
  /** One Span; undefined when only this span is rejected (bad ids, see DecodeOptions). */
  protected span(q: number): OtlpSpan | undefined {
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
    let startS = 0;
    let startNs = 0;
    let endS = 0;
    let endNs = 0;
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
          start = readTime(r);
          startS = lastTime.s;
          startNs = lastTime.ns;
          continue;
        case 8:
          if (u !== 1) break;
          end = readTime(r);
          endS = lastTime.s;
          endNs = lastTime.ns;
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
      const out: OtlpSpan = new SpanOut(traceId, spanId, name, kind, start, end, 0);
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
      recordSpanTimes(start, startS, startNs, end, endS, endNs);
      return out;
    } catch (e) {
      return this.rejected(e, depth);
    }
  }

  /** Span.Event: time = 1, name = 2, attributes = 3, dropped = 4. */
  protected event(q: number): EventAcc {
    const r = this.r;
    const outer = enter(r, q);
    const e: EventAcc = { time: undefined, name: '', attrs: undefined, dropped: 0 };
    while (r.pos < r.len) {
      const t = r.tag();
      const u = t & 7;
      switch (t >>> 3) {
        case 1: {
          if (u !== 1) break;
          const v = readTime(r);
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
  protected link(q: number): LinkAcc {
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
  protected status(q: number, prev: { message: string; code: number } | undefined) {
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
  protected logRecord(q: number): OtlpLogRecord | undefined {
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
          const v = readTime(r);
          time = lastFixed64.lo || lastFixed64.hi ? v : undefined;
          continue;
        }
        case 11: {
          if (u !== 1) break;
          const v = readTime(r);
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
