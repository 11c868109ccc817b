// The session's ingest pipeline: keeps the receiver and the per-request CPU work off the
// host's main thread (the editor's extension host, or the CLI), which must never stutter
// while a build floods it. The run's port is the front's (receiver/front.ts), which listens on
// this thread at once and relays the bytes to the receiver behind it, so the build is started
// without waiting for the worker's boot. A worker thread (ingest-worker.ts) runs the run's OTLP/HTTP
// receiver and prepares each request (decode, safety policy, bundle line, normalize); the
// bodies never reach this thread, whose heap would otherwise be collected again and again
// for them. This thread only does the cheap steps, in arrival order, one step per
// event-loop turn:
//   head  the run's caps admit or refuse the request; an admitted one has its prepared
//         line appended to the bundle and its request handed to the forwarder;
//   slice normalized items, at most SLICE_ITEMS per message, stored (a request of one slice
//         is admitted and stored in one step). The worker posts them
//         on a port of their own that is read one message per turn (receiveMessageOnPort):
//         a port with a listener has all its queued messages delivered in a single turn.
// The worker answers the request after its last slice is stored ('done'), so an
// acknowledged item is in the store. After a refusal the worker is told what room is left
// and stops preparing what would be refused.
// Fallback: when the worker cannot start, the receiver runs here and each request is done
// in-thread (RunIngest's synchronous path), still one per turn. When the worker dies, a
// warning says so, the requests it had handed over are finished from the data port, and a
// receiver here takes over behind the same front (exporters retry what was cut off).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { reviveSpans } from '../../core/otlp/normalize.js';
import type { OtlpRequest, OtlpSignal } from '../../core/otlp/types.js';
import type { TelemetryBatch } from '../../core/model.js';
import type { BudgetRoom, CaptureLimits, ItemCounts } from '../../core/safety/limits.js';
import type { RedactionConfig } from '../../core/safety/redact.js';
import type { Receiver } from '../../receiver/index.js';
import { startFront, type ReceiverFront } from '../../receiver/front.js';
import { takeSpareWorker } from './workerSpare.js';
import { lazy } from '../../core/lazy.js';
import type { PolicyStats, RootSpanId } from './prepare.js';

// The in-thread receiver (and with it the decoders) loads only if the worker cannot start.
const receiverModule = lazy(() => require('../../receiver/index.js') as typeof import('../../receiver/index.js'));

/** Items per slice message: one slice is one short main-thread turn (~1 ms). */
export const SLICE_ITEMS = 128;
/** A worker that owes an answer for this long is treated as dead. */
const STALL_MS = 30_000;

export interface RawExport {
  signal: OtlpSignal;
  encoding: 'protobuf' | 'json';
  /** The decompressed body in the chunks it arrived in; read, never changed. */
  chunks: Uint8Array[];
}

export interface ExportOutcome {
  rejectedItems: number;
  /** The partial-success message ('' when nothing was rejected). */
  message: string;
}

export interface WorkerInit {
  options: { redaction?: Partial<RedactionConfig>; limits?: Partial<CaptureLimits>; debug?: boolean };
  /** Send the prepared request back too (the forwarder needs it). */
  withRequest: boolean;
  sliceItems: number;
  /** The receiver's bearer token. */
  token: string;
  data: MessagePort;
}

export type WorkerIn =
  | { t: 'init'; init: WorkerInit }
  | { t: 'root'; root: RootSpanId }
  | { t: 'room'; room: BudgetRoom }
  | { t: 'done'; id: number }
  | { t: 'sync' }
  | { t: 'close' };

export interface HeadMessage {
  t: 'head';
  id: number;
  signal: OtlpSignal;
  counts: ItemCounts;
  own: boolean;
  /** Absent when the worker knew the request would be refused (see BudgetRoom). */
  line?: Uint8Array;
  /** Slice messages of this request on the data port, posted before this head. */
  slices: number;
  stats: PolicyStats;
  request?: OtlpRequest;
}

export type WorkerOut =
  | HeadMessage
  | { t: 'listening'; port: number }
  | { t: 'synced' }
  | { t: 'closed' };

/** What the pipeline needs of the run (RunIngest). */
export interface PipelineSink {
  /** The run's caps, then bundle and forwarder; false = refused (nothing of it is kept). */
  admitPrepared(head: HeadMessage): boolean;
  /** What is left of the run's caps (the worker skips what they refuse). */
  room(): BudgetRoom;
  storeItems(batch: TelemetryBatch): void;
  /** The whole request in-thread (decode … store); throws OtlpDecodeError. */
  exportInThread(raw: RawExport): ExportOutcome;
  workerStats(stats: PolicyStats): void;
  warn(message: string): void;
}

/** A request of the worker's (head) or of the in-thread receiver (raw). */
interface Pending {
  head?: HeadMessage;
  raw?: RawExport;
  resolve?: (o: ExportOutcome) => void;
  reject?: (e: Error) => void;
  admitted?: boolean;
  /** Slices read from the data port so far. */
  taken: number;
}

