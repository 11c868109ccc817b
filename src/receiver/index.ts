// The OTLP/HTTP receiver: one per run, loopback only, per-run bearer token.
// Spec: https://opentelemetry.io/docs/specs/otlp/#otlphttp
//
// Request handling, in order (the first failing check answers):
//   404 unknown path · 405 not POST (with `Allow: POST`) · 401 bad/missing bearer token
//   (body never read) · 415 content type other than application/x-protobuf or
//   application/json, or a content encoding other than gzip/identity · 413 body over
//   `maxBodyBytes` (declared, or counted while streaming after decompression) · 400 body
//   that does not decode · 503 + `Retry-After` when accepting the body would push the bytes
//   held for unfinished requests over `maxInflightBytes` (back-pressure, below) or when the
//   sink asks for a pause · 200 with an Export*ServiceResponse otherwise.
// Back-pressure (https://opentelemetry.io/docs/specs/otlp/#otlphttp-throttling): many
// concurrent exporters could each hold a large body in our memory while it uploads. The sum
// of bytes buffered for requests not yet answered is bounded by `maxInflightBytes`; past it
// a request is answered 503 Service Unavailable with `Retry-After` (seconds), which OTLP
// exporters treat as retryable, instead of buffering without bound. A request that is
// alone is always admitted (up to maxBodyBytes), so progress never stops.
// Responsiveness: the receiver shares its thread with the editor. Decoding and storing a
// 512-span batch takes milliseconds; when many requests complete in the same turn of the
// event loop, handling them back to back would hold the loop for all of them. So complete
// bodies wait for their turn and are handled one per turn (setImmediate between), letting
// timers and other I/O run in between; the bytes they hold count against the in-flight
// budget, so a backlog turns into 503s, not into memory.
// Error bodies are a google.rpc.Status in the request's encoding (JSON when unknown).
//
// Partial success: a span, log record or data point whose *ids* are wrong (wrong length,
// all-zero span/trace id, not hex/base64 in JSON) is dropped on its own and counted in
// `partial_success` (rejectedSpans / rejectedLogRecords / rejectedDataPoints) with the
// first few reasons in `error_message`; everything else in the request is accepted.
// Anything structurally wrong (bad wire format or JSON, a field of the wrong type, too
// deep nesting) rejects the whole request with 400, since nothing in it can be trusted.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TelemetryBatch } from '../core/model.js';
// Not the otlp barrel: the decoders and encoders (and protobufjs) load with the first
// request, not while the receiver starts.
import { OtlpDecodeError, type OtlpRequest, type OtlpSignal } from '../core/otlp/types.js';
import { RpcCode } from '../core/otlp/rpcCode.js';
import { normalize } from '../core/otlp/normalize.js';
import { rejectionMessage } from '../core/otlp/rejection.js';
import { lazy } from '../core/lazy.js';
import { BadBodyEncoding, BodyTooLarge, ClientGone, ReceiverBusy, readBodyChunks, type InflightBudget } from './body.js';

const codec = lazy(() => ({
  ...(require('../core/otlp/decodeBody.js') as typeof import('../core/otlp/decodeBody.js')),
  ...(require('../core/otlp/encode.js') as typeof import('../core/otlp/encode.js')),
}));

