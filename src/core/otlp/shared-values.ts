// Shared canonical objects for the fast protobuf decoder (wire-decoder.ts). A run repeats
// the same attributes span after span (a service's run id, stage, dataset, file, thread
// name…): each of them decoded to a fresh `{key, value: {stringValue}}` pair of objects,
// about 70 bytes of young garbage per attribute, which is most of what a decoded request
// allocates, and young garbage is what makes the collector copy the retained model. Here a
// KeyValue whose key and value are both short (interned by wire.ts) or whose value is a
// bool or an int is shared, through small direct-mapped tables, with every earlier
// occurrence of the same pair; `{stringValue}` objects are shared per interned string.
//
// Shared objects are safe because nothing mutates a decoded KeyValue or scalar AnyValue in
// place: the safety pass (src/core/safety/sanitize.ts) replaces them, normalize only reads.
import type { OtlpAnyValue, OtlpKeyValue } from './types.js';
import { i64Decimal, INTERN_SLOTS } from './wire.js';

type StrValue = { stringValue: string };
type IntValue = { intValue: string };
type BoolValue = { boolValue: boolean };
interface StrKv {
  key: string;
  value: StrValue;
}
interface IntKv {
  key: string;
  value: IntValue;
}

const KV_SLOTS = 4096;
const NUM_SLOTS = 1024;
const strValues: (StrValue | undefined)[] = new Array(INTERN_SLOTS);
const strKvs: (StrKv | undefined)[] = new Array(KV_SLOTS);
const intKvs: (IntKv | undefined)[] = new Array(NUM_SLOTS);
const intKvLo = new Int32Array(NUM_SLOTS);
const intKvHi = new Int32Array(NUM_SLOTS);
const TRUE: BoolValue = { boolValue: true };
const FALSE: BoolValue = { boolValue: false };
const boolKvs: (OtlpKeyValue | undefined)[] = new Array(NUM_SLOTS);

/** `{stringValue: s}`; shared when `slot` (s's intern slot, or -1) says it is interned. */
export function stringValue(s: string, slot: number): OtlpAnyValue {
  if (slot < 0) return { stringValue: s };
  const v = strValues[slot];
  if (v !== undefined && v.stringValue === s) return v;
  const out = { stringValue: s };
  strValues[slot] = out;
  return out;
}

export function boolValue(b: boolean): OtlpAnyValue {
  return b ? TRUE : FALSE;
}

/** `{key, value: {stringValue}}` for an interned key (slot ≥ 0) and string. */
export function stringKv(key: string, keySlot: number, s: string, slot: number): OtlpKeyValue {
  if (keySlot < 0 || slot < 0) return { key, value: stringValue(s, slot) };
  const i = (Math.imul(keySlot, 0x9e3779b1) ^ Math.imul(slot, 0x85ebca6b)) >>> 20;
  const kv = strKvs[i];
  if (kv !== undefined && kv.key === key && kv.value.stringValue === s) return kv;
  const out: StrKv = { key, value: stringValue(s, slot) as StrValue };
  strKvs[i] = out;
  return out;
}

/** `{key, value: {intValue}}` of the signed 64-bit int (two's complement halves). */
export function intKv(key: string, keySlot: number, lo: number, hi: number): OtlpKeyValue {
  if (keySlot < 0) return { key, value: { intValue: i64Decimal(lo >>> 0, hi >>> 0) } };
  const i = (Math.imul(keySlot, 0x9e3779b1) ^ Math.imul(lo, 0x85ebca6b) ^ Math.imul(hi, 0xc2b2ae35)) >>> 22;
  const kv = intKvs[i];
  if (kv !== undefined && intKvLo[i] === (lo | 0) && intKvHi[i] === (hi | 0) && kv.key === key) return kv;
  const out: IntKv = { key, value: { intValue: i64Decimal(lo >>> 0, hi >>> 0) } };
  intKvs[i] = out;
  intKvLo[i] = lo;
  intKvHi[i] = hi;
  return out;
}

export function boolKv(key: string, keySlot: number, b: boolean): OtlpKeyValue {
  if (keySlot < 0) return { key, value: boolValue(b) };
  const i = ((keySlot << 1) | (b ? 1 : 0)) & (NUM_SLOTS - 1);
  const kv = boolKvs[i];
  if (kv !== undefined && kv.key === key && kv.value === boolValue(b)) return kv;
  const out = { key, value: boolValue(b) };
  boolKvs[i] = out;
  return out;
}
