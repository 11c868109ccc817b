// Wire-format primitives for the fast protobuf decoder (from-proto.ts). protobufjs's Reader
// is the building block for everything whose corner cases matter (tags, varints, length
// prefixes, skipping unknown fields, strict UTF-8), so the fast path accepts and refuses
// exactly what protobufjs's generated decoders do; what is added here avoids the
// intermediate objects: ids go straight to hex, fixed64 straight to decimal (and times to
// seconds + nanoseconds), and short ASCII strings (attribute keys, repeated values, ids)
// are interned in a small table, which saves both the allocation and the memory of the
// many copies a run repeats.
import protobuf from 'protobufjs';

export type Reader = protobuf.Reader;
const { Reader: ReaderClass, util } = protobuf;

export function createReader(bytes: Uint8Array): Reader {
  return ReaderClass.create(bytes);
}

/** Forgets the last body's DataView (see viewFor), so it does not keep the body alive. */
export function releaseBody(): void {
  viewOf = undefined;
  view = EMPTY_VIEW;
}

export function recursionLimit(): number {
  return ReaderClass.recursionLimit;
}

function outOfRange(): RangeError {
  return new RangeError('index out of range');
}

/** Starts a length-delimited sub-message the way protobufjs's decoders do (depth check,
 * bounds check, narrowing `len`); returns the outer `len` for {@link leave}. */
export function enter(r: Reader, q: number): number {
  if (q > ReaderClass.recursionLimit) throw new Error('max depth exceeded');
  const l = r.size();
  const c = r.pos + l;
  if (c > r.len) throw outOfRange();
  const outer = r.len;
  r.len = c;
  return outer;
}

export function leave(r: Reader, outer: number): void {
  if (r.pos !== r.len) throw outOfRange();
  r.len = outer;
}

/** Skips an unknown field (or a known field with the wrong wire type), as protobufjs does. */
export function skip(r: Reader, wireType: number, q: number, field: number): void {
  r.skipType(wireType, q, field);
}

/** Bounds of a length-delimited value; advances past it. */
function span(r: Reader): number {
  const l = r.size();
  const start = r.pos;
  const end = start + l;
  if (end > r.len) throw outOfRange();
  r.pos = end;
  return start;
}

// ---- interning ---------------------------------------------------------------------

const SLOTS = 8192;
export const INTERN_SLOTS = SLOTS;
/** Longest string interned: a slot's row is its length byte and its bytes, one 64-byte
 * cache line, so a lookup touches one line of the table. */
const MAX_INTERN = 63;
const ROW = MAX_INTERN + 1;
/** The intern slot of the string {@link readString} returned last, or -1 when it was not
 * interned (empty, long, not ASCII): lets shared-values.ts share objects by slot. */
export const lastString = { slot: -1 };
const strSlots: (string | undefined)[] = new Array(SLOTS);
/** Each slot's string as its length and bytes (a ROW a slot), so a lookup compares bytes
 * with bytes, four at a time, instead of characters with bytes. */
const strKeyBytes = new Uint8Array(SLOTS * ROW);
const strKeyView = new DataView(strKeyBytes.buffer);
/** Scratch arrays by length, so String.fromCharCode.apply builds one flat string. */
const scratch: number[][] = [];
for (let i = 0; i <= MAX_INTERN * 2; i++) scratch.push(new Array<number>(i).fill(0));

/** A DataView of the body being read (the last one asked for), for 32-bit reads. */
const EMPTY_VIEW: DataView = new DataView(new ArrayBuffer(0));
let viewOf: Uint8Array | undefined;
let view: DataView = EMPTY_VIEW;
function viewFor(buf: Uint8Array): DataView {
  if (buf !== viewOf) {
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    viewOf = buf;
  }
  return view;
}

/** The slot of ASCII bytes [start, end) (4 ≤ length ≤ MAX_INTERN), or -1 when a byte is not
 * ASCII. Hashes 32-bit words; the last word overlaps the one before when the length is not
 * a multiple of four (the length is mixed in, so this stays a function of the bytes). */
function asciiHash4(v: DataView, start: number, end: number): number {
  let h = Math.imul(end - start, 0x9e3779b1);
  let any = 0;
  const last = end - 4;
  for (let i = start; i < last; i += 4) {
    const w = v.getInt32(i, true);
    any |= w;
    h = Math.imul((h << 13) | (h >>> 19), 5) ^ Math.imul(w, 0xcc9e2d51);
  }
  const w = v.getInt32(last, true);
  any |= w;
  h ^= Math.imul(w, 0xcc9e2d51);
  if (any & 0x80808080) return -1;
  return fmix(h);
}

function asciiHashShort(buf: Uint8Array, start: number, end: number): number {
  let h = end - start;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c & 0x80) return -1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return fmix(h);
}

