// A spare ingest worker started at the very beginning of `build-diag run` (src/cli/entry.ts),
// before the CLI bundle is even compiled: a worker thread takes ~50 ms to boot and load its
// script, and the build cannot be started before its receiver listens. The session takes
// the spare (pipeline.ts) and sends it its settings; without one it starts a worker itself.
// Only node built-ins here: the CLI's tiny entry bundles this file.
import { Worker } from 'node:worker_threads';

const KEY = Symbol.for('build-diagnostics.ingest-worker-spare');

interface Spare {
  worker: Worker;
  script: string;
  dead: boolean;
}

type WithSpare = typeof globalThis & { [KEY]?: Spare };

/** Starts a worker on `script` that waits for its settings (an `init` message). It does not
 * keep the process alive until taken. Failing to start is not an error: the session starts
 * one itself. */
export function prewarmIngestWorker(script: string): void {
  try {
    const worker = new Worker(script, { workerData: { prewarm: true } });
    const spare: Spare = { worker, script, dead: false };
    const died = (): void => {
      spare.dead = true;
    };
    worker.once('error', died);
    worker.once('exit', died);
    worker.unref();
    (globalThis as WithSpare)[KEY] = spare;
  } catch {
    // started normally by the session
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
  spare.worker.removeAllListeners('error');
  spare.worker.removeAllListeners('exit');
  spare.worker.ref();
  return spare.worker;
}
