// The ingest worker (a worker_threads thread owned by the session's IngestPipeline,
// pipeline.ts): runs the run's OTLP/HTTP receiver and does the CPU work of each request off
// the host's main thread — decode, redaction and capture limits, the bundle line
// (RequestPreparer) and normalization into the model, posted in slices of at most
// `sliceItems` items on the data port, which the main thread reads one slice per turn.
// Protocol with the main thread:
//   out: listening {port} once; per request, its slices {id, batch} on the data port,
//        then head {id, signal, counts, own, line, slices, stats[, request]}; synced; closed
//   in:  init {init} (a spare's settings) · root {root} · room {room} · done {id}: answer the request · sync · close
// A body that does not decode is answered 400 here and never reaches the main thread. A
// request the run's caps are sure to refuse (beyond the room the main thread last reported)
// is only decoded and counted.
// The thread runs at a lower scheduling priority where the OS allows (Linux): on a busy
// machine the host's main thread, not this one, gets the CPU first.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
// Not the otlp barrel: the decoders load with the first request (prepare.ts), after listening.
import { normalize } from '../../core/otlp/normalize.js';
import { rejectionMessage } from '../../core/otlp/rejection.js';
import type { OtlpSignal } from '../../core/otlp/types.js';
import { beyondRoom, type BudgetRoom } from '../../core/safety/limits.js';
import { startReceiver, type Receiver } from '../../receiver/index.js';
import { joinChunks, nextSlice, RequestPreparer } from './prepare.js';
import type { ExportOutcome, HeadMessage, WorkerIn, WorkerInit, WorkerOut } from './pipeline.js';

const port = parentPort;
if (!port) throw new Error('ingest-worker.js runs as a worker thread');
// Started with its settings, or as a spare (workerSpare.ts) that gets them as `init`.
let init: WorkerInit;
let preparer: RequestPreparer;
let room: BudgetRoom | undefined;
const answers = new Map<number, () => void>();
let nextId = 1;
let receiver: Receiver | undefined;

const post = (m: WorkerOut, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

port.on('message', (m: WorkerIn) => {
  if (m.t === 'init') begin(m.init);
  else if (m.t === 'done') {
    const answer = answers.get(m.id);
    answers.delete(m.id);
    answer?.();
  } else if (m.t === 'root') preparer.root = m.root;
  else if (m.t === 'room') room = m.room;
  else if (m.t === 'sync') post({ t: 'synced' });
  else if (m.t === 'close') void close();
});

async function close(): Promise<void> {
  await receiver?.close();
  receiver = undefined;
  post({ t: 'closed' });
}

/** Prepares the request and hands it over; resolves when the main thread is done with it.
 * Throws OtlpDecodeError (400). */
function handle(signal: OtlpSignal, encoding: 'protobuf' | 'json', chunks: Uint8Array[]): Promise<ExportOutcome> {
  const id = nextId++;
  const p = preparer.prepare(signal, encoding, joinChunks(chunks), (counts, own) => !own && room !== undefined && beyondRoom(counts, room));
  let slices = 0;
  if (p.line) {
    const batch = normalize(signal, p.request);
    const at = { spans: 0, logs: 0, metrics: 0 };
    for (let last = batch.spans.length + batch.logs.length + batch.metrics.length === 0; !last; slices++) {
      const next = nextSlice(batch, at, init.sliceItems);
      last = next.last;
      init.data.postMessage({ id, batch: next.slice });
    }
  }
  const head: HeadMessage = {
    t: 'head',
    id,
    signal,
    counts: p.counts,
    own: p.own,
    line: p.line,
    slices,
    stats: preparer.stats,
    request: init.withRequest && p.line ? p.request : undefined,
  };
  const outcome = { rejectedItems: p.rejectedItems, message: rejectionMessage(p.rejectedItems, p.reasons) };
  return new Promise<ExportOutcome>((resolve) => {
    answers.set(id, () => resolve(outcome));
    post(head, head.line ? [head.line.buffer as ArrayBuffer] : []);
  });
}

function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    // /proc/thread-self -> <pid>/task/<tid>; on Linux the nice value is per thread.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // not allowed or not available: run at the normal priority
  }
}

function begin(settings: WorkerInit): void {
  if (init) return;
  init = settings;
  preparer = new RequestPreparer(init.options);
  startReceiver({
    token: init.token,
    onExport: () => {
      throw new Error('unreachable: onBody takes every request');
    },
    onBody: (raw) => handle(raw.signal, raw.encoding, raw.chunks),
  }).then(
    (r) => {
      receiver = r;
      post({ t: 'listening', port: r.port });
      // Only now: until it listens, the requests the front holds wait for this thread.
      lowerPriority();
    },
    (e: unknown) => {
      throw e instanceof Error ? e : new Error(String(e));
    },
  );
}

if (!(workerData as { prewarm?: boolean } | null)?.prewarm) begin(workerData as WorkerInit);
