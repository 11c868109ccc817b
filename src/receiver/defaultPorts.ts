// Optional listeners on the standard OTLP ports, 127.0.0.1:4318 (HTTP) and :4317 (gRPC),
// for senders that ignore our environment — CodeAnatomy's Rust engine exports its traces to
// http://127.0.0.1:4318/v1/traces whatever OTEL_* says (docs/codeanatomy-telemetry.md §1).
//
// Such senders cannot know the run's token, so these listeners take no token. What keeps
// them safe instead:
//  * bound to 127.0.0.1 only, and each request's peer address is checked to be loopback
//    (403 / PERMISSION_DENIED otherwise);
//  * nothing is accepted while no run is attached (503 / UNAVAILABLE, body not read);
//  * everything accepted is marked on its resource with
//    `build_diagnostics.received_via = default_port.http|default_port.grpc`, and the
//    export carries `viaDefaultPort`, so views can say it arrived unauthenticated.
// A port another process holds (another editor window, a local Collector) is not an error:
// start() reports it once per listener and the run goes on without it.
import type { IncomingMessage } from 'node:http';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { normalize } from '../core/otlp/index.js';
import { markReceivedVia, type ReceivedVia } from '../core/artifacts/provenance.js';
import { HttpError, isLoopbackHost, startReceiver, type ReceivedExport, type Receiver } from './index.js';
import { GrpcCallError, startGrpcReceiver, type GrpcReceiver } from './grpc.js';

export const DEFAULT_OTLP_HTTP_PORT = 4318;
export const DEFAULT_OTLP_GRPC_PORT = 4317;

export type DefaultPortTransport = 'http' | 'grpc';

export interface DefaultPortExport extends ReceivedExport {
  /** Arrived without a token on a default port. */
  viaDefaultPort: DefaultPortTransport;
}

export type PortStatus =
  | { ok: true; transport: DefaultPortTransport; port: number; url: string }
  | { ok: false; transport: DefaultPortTransport; port: number; message: string }
  | { ok: false; transport: DefaultPortTransport; port: null; message: 'disabled' };

export interface DefaultPortOptions {
  /** Default 4318; null = no HTTP listener. Tests pass 0 (ephemeral). */
  httpPort?: number | null;
  /** Default 4317; null = no gRPC listener. */
  grpcPort?: number | null;
  maxBodyBytes?: number;
  /** A listener that could not start; called once per transport per DefaultPortListener. */
  onNotice?: (message: string) => void;
}

const UNAVAILABLE_HTTP = 503;
const RPC_UNAVAILABLE = 14;
const RPC_PERMISSION_DENIED = 7;
const NO_RUN = 'no build is running in Build Diagnostics; telemetry on this port is only accepted during a run';

/** 127.0.0.0/8, ::1, and IPv4-mapped 127.x (what a dual-stack socket reports). */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  return a !== 'localhost' && isLoopbackHost(a);
}

export class DefaultPortListener {
  private sink: ((exp: DefaultPortExport) => void) | undefined;
  private http: Receiver | undefined;
  private grpc: GrpcReceiver | undefined;
  private started: Promise<{ http: PortStatus; grpc: PortStatus }> | undefined;
  private readonly noticed = new Set<DefaultPortTransport>();

  constructor(private readonly opts: DefaultPortOptions = {}) {}

  /** Bind both ports (idempotent). Never throws: a port that cannot be bound is reported. */
  start(): Promise<{ http: PortStatus; grpc: PortStatus }> {
    return (this.started ??= (async () => {
      const [http, grpc] = await Promise.all([this.startHttp(), this.startGrpc()]);
      return { http, grpc };
    })());
  }

  /** Route what arrives to the active run. Replaces a previous sink. */
  attach(onExport: (exp: DefaultPortExport) => void): void {
    this.sink = onExport;
  }

  /** From now on answer 503 / UNAVAILABLE. */
  detach(): void {
    this.sink = undefined;
  }

