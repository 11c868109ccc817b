// Redaction of files the build writes (its own telemetry dumps and diagnostics reports) before
// we keep a copy: a build's files are as untrusted as its OTLP. JSON is walked: a value under
// a secret-named key, or the `value` of a `{key, value}` attribute pair with a secret-named
// key (OTLP and the pipeline's attribute lists), becomes "[redacted]", and every string is
// masked for secret shapes. Other text is masked line by line.
import { REDACTED, type Redactor } from './redact.js';

const MAX_DEPTH = 64;

export function redactJsonValue(value: unknown, r: Redactor, depth = 0): unknown {
  if (typeof value === 'string') return r.maskText(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactJsonValue(v, r, depth + 1));
  const obj = value as Record<string, unknown>;
  const pairKey = typeof obj.key === 'string' && 'value' in obj ? obj.key : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (r.isSecretKey(k) || (pairKey !== undefined && k === 'value' && r.isSecretKey(pairKey))) out[k] = REDACTED;
    else out[k] = redactJsonValue(v, r, depth + 1);
  }
  return out;
}

/** The file's content with secrets removed; unchanged bytes when nothing matched. */
export function redactDocument(data: Buffer, path: string, r: Redactor): Buffer {
  const text = data.toString('utf8');
  if (/\.json$/i.test(path)) {
    try {
      const redacted = JSON.stringify(redactJsonValue(JSON.parse(text), r), null, 2);
      return redacted === JSON.stringify(JSON.parse(text), null, 2) ? data : Buffer.from(redacted + '\n');
    } catch {
      // not valid JSON after all (cut short, JSON lines): mask it as text below
    }
  }
  const masked = text.split('\n').map((line) => r.maskText(line)).join('\n');
  return masked === text ? data : Buffer.from(masked);
}
