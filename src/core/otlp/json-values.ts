// OTLP/JSON: the shared pieces of decoding — an array of objects field by field, and
// attributes (KeyValue lists) with their AnyValues, the hottest loop of JSON decoding.
// Used by from-json.ts; same validation and messages as every other field.
import type { DecodeContext } from './context.js';
import { arrayField, boolField, bytesValueOf, doubleValueOf, int64Value, isObject, objectField, stringField, type Json, type JsonObject } from './json-fields.js';
import type { OtlpAnyValue, OtlpKeyValue } from './types.js';

export function withField<T>(ctx: DecodeContext, f: string, fn: () => T): T {
  ctx.push(f);
  const r = fn();
  ctx.pop();
  return r;
}

/** Maps an array-of-objects field; `fn` returning undefined drops the element. */
export function mapObjects<R>(ctx: DecodeContext, value: Json, f: string, fn: (x: JsonObject) => R | undefined): R[] {
  const arr = arrayField(ctx, value, f);
  const out: R[] = [];
  if (arr.length === 0) return out;
  ctx.push(f);
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    ctx.push(i);
    if (!isObject(x)) ctx.fail(`expected an object, got ${x === null ? 'null' : typeof x}`);
    const r = fn(x);
    if (r !== undefined) out.push(r);
    ctx.pop();
  }
  ctx.pop();
  return out;
}

/** The hottest loop of JSON decoding (a dozen attributes per span), so written out
 * without closures; same checks and messages as mapObjects. */
export function attrs(ctx: DecodeContext, value: Json, f: string, depth = 0): OtlpKeyValue[] {
  const arr = arrayField(ctx, value, f);
  const n = arr.length;
  const out: OtlpKeyValue[] = new Array(n);
  if (n === 0) return out;
  ctx.push(f);
  for (let i = 0; i < n; i++) {
    const kv = arr[i];
    ctx.push(i);
    if (!isObject(kv)) ctx.fail(`expected an object, got ${kv === null ? 'null' : typeof kv}`);
    const v = objectField(ctx, kv.value, 'value');
    const key = stringField(ctx, kv.key, 'key');
    let value: OtlpAnyValue = {};
    if (v) {
      const sv = v.stringValue;
      // A string, bool or double value is already canonical as exporters send it: the
      // parsed object is kept when it holds nothing else (most attributes).
      if (
        (typeof sv === 'string' || typeof v.boolValue === 'boolean' || typeof v.doubleValue === 'number') &&
        key === kv.key &&
        isCanonicalPair(kv) &&
        hasOneMember(v)
      ) {
        out[i] = kv as unknown as OtlpKeyValue;
        ctx.pop();
        continue;
      }
      if (typeof sv === 'string') value = { stringValue: sv };
      else {
        ctx.push('value');
        value = anyValue(ctx, v, depth);
        ctx.pop();
      }
    }
    out[i] = { key, value };
    ctx.pop();
  }
  ctx.pop();
  return out;
}

/** `{"key": …, "value": …}` with nothing else, in that order (the canonical form). The
 * caller has checked the types of both. `for…in` over a parsed object reads the cached
 * key list of its hidden class, so this allocates nothing. */
function isCanonicalPair(kv: JsonObject): boolean {
  let n = 0;
  for (const k in kv) {
    if (n === 0 ? k !== 'key' : n !== 1 || k !== 'value') return false;
    n++;
  }
  return n === 2;
}

function hasOneMember(v: JsonObject): boolean {
  let n = 0;
  for (const _ in v) if (++n > 1) return false;
  return n === 1;
}

export function anyValue(ctx: DecodeContext, v: JsonObject, depth: number): OtlpAnyValue {
  // Exactly one member should be set; the first present one (in field order) wins.
  if (v.stringValue != null) return { stringValue: stringField(ctx, v.stringValue, 'stringValue') };
  if (v.boolValue != null) return { boolValue: boolField(ctx, v.boolValue, 'boolValue') };
  if (v.intValue != null) return { intValue: int64Value(ctx, v.intValue, 'intValue', true) };
  if (v.doubleValue != null) return { doubleValue: doubleValueOf(ctx, v.doubleValue, 'doubleValue') };
  if (v.arrayValue != null || v.kvlistValue != null) {
    if (depth >= ctx.maxDepth) ctx.fail(`AnyValue nested deeper than ${ctx.maxDepth} levels`);
    if (v.arrayValue != null) {
      const a = objectField(ctx, v.arrayValue, 'arrayValue')!;
      ctx.push('arrayValue');
      const arr = arrayField(ctx, a.values, 'values');
      const values: OtlpAnyValue[] = new Array(arr.length);
      ctx.push('values');
      for (let i = 0; i < arr.length; i++) {
        const x = arr[i];
        ctx.push(i);
        if (!isObject(x)) ctx.fail('expected an AnyValue object');
        values[i] = anyValue(ctx, x, depth + 1);
        ctx.pop();
      }
      ctx.pop();
      ctx.pop();
      return { arrayValue: { values } };
    }
    const kvl = objectField(ctx, v.kvlistValue, 'kvlistValue')!;
    const values = withField(ctx, 'kvlistValue', () => attrs(ctx, kvl.values, 'values', depth + 1));
    return { kvlistValue: { values } };
  }
  if (v.bytesValue != null) return { bytesValue: bytesValueOf(ctx, v.bytesValue, 'bytesValue') };
  return {};
}
