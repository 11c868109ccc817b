// Encoders: canonical OTLP/JSON → binary OTLP (for tests, benchmarks and replays), the
// Export*ServiceResponse a receiver answers with, and google.rpc.Status error bodies.
// See https://opentelemetry.io/docs/specs/otlp/#otlphttp-response.
import { otlpTypes } from './schema.js';
import { hexToBytes } from './encoding.js';
import type { OtlpRequest, OtlpSignal } from './types.js';

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Hex ids → bytes everywhere in a canonical request; everything else protobufjs's
 * fromObject understands as-is (decimal-string longs, base64 bytes, "NaN" doubles). */
function idsToBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(idsToBytes);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = ID_FIELDS.has(k) && typeof x === 'string' ? (hexToBytes(x) ?? new Uint8Array(0)) : idsToBytes(x);
  }
  return out;
}

export function encodeProtobuf(signal: OtlpSignal, req: OtlpRequest): Uint8Array {
  const type = otlpTypes().request[signal];
  return type.encode(type.fromObject(idsToBytes(req) as Record<string, unknown>)).finish();
}

const REJECTED_FIELD: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

/** An Export{Trace,Logs,Metrics}ServiceResponse, with `partialSuccess` when something
 * was rejected (or a warning message is given). An empty response means full success. */
export function encodeExportResponse(
  signal: OtlpSignal,
  encoding: 'protobuf' | 'json',
  partial?: { rejected: number; message: string },
): Uint8Array | string {
  const body: Record<string, unknown> = {};
  if (partial && (partial.rejected > 0 || partial.message)) {
    const ps: Record<string, unknown> = {};
    // int64 in OTLP/JSON is a decimal string.
    if (partial.rejected > 0) ps[REJECTED_FIELD[signal]] = String(partial.rejected);
    if (partial.message) ps.errorMessage = partial.message;
    body.partialSuccess = ps;
  }
  if (encoding === 'json') return JSON.stringify(body);
  const type = otlpTypes().response[signal];
  return type.encode(type.fromObject(body)).finish();
}

export { RpcCode } from './rpcCode.js';

/** A google.rpc.Status body for 4xx/5xx responses, in the request's encoding. */
export function encodeRpcStatus(encoding: 'protobuf' | 'json', code: number, message: string): Uint8Array | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  const type = otlpTypes().rpcStatus;
  return type.encode(type.fromObject({ code, message })).finish();
}

/** Decodes a google.rpc.Status (for clients and tests). */
export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const m = otlpTypes().rpcStatus.decode(bytes) as unknown as { code: number; message: string };
  return { code: m.code, message: m.message };
}

/** Decodes an Export*ServiceResponse (for clients and tests) into its OTLP/JSON form. */
export function decodeExportResponse(signal: OtlpSignal, bytes: Uint8Array): Record<string, unknown> {
  const type = otlpTypes().response[signal];
  return type.toObject(type.decode(bytes), { longs: String }) as Record<string, unknown>;
}
