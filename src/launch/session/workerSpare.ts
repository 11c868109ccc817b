// A spare ingest worker started at the very beginning of `build-diag run` (src/cli/entry.ts),
// before the CLI bundle is even compiled. A worker thread takes 30–45 ms of CPU to boot and
// load its script; the build does not wait for it (it is started with the address of the
// receiver's front, receiver/front.ts), but booting it here keeps that work off the CPU while
// the build itself boots — on two cores, a worker booting beside the build's start-up made
// the build ~20 ms slower (docs/performance.md). The spare waits for its settings; the
// session (pipeline.ts) takes it and sends them as `init`; without a spare it starts one.
// Only node built-ins here: the CLI's tiny entry bundles this file.
import { Worker } from 'node:worker_threads';

const KEY = Symbol.for('build-diagnostics.ingest-worker-spare');

interface Spare {
  worker: Worker;
  script: string;
  dead: boolean;
}

type WithSpare = typeof globalThis & { [KEY]?: Spare };

/** Starts a worker on the ingest worker `script` that waits for its settings (an `init`
 * message). It does not keep the process alive until taken. Failing to start is not an
 * error: the session starts one itself. */
export function prewarmIngestWorker(script: string): void {
  try {
    const worker = new Worker(script, { workerData: { prewarm: true } });
    const spare: Spare = { worker, script, dead: false };
    worker.once('error', () => (spare.dead = true));
    worker.once('exit', () => (spare.dead = true));
    worker.unref();
    (globalThis as WithSpare)[KEY] = spare;
  } catch {
    // started by the session
  }
}

/** The spare for `script`, if one is alive (at most once); the caller sends it `init`. */
export function takeSpareWorker(script: string): Worker | undefined {
  const g = globalThis as WithSpare;
  const spare = g[KEY];
  g[KEY] = undefined;
  if (!spare) return undefined;
  if (spare.dead || spare.script !== script) {
    void spare.worker.terminate();
    return undefined;
  }
  spare.worker.ref();
  return spare.worker;
}