  get attached(): boolean {
    return this.sink !== undefined;
  }

  async close(): Promise<void> {
    this.sink = undefined;
    await this.started;
    const closing = [this.http?.close(), this.grpc?.close()];
    this.http = undefined;
    this.grpc = undefined;
    this.started = undefined;
    await Promise.all(closing);
  }

  private deliver(exp: ReceivedExport, via: DefaultPortTransport): boolean {
    const sink = this.sink;
    if (!sink) return false;
    const tag: ReceivedVia = via === 'http' ? 'default_port.http' : 'default_port.grpc';
    const request = markReceivedVia(exp.signal, exp.request, tag);
    sink({ ...exp, request, batch: normalize(exp.signal, request), viaDefaultPort: via });
    return true;
  }

  private async startHttp(): Promise<PortStatus> {
    const port = this.opts.httpPort === undefined ? DEFAULT_OTLP_HTTP_PORT : this.opts.httpPort;
    if (port === null) return { ok: false, transport: 'http', port: null, message: 'disabled' };
    try {
      this.http = await startReceiver({
        token: '',
        requireToken: false,
        port,
        maxBodyBytes: this.opts.maxBodyBytes,
        admit: (req: IncomingMessage) => {
          if (!isLoopbackPeer(req.socket.remoteAddress)) return new HttpError(403, RPC_PERMISSION_DENIED, 'only loopback clients are accepted');
          if (!this.sink) return new HttpError(UNAVAILABLE_HTTP, RPC_UNAVAILABLE, NO_RUN);
          return undefined;
        },
        onExport: (exp) => {
          // The run ended while the body was being read.
          if (!this.deliver(exp, 'http')) throw new HttpError(UNAVAILABLE_HTTP, RPC_UNAVAILABLE, NO_RUN);
        },
      });
      return { ok: true, transport: 'http', port: this.http.port, url: this.http.url };
    } catch (e) {
      return this.failed('http', port, e);
    }
  }

  private async startGrpc(): Promise<PortStatus> {
    const port = this.opts.grpcPort === undefined ? DEFAULT_OTLP_GRPC_PORT : this.opts.grpcPort;
    if (port === null) return { ok: false, transport: 'grpc', port: null, message: 'disabled' };
    try {
      this.grpc = await startGrpcReceiver({
        token: '',
        requireToken: false,
        port,
        maxMessageBytes: this.opts.maxBodyBytes,
        admit: ({ address }) => {
          if (!isLoopbackPeer(address)) return { code: GrpcStatus.PERMISSION_DENIED, message: 'only loopback clients are accepted' };
          if (!this.sink) return { code: GrpcStatus.UNAVAILABLE, message: NO_RUN };
          return undefined;
        },
        onExport: (exp) => {
          if (!this.deliver(exp, 'grpc')) throw new GrpcCallError(GrpcStatus.UNAVAILABLE, NO_RUN);
        },
      });
      return { ok: true, transport: 'grpc', port: this.grpc.port, url: this.grpc.url };
    } catch (e) {
      return this.failed('grpc', port, e);
    }
  }

  private failed(transport: DefaultPortTransport, port: number, e: unknown): PortStatus {
    const raw = e instanceof Error ? e.message : String(e);
    const held = /EADDRINUSE|address already in use/i.test(raw);
    const name = transport === 'http' ? 'OTLP/HTTP' : 'OTLP/gRPC';
    const message = held
      ? `the default ${name} port 127.0.0.1:${port} is held by another process (another editor window or a local collector?): telemetry sent there will not reach this run`
      : `cannot listen on the default ${name} port 127.0.0.1:${port} (${raw.slice(0, 200)}): telemetry sent there will not reach this run`;
    if (!this.noticed.has(transport)) {
      this.noticed.add(transport);
      try {
        this.opts.onNotice?.(message);
      } catch {
        // a view's bug must not break the run
      }
    }
    return { ok: false, transport, port, message };
  }
}