export interface ReceiverOptions {
  /** Per-run bearer token; requests must send `Authorization: Bearer <token>`. */
  token: string;
  /** Default 127.0.0.1. Must be a loopback address. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default 32 MiB, applied after gzip decompression. */
  maxBodyBytes?: number;
  /** Bound on the bytes held for all unfinished request bodies together (after
   * decompression). Default max(64 MiB, 2 × maxBodyBytes). */
  maxInflightBytes?: number;
  /** Seconds sent in `Retry-After` with a 503. Default 1. */
  retryAfterS?: number;
  /** Handle one complete request per event-loop turn (default true; see the header). */
  onePerTurn?: boolean;
  /** Called synchronously for each accepted request. It may throw an HttpError to answer
   * the request, or an error with a numeric `retryAfterMs` (e.g. the gRPC receiver's
   * ExportRetryLater) to answer 503 + Retry-After: the sink cannot take data right now. */
  onExport: (exp: ReceivedExport) => void;
  /** When given, takes over from decoding on: it gets each accepted request's raw
   * (decompressed) body, in arrival order, and the request is answered when it settles —
   * 200 with its partial success, 400 for an OtlpDecodeError, as for onExport otherwise.
   * onExport is then not called (the run session's ingest worker, src/launch/session/). */
  onBody?: (raw: { signal: OtlpSignal; encoding: Encoding; chunks: Uint8Array[] }) => Promise<{ rejectedItems: number; message: string }>;
  /** Called for every request answered with a non-200 status. */
  onRejected?: (info: { status: number; message: string; path: string }) => void;
  /** Default true. false = no bearer-token check: only for the default-port listener
   * (src/receiver/defaultPorts.ts), where a sender cannot know our token; `admit` decides. */
  requireToken?: boolean;
  /** Checked after the path and method, before the token and the body: a returned
   * HttpError answers the request (e.g. 403 for a non-loopback peer, 503 with no run). */
  admit?: (req: IncomingMessage) => HttpError | undefined;
}

export interface ReceivedExport {
  signal: OtlpSignal;
  /** Canonical OTLP/JSON, without the items that were rejected. */
  request: OtlpRequest;
  /** The normalized model of `request`, built when first read (from `request` as it is
   * then: a sink that rewrites `request` first gets the rewritten model). */
  batch: TelemetryBatch;
  encoding: 'protobuf' | 'json';
  /** Body size after decompression. */
  bytes: number;
  /** Items dropped from this request (see the header comment), 0 when none. */
  rejectedItems: number;
}

export interface Receiver {
  /** http://127.0.0.1:PORT — the value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): { accepted: number; rejected: number };
  /** Back-pressure figures: bytes held now and at most, requests answered 503 busy. */
  load(): { inflightBytes: number; peakInflightBytes: number; busy: number };
}

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
const PATHS: Record<string, OtlpSignal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };
/** After a 413 we keep discarding what the client still sends (so it can read our
 * answer) for at most this long, then drop the connection. */
const DRAIN_MS = 3000;
/** Slow or stuck clients are cut off; idle keep-alive connections are closed after 5 s. */
const SERVER_OPTIONS = { requestTimeout: 120_000, headersTimeout: 30_000, keepAliveTimeout: 5_000 } as const;

type Encoding = 'protobuf' | 'json';