/** The worker script beside this module (or its folder's parent): dist/ingest-worker.js in the bundles, the
 * TypeScript source (through tsx's require hook) when the sources run under tsx. */
function workerScript(): { script: string; eval: boolean } | string {
  if (__filename.endsWith('.ts')) {
    const ts = join(__dirname, 'ingest-worker.ts');
    return { script: `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(ts)});`, eval: true };
  }
  // dist/cli.js sits beside it; the extension's run machinery is dist/lazy/engine.js.
  const candidates = [join(__dirname, 'ingest-worker.js'), join(__dirname, '..', 'ingest-worker.js')];
  const js = candidates.find((c) => existsSync(c));
  return js ? { script: js, eval: false } : `${candidates[0]} is missing`;
}

export class IngestPipeline {
  private worker: Worker | undefined;
  private data: MessagePort | undefined;
  private local: Receiver | undefined;
  private front: ReceiverFront | undefined;
  /** Resolves once a receiver listens behind the front (or none can). */
  private ready: Promise<void> = Promise.resolve();
  private port = 0;
  private token = '';
  private readonly queue: Pending[] = [];
  private stepScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private waiters = new Map<'synced' | 'closed', () => void>();
  private lastProgress = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private root: RootSpanId | undefined;
  private lastRoom = '';

  constructor(private readonly sink: PipelineSink) {}

  /** The run's OTLP/HTTP receiver, behind its front (receiver/front.ts): resolves as soon as
   * the front listens; the receiver starts behind it, in the worker or, when the worker cannot
   * start, here. */
  async startReceiver(token: string, init: Omit<WorkerInit, 'sliceItems' | 'token' | 'data'>): Promise<Receiver> {
    this.token = token;
    const front = await startFront();
    this.front = front;
    this.ready = this.startWorker({ ...init, token }).then(async (failed) => {
      if (failed === undefined) return front.forwardTo(this.port);
      this.sink.warn(`telemetry is received and decoded on the main thread: the ingest worker cannot start (${failed})`);
      await this.startLocal();
    });
    return {
      url: front.url,
      port: front.port,
      close: () => this.closeReceiver(),
      stats: () => this.local?.stats() ?? { accepted: 0, rejected: 0 },
      load: () => this.local?.load() ?? { inflightBytes: 0, peakInflightBytes: 0, busy: 0 },
    };
  }

  /** The receiver here, behind the front (the worker cannot start, or died). */
  private async startLocal(): Promise<void> {
    try {
      this.local = await this.localReceiver();
      this.port = this.local.port;
      this.front?.forwardTo(this.port);
    } catch (e) {
      this.sink.warn(`the run's receiver could not be started: ${e instanceof Error ? e.message : String(e)}; the build's telemetry is refused`);
      this.front?.refuse();
    }
  }

  get usesWorker(): boolean {
    return this.worker !== undefined;
  }

  setRoot(root: RootSpanId): void {
    this.root = root;
    this.post({ t: 'root', root });
  }

  /** Resolves when every request received so far is stored (or refused). */
  async idle(): Promise<void> {
    await this.ready;
    if (this.worker) await this.ask({ t: 'sync' }, 'synced');
    if (this.queue.length === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** After the receiver closed: finish what is queued, then stop the worker. */
  async close(): Promise<void> {
    await this.idle();
    const w = this.worker;
    this.worker = undefined;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.data?.close();
    this.data = undefined;
    // Everything it took is stored: its thread is not waited for (it stops on its own).
    if (w) void w.terminate();
  }

  private async startWorker(init: Omit<WorkerInit, 'sliceItems' | 'data'>): Promise<string | undefined> {
    const where = workerScript();
    if (typeof where === 'string') return where;
    const channel = new MessageChannel();
    const workerData: WorkerInit = { ...init, sliceItems: SLICE_ITEMS, data: channel.port2 };
    // A spare started at the CLI's start has booted already: it gets its settings by message.
    const spare = where.eval ? undefined : takeSpareWorker(where.script);
    let w: Worker;
    try {
      w = spare ?? new Worker(where.script, { eval: where.eval, workerData, transferList: [channel.port2] });
    } catch (e) {
      channel.port1.close();
      return e instanceof Error ? e.message : String(e);
    }
    const listening = new Promise<Extract<WorkerOut, { t: 'listening' }> | string>((resolve) => {
      w.on('message', (m: WorkerOut) => {
        if (m.t === 'listening') resolve(m);
        else if (this.worker === w) this.onMessage(m);
      });
      w.once('error', (e) => resolve(e instanceof Error ? e.message : String(e)));
      w.once('exit', (code) => resolve(`it exited with code ${code}`));
    });
    if (spare) spare.postMessage({ t: 'init', init: workerData } satisfies WorkerIn, [channel.port2]);
    const r = await listening;
    if (typeof r === 'string') {
      channel.port1.close();
      void w.terminate();
      return r;
    }
    this.worker = w;
    this.data = channel.port1;
    this.port = r.port;
    w.on('error', (e) => void this.lost(w, e instanceof Error ? e.message : String(e)));
    w.on('exit', (code) => void this.lost(w, `it exited with code ${code}`));
    if (this.root) this.post({ t: 'root', root: this.root });
    this.watchdog = setInterval(() => {
      if (this.worker && this.queue.length > 0 && Date.now() - this.lastProgress > STALL_MS) {
        void this.lost(this.worker, `it did not answer for ${STALL_MS / 1000} s`);
      }
    }, 1000);
    this.watchdog.unref();
    return undefined;
  }

  private localReceiver(): Promise<Receiver> {
    return receiverModule().startReceiver({
      token: this.token,
      onExport: () => {
        throw new Error('unreachable: onBody takes every request');
      },
      onBody: (raw) => this.submit(raw),
    });
  }

  /** A request of the in-thread receiver. */
  private submit(raw: RawExport): Promise<ExportOutcome> {
    return new Promise<ExportOutcome>((resolve, reject) => {
      this.queue.push({ raw, resolve, reject, taken: 0 });
      if (this.queue.length === 1) this.schedule();
    });
  }

  private post(m: WorkerIn): void {
    this.worker?.postMessage(m);
  }

  /** A round trip to the worker (resolves at once when it is gone). */
  private ask(m: WorkerIn, answer: 'synced' | 'closed'): Promise<void> {
    const w = this.worker;
    if (!w) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const prev = this.waiters.get(answer);
      this.waiters.set(answer, () => {
        prev?.();
        resolve();
      });
      w.postMessage(m);
    });
  }

