// Turns an event payload into OTel attributes the way the real pipeline does
// (docs: codeanatomy-telemetry.md §3): nested lists/maps become JSON strings
// truncated to 50 items/keys, bytes become hex, and values under secret-looking
// keys become "[redacted]". null/undefined fields are dropped.

const SECRET_KEY = /authorization|cookie|password|secret|token|api_key/i;
const MAX_ITEMS = 50;
export const REDACTED = '[redacted]';

function sanitizeNested(value, depth) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ITEMS).map((v) => (depth > 8 ? String(v) : sanitizeNested(v, depth + 1)));
  }
  if (typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value).slice(0, MAX_ITEMS)) {
      out[k] = SECRET_KEY.test(k) ? REDACTED : depth > 8 ? String(v) : sanitizeNested(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** @returns {Record<string, string|number|boolean>} */
export function toAttributes(payload) {
  const attrs = {};
  for (const [key, value] of Object.entries(payload ?? {})) {
    if (value === null || value === undefined) continue;
    if (SECRET_KEY.test(key)) {
      attrs[key] = REDACTED;
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      attrs[key] = value;
    } else if (typeof value === 'bigint') {
      attrs[key] = value.toString();
    } else if (value instanceof Uint8Array) {
      attrs[key] = Buffer.from(value).toString('hex');
    } else {
      attrs[key] = JSON.stringify(sanitizeNested(value, 0));
    }
  }
  return attrs;
}
