// The ingest worker (a worker_threads thread owned by the session's IngestPipeline,
// pipeline.ts): takes the raw bodies of OTLP requests and does their CPU work off the host's
// main thread — decode, redaction and capture limits, the bundle line (RequestPreparer) and
// normalization into the model, posted in slices of at most `sliceItems` items on the data
// port, which the main thread reads one slice per turn (receiveMessageOnPort).
// Protocol:
//   in (parent port):  root {root} · full {spans, logs, metrics, bytes} · req {id, signal,
//                      encoding, chunks}
//   out (data port):   the request's slices {id, batch}, then
//   out (parent port): head {id, counts, own, line, slices, rejectedItems, reasons, stats
//                      [, request]} or head {id, error}
// Once the run's caps are full for a kind (`full`, sent by the main thread), a request with
// items of that kind is refused there whatever it holds, so it is only decoded and counted.
// The thread runs at a lower scheduling priority where the OS allows (Linux): on a busy
// machine the host's main thread, not this one, gets the CPU first.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { normalize, OtlpDecodeError, type OtlpSignal } from '../../core/otlp/index.js';
import { joinChunks, nextSlice, RequestPreparer } from './prepare.js';
import type { HeadMessage, WorkerIn, WorkerInit } from './pipeline.js';

const port = parentPort;
if (!port) throw new Error('ingest-worker.js runs as a worker thread');
const init = workerData as WorkerInit & { data: MessagePort };
const preparer = new RequestPreparer(init.options);
let full = { spans: false, logs: false, metrics: false, bytes: false };
const work: WorkerIn[] = [];
let scheduled = false;
lowerPriority();

port.on('message', (m: WorkerIn) => {
  work.push(m);
  if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
});

function drain(): void {
  scheduled = false;
  for (let m = work.shift(); m; m = work.shift()) {
    if (m.t === 'root') preparer.root = m.root;
    else if (m.t === 'full') full = m.full;
    else prepare(m.id, m.signal, m.encoding, joinChunks(m.chunks));
  }
}

function prepare(id: number, signal: OtlpSignal, encoding: 'protobuf' | 'json', body: Uint8Array): void {
  let head: HeadMessage;
  try {
    const p = preparer.prepare(signal, encoding, body, (counts, own) => !own && (full.bytes || (counts.spans > 0 && full.spans) || (counts.logs > 0 && full.logs) || (counts.metrics > 0 && full.metrics)));
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
    head = {
      t: 'head',
      id,
      counts: p.counts,
      own: p.own,
      line: p.line,
      slices,
      rejectedItems: p.rejectedItems,
      reasons: p.reasons,
      stats: preparer.stats,
      request: init.withRequest && p.line ? p.request : undefined,
    };
  } catch (e) {
    const error = { decode: e instanceof OtlpDecodeError, message: e instanceof Error ? e.message : String(e) };
    port!.postMessage({ t: 'head', id, error } satisfies Partial<HeadMessage>);
    return;
  }
  port!.postMessage(head, head.line ? [head.line.buffer as ArrayBuffer] : []);
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