  private async closeReceiver(): Promise<void> {
    await this.ready;
    const local = this.local;
    this.local = undefined;
    const behind = Promise.all([this.ask({ t: 'close' }, 'closed'), local?.close()]);
    await this.front?.close(behind);
    this.front = undefined;
  }

  private async lost(w: Worker, why: string): Promise<void> {
    if (this.worker !== w) return;
    this.worker = undefined;
    for (const resolve of this.waiters.values()) resolve();
    this.waiters.clear();
    // The data port stays: the slices of every request whose head arrived are in it.
    this.sink.warn(`the ingest worker stopped (${why}); telemetry is now received and decoded on the main thread`);
    this.schedule();
    // A stuck worker still holds the port until it is gone.
    await w.terminate().catch(() => undefined);
    if (this.front) await this.startLocal();
  }

  private onMessage(m: WorkerOut): void {
    this.lastProgress = Date.now();
    if (m.t === 'head') {
      this.sink.workerStats(m.stats);
      this.queue.push({ head: m, taken: 0 });
      if (this.queue.length === 1) this.schedule();
    } else if (m.t === 'synced' || m.t === 'closed') {
      const resolve = this.waiters.get(m.t);
      this.waiters.delete(m.t);
      resolve?.();
    }
  }

  private schedule(): void {
    if (this.stepScheduled) return;
    this.stepScheduled = true;
    setImmediate(() => {
      this.stepScheduled = false;
      this.step();
    });
  }

  /** One step of the request at the front: its head, or one of its slices. */
  private step(): void {
    const p = this.queue[0];
    if (!p) return;
    const h = p.head;
    if (!h) {
      this.inThread(p);
      return;
    }
    // A request of a single slice is admitted and stored in the same turn (still a short
    // step): one event-loop hop less before it is answered.
    if (p.admitted === undefined) {
      p.admitted = this.sink.admitPrepared(h);
      if (!p.admitted) this.tellRoom();
      if (h.slices === 1 && !this.takeSlice(p, h)) return;
    } else if (!this.takeSlice(p, h)) return;
    if (p.taken >= h.slices) this.done(p);
    else this.schedule();
  }

  /** Reads the request's next slice and stores it if the request was admitted; false when it
   * is missing (the request is then finished). */
  private takeSlice(p: Pending, h: HeadMessage): boolean {
    // Posted before the head, so it is there (also after the worker died); a refused
    // request's slices are read and skipped.
    const m = this.data && (receiveMessageOnPort(this.data)?.message as { id: number; batch: TelemetryBatch } | undefined);
    if (!m || m.id !== h.id) {
      this.sink.warn('the ingest worker lost part of a request');
      this.done(p);
      return false;
    }
    p.taken++;
    if (p.admitted) {
      if (m.batch.spans.length > 0) reviveSpans(m.batch.spans);
      this.sink.storeItems(m.batch);
    }
    return true;
  }

  private tellRoom(): void {
    const room = this.sink.room();
    const key = JSON.stringify(room);
    if (key === this.lastRoom) return;
    this.lastRoom = key;
    this.post({ t: 'room', room });
  }

  private inThread(p: Pending): void {
    try {
      p.resolve?.(this.sink.exportInThread(p.raw!));
    } catch (e) {
      p.reject?.(e instanceof Error ? e : new Error(String(e)));
    }
    this.done(p);
  }

  private done(p: Pending): void {
    this.queue.shift();
    if (p.head) this.post({ t: 'done', id: p.head.id });
    if (this.queue.length > 0) this.schedule();
    else {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
