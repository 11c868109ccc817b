// Byte/number conversions shared by the decoders and encoders. Hand-written rather than
// node's Buffer so src/core stays free of node APIs.

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

/** Hex of either case → bytes; undefined when `s` is not hex of an even length. */
export function hexToBytes(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(s.charCodeAt(2 * i));
    const lo = hexDigit(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** True when `s` is exactly `bytes` bytes of hex, either case. */
export function isHexOfLength(s: string, bytes: number): boolean {
  if (s.length !== bytes * 2) return false;
  for (let i = 0; i < s.length; i++) if (hexDigit(s.charCodeAt(i)) < 0) return false;
  return true;
}

export function isAllZeroHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_REV = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_REV[B64.charCodeAt(i)] = i;
// The URL-safe alphabet is tolerated on input (proto3 JSON parsers accept both).
B64_REV['-'.charCodeAt(0)] = 62;
B64_REV['_'.charCodeAt(0)] = 63;

export function bytesToBase64(b: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = b.length - i;
  if (rest === 1) {
    const n = b[i]! << 16;
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8);
    s += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return s;
}

/** Base64 (standard or URL-safe, padding optional) → bytes; undefined when invalid. */
export function base64ToBytes(s: string): Uint8Array | undefined {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61 /* = */) end--;
  if (s.length - end > 2 || end % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64_REV[c]! : -1;
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** The parts of a long.js Long (what protobufjs hands out for 64-bit fields) we read. */
interface LongLike {
  low: number;
  high: number;
}

const TWO_32 = 4294967296;

/** A protobufjs 64-bit value (Long, or a number when long.js is absent) → decimal string. */
export function longToDecimal(v: LongLike | number, signed: boolean): string {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  const lo = v.low >>> 0;
  const hi = v.high | 0;
  if (hi === 0) return String(lo);
  // Within ±2^53 a double is exact and much cheaper than BigInt.
  if (signed && hi < 0) {
    if (hi >= -0x200000) return String(hi * TWO_32 + lo);
    return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo)).toString();
  }
  const uhi = hi >>> 0;
  if (uhi < 0x200000) return String(uhi * TWO_32 + lo);
  return ((BigInt(uhi) << 32n) | BigInt(lo)).toString();
}

export function isZeroLong(v: LongLike | number): boolean {
  return typeof v === 'number' ? v === 0 : v.low === 0 && v.high === 0;
}

/** A double in canonical OTLP/JSON form: NaN and ±Infinity become their JSON strings. */
export function canonDouble(n: number): number | 'NaN' | 'Infinity' | '-Infinity' {
  if (Number.isFinite(n)) return n;
  if (Number.isNaN(n)) return 'NaN';
  return n > 0 ? 'Infinity' : '-Infinity';
}

/** Canonical double back to a JS number. */
export function doubleValue(d: number | string | undefined): number | undefined {
  if (d === undefined) return undefined;
  return typeof d === 'number' ? d : Number(d);
}