/** A refusal with its HTTP status and the gRPC code for the google.rpc.Status body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly rpcCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`receiver must bind to a loopback address, not ${host}`);
  const requireToken = opts.requireToken !== false;
  if (requireToken && !opts.token) throw new Error('receiver needs a non-empty bearer token');
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const expectedAuth = digest(`Bearer ${opts.token}`);
  const counts = { accepted: 0, rejected: 0 };
  const maxInflight = opts.maxInflightBytes ?? Math.max(64 * 1024 * 1024, 2 * maxBodyBytes);
  const retryAfter = String(Math.max(1, Math.ceil(opts.retryAfterS ?? 1)));
  const load = { inflightBytes: 0, peakInflightBytes: 0, busy: 0 };
  const onePerTurn = opts.onePerTurn !== false;
  let queue: Promise<void> = Promise.resolve();
  /** Resolves when it is this request's turn: the previous one's turn plus one loop turn. */
  const nextTurn = (): Promise<void> => (queue = queue.then(() => new Promise<void>((r) => setImmediate(r))));
  const busyError = (why: string, seconds = retryAfter): HttpError =>
    new HttpError(503, RpcCode.UNAVAILABLE, why, { 'Retry-After': seconds });
  /** A request's share of the in-flight budget: over the limit only counts when some other
   * request holds bytes too, so a lone request is never refused. */
  const budgetFor = (held: { bytes: number }): InflightBudget => ({
    take: (n) => {
      if (load.inflightBytes + n > maxInflight && load.inflightBytes > held.bytes) return false;
      load.inflightBytes += n;
      if (load.inflightBytes > load.peakInflightBytes) load.peakInflightBytes = load.inflightBytes;
      return true;
    },
    release: (n) => {
      load.inflightBytes -= n;
    },
  });

  const reject = (req: IncomingMessage, res: ServerResponse, path: string, enc: Encoding, err: HttpError): void => {
    counts.rejected++;
    safeCall(() => opts.onRejected?.({ status: err.status, message: err.message, path }));
    if (res.headersSent || res.destroyed) return;
    const body = codec().encodeRpcStatus(enc, err.rpcCode, err.message);
    // When the body was not (fully) read, the connection cannot be reused: say so, discard
    // what the client still sends without buffering it, and drop the socket after a grace.
    const incomplete = !req.complete;
    res.writeHead(err.status, {
      'Content-Type': enc === 'json' ? 'application/json' : 'application/x-protobuf',
      'Content-Length': String(Buffer.byteLength(body)),
      ...err.headers,
      ...(incomplete ? { Connection: 'close' } : {}),
    });
    res.end(body);
    if (incomplete) {
      req.resume();
      const timer = setTimeout(() => req.socket.destroy(), DRAIN_MS);
      timer.unref();
      req.socket.once('close', () => clearTimeout(timer));
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0]!;
    const enc = encodingOf(req.headers['content-type']);
    const held = { bytes: 0 };
    const budget = budgetFor(held);
    try {
      const signal = PATHS[path];
      if (!signal) throw new HttpError(404, RpcCode.NOT_FOUND, `unknown path ${path.slice(0, 100)}; expected /v1/traces, /v1/logs or /v1/metrics`);
      if (req.method !== 'POST') throw new HttpError(405, RpcCode.UNIMPLEMENTED, `method ${req.method} not allowed`, { Allow: 'POST' });
      const refusal = opts.admit?.(req);
      if (refusal) throw refusal;
      if (requireToken && !authorized(req.headers.authorization, expectedAuth)) {
        throw new HttpError(401, RpcCode.UNAUTHENTICATED, 'missing or wrong bearer token', { 'WWW-Authenticate': 'Bearer' });
      }
      if (!enc) {
        throw new HttpError(415, RpcCode.INVALID_ARGUMENT, `unsupported content type ${JSON.stringify((req.headers['content-type'] ?? '').slice(0, 100))}; use application/x-protobuf or application/json`);
      }
      const ce = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (ce !== 'gzip' && ce !== 'x-gzip' && ce !== 'identity' && ce !== '') {
        throw new HttpError(415, RpcCode.INVALID_ARGUMENT, `unsupported content encoding ${JSON.stringify(ce.slice(0, 50))}; use gzip or none`);
      }
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBodyBytes) {
        throw new HttpError(413, RpcCode.RESOURCE_EXHAUSTED, `body of ${declared} bytes exceeds the limit of ${maxBodyBytes}`);
      }
      if (Number.isFinite(declared) && load.inflightBytes > 0 && load.inflightBytes + declared > maxInflight) {
        throw busyError(`the receiver is busy (${load.inflightBytes} bytes of other requests in flight); retry after ${retryAfter} s`);
      }
      const chunks = await readBodyChunks(req, {
        maxBytes: maxBodyBytes,
        gzip: ce === 'gzip' || ce === 'x-gzip',
        budget,
        onHeld: (n) => (held.bytes += n),
      });
      let rejectedItems = 0;
      let message = '';
      try {
        if (opts.onBody) {
          // The decoding and storing are the sink's to schedule: nothing heavy happens here.
          ({ rejectedItems, message } = await opts.onBody({ signal, encoding: enc, chunks }));
        } else {
          const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          if (onePerTurn) await nextTurn();
          ({ rejectedItems, message } = decodeAndExport(signal, enc, body, opts.onExport));
        }
      } catch (e) {
        const ms = retryAfterMsOf(e);
        if (ms !== undefined) throw busyError(e instanceof Error ? e.message : 'retry later', String(Math.max(1, Math.ceil(ms / 1000))));
        throw e;
      }

      counts.accepted++;
      const out = codec().encodeExportResponse(signal, enc, rejectedItems > 0 ? { rejected: rejectedItems, message } : undefined);
      res.writeHead(200, {
        'Content-Type': enc === 'json' ? 'application/json' : 'application/x-protobuf',
        'Content-Length': String(Buffer.byteLength(out)),
      });
      res.end(out);
    } catch (e) {
      const err = e instanceof ReceiverBusy ? busyError(e.message) : toHttpError(e);
      if (err.status === 503) load.busy++;
      reject(req, res, path, enc ?? 'json', err);
    } finally {
      budget.release(held.bytes);
      held.bytes = 0;
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      // handle() answers every error itself; this only guards against a bug there.
      if (!res.headersSent) res.destroy();
    });
  };
  const server: Server = createServer(SERVER_OPTIONS, onRequest);
  // A malformed request line or headers: answer 400 and close rather than crash.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stats: () => ({ ...counts }),
    load: () => ({ ...load }),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** The in-thread path: decode, then the sink (which may throw, see onExport). */
