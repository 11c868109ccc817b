// Typed field readers for OTLP/JSON input (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
// and the proto3 JSON mapping it builds on). Each reader accepts every legal spelling
// and returns the canonical one; anything else is a structural error naming the field.
// `null` means "default" in proto3 JSON, so it reads like an absent field.
import type { DecodeContext } from './context.js';
import { base64ToBytes, bytesToBase64, bytesToHex, canonDouble, isHexOfLength, hexToBytes } from './encoding.js';
import type { OtlpDouble } from './types.js';

export type Json = unknown;
export type JsonObject = Record<string, Json>;

function typeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

export function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objectField(ctx: DecodeContext, v: Json, f: string): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) ctx.fail(`expected an object, got ${typeName(v)}`, f);
  return v;
}

export function arrayField(ctx: DecodeContext, v: Json, f: string): Json[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) ctx.fail(`expected an array, got ${typeName(v)}`, f);
  return v;
}

export function stringField(ctx: DecodeContext, v: Json, f: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') ctx.fail(`expected a string, got ${typeName(v)}`, f);
  return v;
}

export function boolField(ctx: DecodeContext, v: Json, f: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') ctx.fail(`expected a boolean, got ${typeName(v)}`, f);
  return v;
}

const INT_RE = /^-?\d+$/;

/** A 32-bit integer field (proto3 JSON also allows it quoted). */
export function int32Field(ctx: DecodeContext, v: Json, f: string, unsigned = false): number {
  if (v === undefined || v === null) return 0;
  return int32Value(ctx, v, f, unsigned);
}

export function int32Value(ctx: DecodeContext, v: Json, f: string, unsigned: boolean): number {
  const n = typeof v === 'string' && INT_RE.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) ctx.fail(`expected an integer, got ${typeName(v)}`, f);
  const ok = unsigned ? n >= 0 && n <= 0xffffffff : n >= -0x80000000 && n <= 0x7fffffff;
  if (!ok) ctx.fail(`integer ${n} out of ${unsigned ? 'uint32' : 'int32'} range`, f);
  return n;
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** A 64-bit integer as a canonical decimal string; input a decimal string or a number. */
export function int64Field(ctx: DecodeContext, v: Json, f: string, signed: boolean): string {
  if (v === undefined || v === null) return '0';
  return int64Value(ctx, v, f, signed);
}

export function int64Value(ctx: DecodeContext, v: Json, f: string, signed: boolean): string {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) ctx.fail(`expected an integer, got ${typeName(v)}`, f);
    if (!signed && v < 0) ctx.fail(`expected an unsigned integer, got ${v}`, f);
    // Precision beyond 2^53 is already gone in a JSON number; keep what arrived.
    return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  }
  // The usual case (timestamps from exporters): already canonical and surely in range.
  if (typeof v === 'string' && isCanonicalDecimal(v, signed ? 18 : 19)) return v;
  if (typeof v !== 'string' || !INT_RE.test(v)) {
    ctx.fail(`expected a 64-bit integer (decimal string or number), got ${typeName(v)}`, f);
  }
  if (v.length <= 15) {
    const n = Number(v); // exact at this length; also drops leading zeros and "-0"
    if (!signed && n < 0) ctx.fail(`integer ${v} out of uint64 range`, f);
    return String(n);
  }
  const n = BigInt(v);
  if (signed ? n < I64_MIN || n > I64_MAX : n < 0n || n > U64_MAX) {
    ctx.fail(`integer ${v} out of ${signed ? 'int64' : 'uint64'} range`, f);
  }
  return n.toString();
}

/** Digits only, no leading zero (or exactly "0"), at most `maxDigits` long: canonical and
 * within range without BigInt (10^18 ≤ int64 max, 10^19 ≤ uint64 max). */
function isCanonicalDecimal(v: string, maxDigits: number): boolean {
  const n = v.length;
  if (n === 0 || n > maxDigits) return false;
  const first = v.charCodeAt(0);
  if (first === 48) return n === 1;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Already canonical: lower-case hex of exactly `len` characters. */
function isLowerHex(v: string, len: number): boolean {
  if (v.length !== len) return false;
  for (let i = 0; i < len; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** A double: a JSON number, or a string holding a number, "NaN", "Infinity" or "-Infinity". */
export function doubleField(ctx: DecodeContext, v: Json, f: string): OtlpDouble | undefined {
  if (v === undefined || v === null) return undefined;
  return doubleValueOf(ctx, v, f);
}

export function doubleValueOf(ctx: DecodeContext, v: Json, f: string): OtlpDouble {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (!Number.isNaN(n) || v === 'NaN') return canonDouble(n);
  }
  return ctx.fail(`expected a number, got ${typeName(v)}`, f);
}

/** An enum: its number, or its name from `names`. */
export function enumField(ctx: DecodeContext, v: Json, f: string, names: Record<string, number>): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string' && !INT_RE.test(v)) {
    const n = Object.hasOwn(names, v) ? names[v] : undefined;
    if (n === undefined) ctx.fail(`unknown enum value ${JSON.stringify(v.slice(0, 60))}`, f);
    return n;
  }
  return int32Value(ctx, v, f, false);
}

/** A trace/span id. OTLP/JSON writes them as hex (either case is accepted); plain
 * proto3 JSON writers use base64, so a string that is not hex of the expected length but
 * decodes from base64 to the expected length is accepted too. Returns lower-case hex —
 * possibly of a wrong length, which the caller's id check turns into an item problem. */
export function idField(ctx: DecodeContext, v: Json, f: string, bytes: 8 | 16): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') ctx.fail(`expected a hex id string, got ${typeName(v)}`, f);
  if (isLowerHex(v, bytes * 2)) return v;
  if (isHexOfLength(v, bytes)) return v.toLowerCase();
  const b64 = base64ToBytes(v);
  if (b64 && b64.length === bytes) return bytesToHex(b64);
  const hex = hexToBytes(v);
  if (hex) return bytesToHex(hex);
  if (b64) return bytesToHex(b64);
  return ctx.itemProblem(`id ${JSON.stringify(v.slice(0, 60))} is neither hex nor base64`, f);
}

/** AnyValue.bytesValue: base64 in, canonical (standard alphabet, padded) base64 out. */
export function bytesValueOf(ctx: DecodeContext, v: Json, f: string): string {
  if (typeof v !== 'string') ctx.fail(`expected a base64 string, got ${typeName(v)}`, f);
  const b = base64ToBytes(v);
  if (!b) ctx.fail('invalid base64', f);
  return bytesToBase64(b);
}

// Enum names from the OTLP protos, for senders that write names instead of numbers.
export const SPAN_KIND: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
export const STATUS_CODE: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};
export const AGGREGATION_TEMPORALITY: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
export const SEVERITY_NUMBER: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].forEach((level, i) => {
  for (let k = 0; k < 4; k++) SEVERITY_NUMBER[`SEVERITY_NUMBER_${level}${k === 0 ? '' : k + 1}`] = i * 4 + k + 1;
});
