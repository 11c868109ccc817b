// The OTLP/gRPC receiver: the same job as the HTTP receiver (index.ts) over gRPC, for
// builds whose exporters default to `grpc` (CodeAnatomy's Python SDK does).
// Spec: https://opentelemetry.io/docs/specs/otlp/#otlpgrpc
// Services: opentelemetry.proto.collector.{trace,logs,metrics}.v1.{Trace,Logs,Metrics}Service
// with one unary `Export` method each.
//
// (De)serialisation is ours, not @grpc/proto-loader's: the request deserialiser hands the
// raw bytes through and the handler decodes them with the same protobufjs schema and
// validation as the HTTP receiver (decodeProtobuf), so both transports give byte-for-byte
// the same `ReceivedExport`. Decoding in the handler (not in the deserialiser) is what lets
// a malformed message get INVALID_ARGUMENT with a readable reason — grpc-js answers a
// throwing deserialiser with a generic INTERNAL.
//
// Status codes (https://opentelemetry.io/docs/specs/otlp/#failures):
//   UNAUTHENTICATED     metadata `authorization` missing or not `Bearer <token>`
//   INVALID_ARGUMENT    the message does not decode (the server keeps serving)
//   RESOURCE_EXHAUSTED  message over `maxMessageBytes` (after decompression; grpc-js
//                       enforces it before the handler runs). No RetryInfo: the same
//                       message would be refused again, and OTLP clients only retry
//                       RESOURCE_EXHAUSTED when RetryInfo is present.
//   RESOURCE_EXHAUSTED  + google.rpc.RetryInfo when `onExport` throws ExportRetryLater
//                       (the sink is temporarily full): retrying later is meaningful.
//   OK                  with partial_success when single items were dropped (bad ids).
import {
  Metadata,
  ResponderBuilder,
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  status as GrpcStatus,
  type ServerInterceptor,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { createHash, timingSafeEqual } from 'node:crypto';
import protobuf from 'protobufjs';
import {
  OtlpDecodeError,
  decodeProtobuf,
  encodeExportResponse,
  normalize,
  type OtlpSignal,
} from '../core/otlp/index.js';
import { DEFAULT_MAX_BODY_BYTES, isLoopbackHost, type ReceivedExport } from './index.js';

export interface GrpcRefusal {
  /** A grpc status code (`status` of @grpc/grpc-js). */
  code: number;
  message: string;
}

export interface GrpcReceiverOptions {
  /** Per-run bearer token; calls must send metadata `authorization: Bearer <token>`. */
  token: string;
  /** Default true. false = no token check: only for the default-port listener, where a
   * sender cannot know our token; `admit` then decides. */
  requireToken?: boolean;
  /** Default 127.0.0.1. Must be a loopback address. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default 32 MiB (as HTTP), applied after decompression. */
  maxMessageBytes?: number;
  /** Called for each accepted message. Throw ExportRetryLater to ask the client to come back. */
  onExport: (exp: ReceivedExport) => void;
  /** Called for every call answered with a status other than OK — except an oversized
   * message, which grpc-js refuses on its own before any interceptor sees the call. */
  onRejected?: (info: { code: number; message: string; path: string }) => void;
  /** Checked first on each call, with the peer's address; a refusal answers the call. */
  admit?: (peer: { address: string | undefined }) => GrpcRefusal | undefined;
}

export interface GrpcReceiver {
  /** http://127.0.0.1:PORT — the value for OTEL_EXPORTER_OTLP_ENDPOINT with protocol grpc. */
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): { accepted: number; rejected: number };
}

/** Thrown by an `onExport` sink that cannot take data right now. */
export class ExportRetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs = 1000,
  ) {
    super(message);
  }
}