function decodeAndExport(signal: OtlpSignal, enc: Encoding, body: Buffer, onExport: (exp: ReceivedExport) => void): { rejectedItems: number; message: string } {
  const { request, rejectedItems, reasons } = codec().decodeBody(signal, enc, body);
  // The model is built on first use: the run session normalizes the request itself
  // after redaction, so for it this work would be wasted (a sixth of ingest time).
  let batch: TelemetryBatch | undefined;
  onExport({
    signal,
    request,
    get batch() {
      return (batch ??= normalize(signal, request));
    },
    encoding: enc,
    bytes: body.length,
    rejectedItems,
  });
  const message = rejectionMessage(rejectedItems, reasons);
  return { rejectedItems, message };
}

function encodingOf(contentType: string | undefined): Encoding | undefined {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime === 'application/x-protobuf') return 'protobuf';
  if (mime === 'application/json') return 'json';
  return undefined;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Constant-time comparison (of digests, so lengths match); scheme case-insensitive. */
function authorized(header: string | undefined, expected: Buffer): boolean {
  if (!header) return false;
  const m = /^\s*bearer\s+(.*?)\s*$/i.exec(header);
  if (!m) return false;
  return timingSafeEqual(digest(`Bearer ${m[1]}`), expected);
}

function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof BodyTooLarge) return new HttpError(413, RpcCode.RESOURCE_EXHAUSTED, e.message);
  if (e instanceof OtlpDecodeError || e instanceof BadBodyEncoding) return new HttpError(400, RpcCode.INVALID_ARGUMENT, e.message);
  if (e instanceof ClientGone) return new HttpError(400, RpcCode.INVALID_ARGUMENT, e.message);
  return new HttpError(500, RpcCode.INTERNAL, `internal error: ${e instanceof Error ? e.message : String(e)}`);
}

/** `retryAfterMs` of an error that asks the client to come back later (duck-typed so that
 * this module does not depend on the gRPC receiver's ExportRetryLater). */
function retryAfterMsOf(e: unknown): number | undefined {
  if (!(e instanceof Error) || !('retryAfterMs' in e)) return undefined;
  const ms = (e as { retryAfterMs: unknown }).retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function safeCall(fn: () => void): void {
  try {
    fn();
  } catch {
    // A failing observer must not turn into a failed response.
  }
}