/** The slot of a 32-bit hash: murmur3's finalizer, so every bit of it counts. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & (SLOTS - 1);
}

/** Whether the slot holds exactly the bytes [start, end) (length ≥ 4), word by word. */
function sameKey4(slot: number, v: DataView, start: number, end: number): boolean {
  const n = end - start;
  if (strKeyBytes[slot * ROW] !== n) return false;
  const at = slot * ROW + 1 - start;
  const last = end - 4;
  for (let i = start; i < last; i += 4) if (strKeyView.getInt32(at + i, true) !== v.getInt32(i, true)) return false;
  return strKeyView.getInt32(at + last, true) === v.getInt32(last, true);
}

function sameKeyShort(slot: number, buf: Uint8Array, start: number, end: number): boolean {
  if (strKeyBytes[slot * ROW] !== end - start) return false;
  const at = slot * ROW + 1 - start;
  for (let i = start; i < end; i++) if (strKeyBytes[at + i] !== buf[i]) return false;
  return true;
}

/** A length-delimited UTF-8 string, refusing invalid UTF-8 like protobufjs's
 * `stringVerify` (which is what its generated decoders call for `string` fields). */
export function readString(r: Reader): string {
  const start = span(r);
  const end = r.pos;
  const buf = r.buf;
  const n = end - start;
  lastString.slot = -1;
  if (n === 0) return '';
  if (n <= MAX_INTERN) {
    let slot: number;
    if (n >= 4) {
      const v = viewFor(buf);
      slot = asciiHash4(v, start, end);
      if (slot >= 0 && sameKey4(slot, v, start, end)) {
        lastString.slot = slot;
        return strSlots[slot]!;
      }
    } else {
      slot = asciiHashShort(buf, start, end);
      if (slot >= 0 && sameKeyShort(slot, buf, start, end)) {
        lastString.slot = slot;
        return strSlots[slot]!;
      }
    }
    if (slot >= 0) {
      const codes = scratch[n]!;
      const at = slot * ROW;
      strKeyBytes[at] = n;
      for (let i = 0; i < n; i++) {
        const c = buf[start + i]!;
        codes[i] = c;
        strKeyBytes[at + 1 + i] = c;
      }
      const s = String.fromCharCode.apply(null, codes);
      strSlots[slot] = s;
      lastString.slot = slot;
      return s;
    }
  }
  return util.utf8.readStrict(buf, start, end);
}

const HEX_CODES: number[] = [];
for (let i = 0; i < 16; i++) HEX_CODES.push(i.toString(16).charCodeAt(0));
const hexSlots: (string | undefined)[] = new Array(SLOTS);
/** The id bytes of each slot, copied into one table (16 bytes a slot) with its length: a
 * view into the request body would keep the whole body alive as long as the slot. */
const hexKeyBytes = new Uint8Array(SLOTS * 16);
const hexKeyLens = new Uint8Array(SLOTS);

/** A `bytes` field as lower-case hex (ids). Ids of 8 or 16 bytes are interned: the spans
 * of one trace share one trace-id string. */
