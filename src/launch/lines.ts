// Turning a child's stdout/stderr byte stream into text lines, plus the small parsers that
// read trace context and severity out of a line. Output is untrusted: bounded memory per
// line, invalid UTF-8 and NUL bytes never reach the model as such.

const LF = 0x0a;
const CR = 0x0d;

/** NUL is replaced by U+2400 (SYMBOL FOR NULL), visibly distinct from U+FFFD (bad UTF-8). */
const NUL_REPLACEMENT = '\u2400';

export interface LineSplitterOptions {
  /** Bytes kept per line; the rest is dropped and counted in the marker. Default 64 KiB. */
  maxLineBytes?: number;
}

/** Splits a byte stream on LF. A trailing CR is stripped (CRLF). A partial line is kept
 * until the next chunk (or flush). Lines are decoded as a whole, so a multi-byte UTF-8
 * character split across chunks decodes correctly (LF, 0x0A, never occurs inside one).
 * A line longer than maxLineBytes keeps its first maxLineBytes bytes (cut at a character
 * boundary) plus ` …[truncated N bytes]`, and never holds more than the cap in memory. */
export class LineSplitter {
  private readonly max: number;
  private parts: Buffer[] = [];
  private kept = 0;
  private dropped = 0;
  /** Last byte of the current line, kept or dropped, to detect CRLF after truncation. */
  private lastByte = -1;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(opts?: LineSplitterOptions) {
    this.max = Math.max(4, Math.floor(opts?.maxLineBytes ?? 64 * 1024));
  }

  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(LF, pos);
      const end = nl < 0 ? chunk.length : nl;
      this.append(chunk.subarray(pos, end));
      if (nl < 0) break;
      out.push(this.finishLine());
      pos = nl + 1;
    }
    return out;
  }

  /** Emits the pending partial line, if any (call at end of stream). */
  flush(): string[] {
    if (this.kept === 0 && this.dropped === 0) return [];
    return [this.finishLine()];
  }

  private append(seg: Buffer): void {
    if (seg.length === 0) return;
    this.lastByte = seg[seg.length - 1]!;
    const room = this.max - this.kept;
    if (room >= seg.length) {
      // Copy: the caller may reuse its chunk buffer.
      this.parts.push(Buffer.from(seg));
      this.kept += seg.length;
      return;
    }
    if (room > 0) {
      this.parts.push(Buffer.from(seg.subarray(0, room)));
      this.kept += room;
    }
    this.dropped += seg.length - Math.max(0, room);
  }

  private finishLine(): string {
    let bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.kept);
    let dropped = this.dropped;
    const endedWithCr = this.lastByte === CR;
    this.parts = [];
    this.kept = 0;
    this.dropped = 0;
    this.lastByte = -1;
    if (endedWithCr) {
      if (dropped > 0) dropped -= 1;
      else bytes = bytes.subarray(0, bytes.length - 1);
    }
    if (dropped > 0) {
      // Do not cut a multi-byte character in half: drop an incomplete trailing sequence.
      const cut = completeUtf8Prefix(bytes);
      dropped += bytes.length - cut;
      bytes = bytes.subarray(0, cut);
    }
    let text = this.decoder.decode(bytes);
    if (text.includes('\0')) text = text.replaceAll('\0', NUL_REPLACEMENT);
    return dropped > 0 ? `${text} …[truncated ${dropped} bytes]` : text;
  }
}

/** Length of `bytes` without a trailing incomplete UTF-8 sequence (a lead byte followed by
 * fewer continuation bytes than it announces). */
function completeUtf8Prefix(bytes: Buffer): number {
  const n = bytes.length;
  let back = 0;
  while (back < 3 && n - back - 1 >= 0 && (bytes[n - back - 1]! & 0xc0) === 0x80) back++;
  const lead = n - back - 1;
  if (lead < 0) return n;
  const b = bytes[lead]!;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return need > back + 1 ? lead : n;
}

// Per ECMA-48 / ISO 2022: CSI (ESC [ … final, or the 8-bit 0x9B form), OSC (ESC ] … BEL or
// ESC \), nF escapes (ESC, intermediates 0x20–0x2F, final — e.g. charset `ESC ( B`), and
// the remaining two-byte escapes (ESC + 0x30–0x7E).
// eslint-disable-next-line no-control-regex
const ANSI_RE = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]+[0-~]|\x1b[0-~]/g;