/** Thrown by an `onExport` sink to answer the call with a given status. */
export class GrpcCallError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** gRPC paths by signal (package, service) — from opentelemetry-proto's collector protos. */
export const GRPC_SERVICES: Record<OtlpSignal, { path: string; service: string }> = {
  traces: { service: 'opentelemetry.proto.collector.trace.v1.TraceService', path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export' },
  logs: { service: 'opentelemetry.proto.collector.logs.v1.LogsService', path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export' },
  metrics: { service: 'opentelemetry.proto.collector.metrics.v1.MetricsService', path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export' },
};

const MAX_REASONS = 3;
const SHUTDOWN_GRACE_MS = 3000;

const identity = (b: Buffer): Buffer => b;
const toBuffer = (v: Uint8Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

function serviceFor(signal: OtlpSignal): ServiceDefinition {
  return {
    Export: {
      path: GRPC_SERVICES[signal].path,
      requestStream: false,
      responseStream: false,
      requestSerialize: toBuffer,
      requestDeserialize: identity,
      responseSerialize: toBuffer,
      responseDeserialize: identity,
    },
  } as ServiceDefinition;
}

export async function startGrpcReceiver(opts: GrpcReceiverOptions): Promise<GrpcReceiver> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`receiver must bind to a loopback address, not ${host}`);
  const requireToken = opts.requireToken !== false;
  if (requireToken && !opts.token) throw new Error('receiver needs a non-empty bearer token');
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_BODY_BYTES;
  const expectedAuth = digest(`Bearer ${opts.token}`);
  const counts = { accepted: 0, rejected: 0 };

  // Sees every status our handlers send (auth, decode, sink refusals) for onRejected and
  // the counts. grpc-js answers an oversized message from below the interceptor chain, so
  // that one is not observed (the sender still gets RESOURCE_EXHAUSTED).
  const observer: ServerInterceptor = (method, call) =>
    new ServerInterceptingCall(
      call,
      new ResponderBuilder()
        .withSendStatus((st, next) => {
          if (st.code !== GrpcStatus.OK) {
            counts.rejected++;
            safeCall(() => opts.onRejected?.({ code: st.code, message: st.details ?? '', path: method.path }));
          }
          next(st);
        })
        .build(),
    );

  const server = new Server({
    interceptors: [observer],
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': 1024 * 1024,
    'grpc.max_concurrent_streams': 100,
  });

  const handlerFor =
    (signal: OtlpSignal) =>
    (call: ServerUnaryCall<Buffer, Uint8Array>, callback: sendUnaryData<Uint8Array>): void => {
      const fail = (code: number, message: string, trailer?: Metadata): void => {
        callback({ code, details: message, ...(trailer ? { metadata: trailer } : {}) });
      };
      try {
        const refusal = opts.admit?.({ address: peerAddress(call) });
        if (refusal) return fail(refusal.code, refusal.message);
        if (requireToken && !authorized(call.metadata.get('authorization'), expectedAuth)) {
          return fail(GrpcStatus.UNAUTHENTICATED, 'missing or wrong bearer token in metadata "authorization"');
        }
        const bytes = call.request;
        if (!Buffer.isBuffer(bytes)) return fail(GrpcStatus.INVALID_ARGUMENT, 'empty request');
        const reasons: string[] = [];
        let rejectedItems = 0;
        const request = decodeProtobuf(signal, bytes, {
          onItemRejected: (m) => {
            rejectedItems++;
            if (reasons.length < MAX_REASONS) reasons.push(m);
          },
        });
        const batch = normalize(signal, request);
        opts.onExport({ signal, request, batch, encoding: 'protobuf', bytes: bytes.length, rejectedItems });
        counts.accepted++;
        const message =
          rejectedItems > 0 ? `${reasons.join('; ')}${rejectedItems > reasons.length ? ` (and ${rejectedItems - reasons.length} more)` : ''}` : '';
        const out = encodeExportResponse(signal, 'protobuf', rejectedItems > 0 ? { rejected: rejectedItems, message } : undefined);
        callback(null, out as Uint8Array);
      } catch (e) {
        if (e instanceof OtlpDecodeError) return fail(GrpcStatus.INVALID_ARGUMENT, e.message);
        if (e instanceof GrpcCallError) return fail(e.code, e.message);
        if (e instanceof ExportRetryLater) {
          return fail(GrpcStatus.RESOURCE_EXHAUSTED, e.message, retryInfoTrailer(GrpcStatus.RESOURCE_EXHAUSTED, e.message, e.retryAfterMs));
        }
        fail(GrpcStatus.INTERNAL, `internal error: ${e instanceof Error ? e.message : String(e)}`);
      }
    };

  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    server.addService(serviceFor(signal), { Export: handlerFor(signal) });
  }

  const urlHost = host.includes(':') ? `[${host}]` : host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${urlHost}:${opts.port ?? 0}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  }).catch((e: unknown) => {
    server.forceShutdown();
    throw e;
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stats: () => ({ ...counts }),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        // Let in-flight exports finish, but never hang a run's teardown on a slow client.
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      })),
  };
}

