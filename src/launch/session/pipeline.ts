// The session's ingest pipeline: keeps the per-request CPU work of the receiver's requests
// off the host's main thread (the editor's extension host, or the CLI), which must never
// stutter while a build floods it. The raw bodies go to a worker thread (ingest-worker.ts:
// decode, safety policy, bundle line, normalize); the main thread only does the cheap
// steps, in arrival order and one step per event-loop turn:
//   head  the run's caps admit or refuse the request; an admitted one has its prepared
//         line appended to the bundle and its request handed to the forwarder;
//   slice normalized items, at most SLICE_ITEMS per message, stored. The worker posts them
//         on a port of their own that is read one message per turn (receiveMessageOnPort):
//         a port with a listener has all its queued messages delivered in a single turn.
// A request is answered after its last slice, so an acknowledged item is in the store.
// Once a cap is hit the worker is told, and stops preparing what will be refused. If the
// worker cannot start, crashes or stops answering, a warning says so and the pipeline goes
// on in-thread (RunIngest's synchronous path), replaying what the worker had not finished:
// each body is kept until its request is done.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { OtlpDecodeError, shareEmptyLists, type OtlpRequest, type OtlpSignal } from '../../core/otlp/index.js';
import type { TelemetryBatch } from '../../core/model.js';
import type { ItemCounts } from '../../core/safety/limits.js';
import type { RedactionConfig } from '../../core/safety/redact.js';
import type { CaptureLimits } from '../../core/safety/limits.js';
import { rejectionMessage, type PolicyStats, type RootSpanId } from './prepare.js';

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
}

export interface FullCaps {
  spans: boolean;
  logs: boolean;
  metrics: boolean;
  bytes: boolean;
}

export type WorkerIn =
  | { t: 'root'; root: RootSpanId }
  | { t: 'full'; full: FullCaps }
  | { t: 'req'; id: number; signal: OtlpSignal; encoding: 'protobuf' | 'json'; chunks: Uint8Array[] };

export interface HeadMessage {
  t: 'head';
  id: number;
  error?: { decode: boolean; message: string };
  counts: ItemCounts;
  own: boolean;
  /** Absent when the worker knew the request would be refused (see FullCaps). */
  line?: Uint8Array;
  /** Slice messages of this request on the data port, posted before this head. */
  slices: number;
  rejectedItems: number;
  reasons: string[];
  stats: PolicyStats;
  request?: OtlpRequest;
}

/** What the pipeline needs of the run (RunIngest). */
export interface PipelineSink {
  /** The run's caps, then bundle and forwarder; false = refused (nothing of it is kept).
   * A head without a line that is admitted all the same is done in-thread from `raw`. */
  admitPrepared(raw: RawExport, head: HeadMessage): boolean;
  /** Which caps were hit (the worker skips what they refuse). */
  fullCaps(): FullCaps;
  storeItems(batch: TelemetryBatch): void;
  /** The whole request in-thread (decode … store); throws OtlpDecodeError. */
  exportInThread(raw: RawExport): ExportOutcome;
  workerStats(stats: PolicyStats): void;
  warn(message: string): void;
}

interface Pending {
  id: number;
  raw: RawExport;
  resolve: (o: ExportOutcome) => void;
  reject: (e: Error) => void;
  head?: HeadMessage;
  admitted?: boolean;
  /** Slices read from the data port so far. */
  taken: number;
}

/** The worker script beside this module: dist/ingest-worker.js in the bundles, the
 * TypeScript source (through tsx's require hook) when the sources run under tsx. */
function workerScript(): { script: string; eval: boolean } | string {
  if (__filename.endsWith('.ts')) {
    const ts = join(__dirname, 'ingest-worker.ts');
    return { script: `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(ts)});`, eval: true };
  }
  const js = join(__dirname, 'ingest-worker.js');
  return existsSync(js) ? { script: js, eval: false } : `${js} is missing`;
}

export class IngestPipeline {
  private worker: Worker | undefined;
  private data: MessagePort | undefined;
  private full = '{}';
  private readonly queue: Pending[] = [];
  private readonly byId = new Map<number, Pending>();
  private nextId = 1;
  private stepScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private lastProgress = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private root: RootSpanId | undefined;

  constructor(private readonly sink: PipelineSink) {}