export function stripAnsi(s: string): string {
  return s.includes('\x1b') || s.includes('\x9b') ? s.replace(ANSI_RE, '') : s;
}

export function hasAnsi(s: string): boolean {
  return s !== stripAnsi(s);
}

export interface LineTraceContext {
  traceId?: string;
  spanId?: string;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

function cleanId(v: unknown, len: 32 | 16): string | undefined {
  if (typeof v !== 'string' || v.length !== len || !/^[0-9a-fA-F]+$/.test(v)) return undefined;
  const id = v.toLowerCase();
  return id === (len === 32 ? ZERO_TRACE : ZERO_SPAN) ? undefined : id;
}

/** JSON log lines above this size are not parsed for ids/levels (cost bound). */
const MAX_JSON_PARSE = 256 * 1024;

function parseJsonObject(line: string): Record<string, unknown> | undefined {
  const t = line.trim();
  if (t.length > MAX_JSON_PARSE || !t.startsWith('{') || !t.endsWith('}')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A field by flat key ("trace.id") or by nested path ({ trace: { id } }). */
function pick(obj: Record<string, unknown>, keys: string[]): unknown {
  for (const key of keys) {
    if (key in obj) return obj[key];
    const dot = key.indexOf('.');
    if (dot > 0) {
      const inner = obj[key.slice(0, dot)];
      if (inner && typeof inner === 'object' && key.slice(dot + 1) in inner) {
        return (inner as Record<string, unknown>)[key.slice(dot + 1)];
      }
    }
  }
  return undefined;
}

const TRACE_KEYS = ['trace_id', 'traceId', 'trace.id', 'otelTraceID', 'traceid'];
const SPAN_KEYS = ['span_id', 'spanId', 'span.id', 'otelSpanID', 'spanid'];

// key=value forms: Python's `[trace_id=… span_id=…]` correlation format (`None` or `0`
// when absent), logfmt, and similar. Word boundary before the key so `xtrace_id` is no match.
const KV_TRACE_RE = /(?:^|[^\w.])(?:trace_id|traceId|trace\.id|otelTraceID)\s*[=:]\s*["']?([0-9a-fA-F]{32})(?![0-9a-fA-F])/;
const KV_SPAN_RE = /(?:^|[^\w.])(?:span_id|spanId|span\.id|otelSpanID)\s*[=:]\s*["']?([0-9a-fA-F]{16})(?![0-9a-fA-F])/;
// W3C traceparent: version-traceid-parentid-flags (version ff is invalid).
const TRACEPARENT_RE = /(?<![0-9a-fA-F-])([0-9a-fA-F]{2})-([0-9a-fA-F]{32})-([0-9a-fA-F]{16})-([0-9a-fA-F]{2})(?![0-9a-fA-F])/;

/** Trace/span ids a log line carries (ids lower-cased; absent and all-zero ids omitted). */
export function extractTraceContext(line: string): LineTraceContext {
  const out: LineTraceContext = {};
  const json = parseJsonObject(line);
  if (json) {
    const traceId = cleanId(pick(json, TRACE_KEYS), 32);
    const spanId = cleanId(pick(json, SPAN_KEYS), 16);
    if (traceId) out.traceId = traceId;
    if (spanId) out.spanId = spanId;
    if (traceId) return out;
  }
  if (line.length > MAX_JSON_PARSE) line = line.slice(0, MAX_JSON_PARSE);
  const t = KV_TRACE_RE.exec(line);
  const traceId = cleanId(t?.[1], 32);
  if (traceId) {
    out.traceId = traceId;
    const spanId = cleanId(KV_SPAN_RE.exec(line)?.[1], 16);
    if (spanId) out.spanId = spanId;
    return out;
  }
  const tp = TRACEPARENT_RE.exec(line);
  const tid = tp && tp[1]!.toLowerCase() !== 'ff' ? cleanId(tp[2], 32) : undefined;
  if (!tid) return out;
  const sid = cleanId(tp![3], 16);
  return sid ? { traceId: tid, spanId: sid } : { traceId: tid };
}

export { parseSeverity, SeverityNumber } from './severity.js';