/** The peer's IP address, from grpc-js's `host:port` / `[v6]:port` peer string. */
function peerAddress(call: ServerUnaryCall<unknown, unknown>): string | undefined {
  const peer = call.getPeer();
  if (!peer || peer === 'unknown') return undefined;
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(peer);
  if (v6) return v6[1];
  const v4 = /^(?:ipv4:)?([^:]+)(?::\d+)?$/.exec(peer);
  return v4 ? v4[1] : peer;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Constant-time comparison of digests; scheme case-insensitive (as HTTP). */
function authorized(values: (string | Buffer)[], expected: Buffer): boolean {
  const v = values[0];
  if (typeof v !== 'string') return false;
  const m = /^\s*bearer\s+(.*?)\s*$/i.exec(v);
  if (!m) return false;
  return timingSafeEqual(digest(`Bearer ${m[1]}`), expected);
}

// google.rpc.Status with a RetryInfo detail, sent in the `grpc-status-details-bin` trailer
// (the gRPC richer error model). Written from the public googleapis protos:
// google/rpc/status.proto, google/rpc/error_details.proto, google/protobuf/{any,duration}.proto.
const RICH_STATUS_PROTO = `
syntax = "proto3";
package rich;
message Any { string type_url = 1; bytes value = 2; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
message RetryInfo { Duration retry_delay = 1; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
`;
let richTypes: { status: protobuf.Type; retryInfo: protobuf.Type } | undefined;
function rich(): { status: protobuf.Type; retryInfo: protobuf.Type } {
  if (richTypes) return richTypes;
  const root = protobuf.parse(RICH_STATUS_PROTO, { keepCase: false }).root;
  root.resolveAll();
  richTypes = { status: root.lookupType('rich.Status'), retryInfo: root.lookupType('rich.RetryInfo') };
  return richTypes;
}

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

export function retryInfoTrailer(code: number, message: string, retryAfterMs: number): Metadata {
  const { status, retryInfo } = rich();
  const ms = Math.max(0, Math.round(retryAfterMs));
  const info = retryInfo.encode(retryInfo.fromObject({ retryDelay: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } })).finish();
  const body = status.encode(status.fromObject({ code, message, details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: info }] })).finish();
  const md = new Metadata();
  md.set('grpc-status-details-bin', toBuffer(body));
  return md;
}

/** Reads the retry delay (ms) out of a `grpc-status-details-bin` value; for clients/tests. */
export function decodeRetryDelayMs(bin: Buffer): number | undefined {
  const { status, retryInfo } = rich();
  const st = status.toObject(status.decode(bin), { longs: Number }) as { details?: { typeUrl: string; value: Uint8Array }[] };
  const d = st.details?.find((x) => x.typeUrl === RETRY_INFO_TYPE_URL);
  if (!d) return undefined;
  const ri = retryInfo.toObject(retryInfo.decode(d.value), { longs: Number }) as { retryDelay?: { seconds?: number; nanos?: number } };
  return (ri.retryDelay?.seconds ?? 0) * 1000 + Math.round((ri.retryDelay?.nanos ?? 0) / 1e6);
}

// Kept here for its callers; it lives apart so that choosing an endpoint loads no gRPC.
export { endpointsFor } from './endpoints.js';

function safeCall(fn: () => void): void {
  try {
    fn();
  } catch {
    // A failing observer must not turn into a failed response.
  }
}