export function readHex(r: Reader): string {
  const start = span(r);
  const end = r.pos;
  const buf = r.buf;
  const n = end - start;
  if (n === 0) return '';
  let slot = -1;
  if (n === 8 || n === 16) {
    let h = n;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    slot = fmix(h);
    if (hexKeyLens[slot] === n) {
      let same = true;
      const at = slot * 16;
      for (let i = 0; i < n; i++) {
        if (hexKeyBytes[at + i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return hexSlots[slot]!;
    }
  }
  let s: string;
  if (2 * n < scratch.length) {
    const codes = scratch[2 * n]!;
    for (let i = 0; i < n; i++) {
      const b = buf[start + i]!;
      codes[2 * i] = HEX_CODES[b >> 4]!;
      codes[2 * i + 1] = HEX_CODES[b & 15]!;
    }
    s = String.fromCharCode.apply(null, codes);
  } else {
    s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(HEX_CODES[buf[i]! >> 4]!, HEX_CODES[buf[i]! & 15]!);
  }
  if (slot >= 0) {
    hexSlots[slot] = s;
    hexKeyLens[slot] = n;
    hexKeyBytes.set(buf.subarray(start, end), slot * 16);
  }
  return s;
}

/** A `bytes` field as a copy of its bytes. */
export function readBytes(r: Reader): Uint8Array {
  const start = span(r);
  return r.buf.slice(start, r.pos);
}

// ---- fixed-width numbers -------------------------------------------------------------

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
/** Host byte order; protobuf is little-endian. */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function readDouble(r: Reader): number {
  const p = r.pos;
  if (p + 8 > r.len) throw outOfRange();
  const buf = r.buf;
  if (LITTLE) for (let i = 0; i < 8; i++) f64Bytes[i] = buf[p + i]!;
  else for (let i = 0; i < 8; i++) f64Bytes[7 - i] = buf[p + i]!;
  r.pos = p + 8;
  return f64[0]!;
}

export function readFixed32(r: Reader): number {
  const p = r.pos;
  if (p + 4 > r.len) throw outOfRange();
  const b = r.buf;
  r.pos = p + 4;
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/** Low and high 32 bits of the last fixed64 read (to tell zero apart without a string). */
export const lastFixed64 = { lo: 0, hi: 0 };
/** The last fixed64 read by {@link readTime}, as whole seconds and nanoseconds within the
 * second (exact: both below 2^53). */
export const lastTime = { s: 0, ns: 0 };

/** A fixed64 of nanoseconds (a timestamp): its unsigned decimal string (canonical OTLP/JSON
 * for 64-bit ints), and seconds + nanoseconds in {@link lastTime} so that the model need
 * not parse the string back. */
export function readTime(r: Reader): string {
  const lo = readFixed32(r);
  const hi = readFixed32(r);
  lastFixed64.lo = lo;
  lastFixed64.hi = hi;
  return nsDecimal(lo, hi);
}

const DIGITS3: string[] = [];
for (let i = 0; i < 1000; i++) DIGITS3.push(String(i).padStart(3, '0'));
/** The seconds of the last time converted and their decimal (consecutive spans mostly
 * start and end within the same few seconds). */
let lastSeconds = -1;
let lastSecondsText = '';

/** Unsigned 64-bit nanoseconds → {@link lastTime} and the decimal string. Long division
 * by 10^9 in 32/16/16-bit steps keeps every intermediate below 2^53. */
export function nsDecimal(lo: number, hi: number): string {
  const h = hi >>> 0;
  const l = lo >>> 0;
  const qh = Math.floor(h / 1e9);
  const x = (h - qh * 1e9) * 65536 + (l >>> 16);
  const q1 = Math.floor(x / 1e9);
  const y = (x - q1 * 1e9) * 65536 + (l & 0xffff);
  const q2 = Math.floor(y / 1e9);
  const ns = y - q2 * 1e9;
  const sec = qh * 4294967296 + q1 * 65536 + q2;
  lastTime.s = sec;
  lastTime.ns = ns;
  if (sec === 0) return String(ns);
  if (sec !== lastSeconds) {
    lastSeconds = sec;
    lastSecondsText = String(sec);
  }
  const a = (ns / 1e6) | 0;
  const rest = ns - a * 1e6;
  const b = (rest / 1000) | 0;
  return lastSecondsText + (DIGITS3[a]! + DIGITS3[b]! + DIGITS3[rest - b * 1000]!);
}

const E7 = 10_000_000;
function pad7(n: number): string {
  const s = String(n);
  return s.length >= 7 ? s : '0000000'.slice(s.length) + s;
}

/** Unsigned 64-bit (two uint32 halves) → decimal, without BigInt: split into 24-bit limbs
 * and carry in base 10^7 (2^24 = 10^7 + 6777216; 2^48 = 2·10^14 + 8147497·10^7 + 6710656). */
export function u64Decimal(lo: number, hi: number): string {
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  const low = lo & 0xffffff;
  const mid = ((lo >>> 24) | (hi << 8)) & 0xffffff;
  const high = (hi >>> 16) & 0xffff;
  let a = low + mid * 6777216 + high * 6710656;
  let b = mid + high * 8147497;
  let c = high * 2;
  if (a >= E7) {
    b += Math.floor(a / E7);
    a %= E7;
  }
  if (b >= E7) {
    c += Math.floor(b / E7);
    b %= E7;
  }
  return c > 0 ? String(c) + pad7(b) + pad7(a) : String(b) + pad7(a);
}

/** Low and high 32 bits (as int32) of the last varint read by {@link readVarint64Parts}. */
export const lastVarint = { lo: 0, hi: 0 };

/** A varint (int64) as its two 32-bit halves, in {@link lastVarint} (see i64Decimal), like
 * protobufjs's `int64()` (which allocates a Long): out of range past the end, invalid after
 * 10 bytes. */
export function readVarint64Parts(r: Reader): void {
  const buf = r.buf;
  let pos = r.pos;
  const len = r.len;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= len) throw outOfRange();
    const b = buf[pos++]!;
    if (i < 4) lo |= (b & 127) << (7 * i);
    else if (i === 4) {
      lo |= (b & 127) << 28;
      hi |= (b & 127) >> 4;
    } else hi |= (b & 127) << (7 * (i - 5) + 3);
    if (b < 128) {
      r.pos = pos;
      lastVarint.lo = lo | 0;
      lastVarint.hi = hi | 0;
      return;
    }
  }
  r.pos = pos;
  throw new Error('invalid varint encoding');
}

/** Signed 64-bit (two's complement halves) → decimal. */
export function i64Decimal(lo: number, hi: number): string {
  if ((hi | 0) >= 0) return u64Decimal(lo >>> 0, hi >>> 0);
  // Negate: ~x + 1 over 64 bits.
  let nlo = (~lo + 1) >>> 0;
  let nhi = ~hi >>> 0;
  if (nlo === 0) nhi = (nhi + 1) >>> 0;
  return '-' + u64Decimal(nlo, nhi);
}