  /** Start the worker; on failure the pipeline works in-thread (with a warning). */
  start(init: Omit<WorkerInit, 'sliceItems'>): void {
    const where = workerScript();
    if (typeof where === 'string') {
      this.sink.warn(`telemetry is decoded on the main thread: the ingest worker cannot start (${where})`);
      return;
    }
    let w: Worker;
    const channel = new MessageChannel();
    try {
      const workerData = { ...init, sliceItems: SLICE_ITEMS, data: channel.port2 };
      w = new Worker(where.script, { eval: where.eval, workerData, transferList: [channel.port2] });
    } catch (e) {
      channel.port1.close();
      this.sink.warn(`telemetry is decoded on the main thread: the ingest worker cannot start (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    this.worker = w;
    this.data = channel.port1;
    // Holds the process open only while it owes answers (see submit / done).
    w.unref();
    w.on('message', (m: HeadMessage) => {
      if (this.worker === w) this.onMessage(m);
    });
    w.on('error', (e) => this.lost(w, e instanceof Error ? e.message : String(e)));
    w.on('exit', (code) => this.lost(w, `it exited with code ${code}`));
    if (this.root) w.postMessage({ t: 'root', root: this.root } satisfies WorkerIn);
    this.watchdog = setInterval(() => {
      if (this.worker && this.queue.length > 0 && Date.now() - this.lastProgress > STALL_MS) {
        this.lost(this.worker, `it did not answer for ${STALL_MS / 1000} s`);
      }
    }, 1000);
    this.watchdog.unref();
  }

  get usesWorker(): boolean {
    return this.worker !== undefined;
  }

  setRoot(root: RootSpanId): void {
    this.root = root;
    this.worker?.postMessage({ t: 'root', root } satisfies WorkerIn);
  }

  /** One request's body, in arrival order. Resolves once its items are stored (or it was
   * refused at the run's caps); rejects with OtlpDecodeError for a body that does not
   * decode. */
  submit(raw: RawExport): Promise<ExportOutcome> {
    return new Promise<ExportOutcome>((resolve, reject) => {
      const p: Pending = { id: this.nextId++, raw, resolve, reject, taken: 0 };
      if (this.queue.length === 0) {
        this.lastProgress = Date.now();
        this.worker?.ref();
      }
      this.queue.push(p);
      this.byId.set(p.id, p);
      if (this.worker) {
        // Copied by the message itself: no joined body is allocated on this thread (its
        // buffers count towards this heap's garbage-collection triggers).
        this.worker.postMessage({ t: 'req', id: p.id, signal: raw.signal, encoding: raw.encoding, chunks: raw.chunks } satisfies WorkerIn);
      } else {
        this.schedule();
      }
    });
  }

  /** Resolves when every submitted request is done. */
  idle(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** After the receivers closed: finish what is queued, then stop the worker. */
  async close(): Promise<void> {
    await this.idle();
    const w = this.worker;
    this.worker = undefined;
    this.data?.close();
    this.data = undefined;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    await w?.terminate();
  }

  private lost(w: Worker, why: string): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    void w.terminate();
    // The data port stays: the slices of every request whose head arrived are in it.
    this.sink.warn(`the ingest worker stopped (${why}); telemetry is now decoded on the main thread`);
    this.schedule();
  }

  private onMessage(m: HeadMessage): void {
    this.lastProgress = Date.now();
    const p = this.byId.get(m.id);
    if (!p) return;
    p.head = m;
    if (!m.error) this.sink.workerStats(m.stats);
    if (p === this.queue[0]) this.schedule();
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
    if (h?.error) {
      this.done(p, h.error.decode ? new OtlpDecodeError(h.error.message) : new Error(h.error.message));
      return;
    }
    if (!h) {
      if (!this.worker) this.inThread(p); // no worker (any more) to prepare it
      return; // else its head message continues
    }
    if (p.admitted === undefined) {
      p.admitted = this.sink.admitPrepared(p.raw, h);
      if (!p.admitted) this.tellFull();
    } else {
      // Posted before the head, so it is there (also after the worker died); a refused
      // request's slices are read and skipped.
      const m = this.data && (receiveMessageOnPort(this.data)?.message as { id: number; batch: TelemetryBatch } | undefined);
      if (!m || m.id !== p.id) {
        this.done(p, new Error('the ingest worker lost part of a request'));
        return;
      }
      p.taken++;
      if (p.admitted) this.store(m.batch);
    }
    if (p.taken >= h.slices) this.done(p, outcomeOf(h));
    else this.schedule();
  }

  private store(b: TelemetryBatch): void {
    if (b.spans.length > 0) shareEmptyLists(b.spans);
    this.sink.storeItems(b);
  }

  private tellFull(): void {
    const full = this.sink.fullCaps();
    const key = JSON.stringify(full);
    if (key === this.full) return;
    this.full = key;
    this.worker?.postMessage({ t: 'full', full } satisfies WorkerIn);
  }

  private inThread(p: Pending): void {
    try {
      this.done(p, this.sink.exportInThread(p.raw));
    } catch (e) {
      this.done(p, e instanceof Error ? e : new Error(String(e)));
    }
  }

  private done(p: Pending, result: ExportOutcome | Error): void {
    this.queue.shift();
    this.byId.delete(p.id);
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
    if (this.queue.length > 0) this.schedule();
    else {
      this.worker?.unref();
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

function outcomeOf(h: HeadMessage): ExportOutcome {
  return { rejectedItems: h.rejectedItems, message: rejectionMessage(h.rejectedItems, h.reasons) };
}
