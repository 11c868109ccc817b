// A spare ingest worker started at the very beginning of `build-diag run` (src/cli/entry.ts),
// before the CLI bundle is even compiled: a worker thread takes tens of milliseconds to boot
// and load its script, and the build cannot be started before its receiver listens. The
// spare runs ingest-spare.ts, which listens as soon as the thread has booted, with a bearer
// token of its own that it announces in its `listening` message (kept here until the session
// takes the spare), and then loads the ingest worker, which adopts the server. The session
// (pipeline.ts) takes the spare, adopts its token and sends its settings as `init`; without a
// spare it starts a worker itself.
// Only node built-ins here: the CLI's tiny entry bundles this file.
import { Worker } from 'node:worker_threads';

const KEY = Symbol.for('build-diagnostics.ingest-worker-spare');
/** In the spare's thread: `{early, token}` of the server ingest-spare.ts started. */
export const EARLY_SERVER = Symbol.for('build-diagnostics.ingest-worker-early-server');

/** The spare's `listening` message, or why it never came. */
export type SpareListening = { t: 'listening'; url: string; port: number; token: string } | string;

interface Spare {
  worker: Worker;
  /** The ingest worker script it loads once it listens. */
  script: string;
  dead: boolean;
  listening: Promise<SpareListening>;
}

type WithSpare = typeof globalThis & { [KEY]?: Spare };

/** Starts a worker on `spareScript` that listens, loads the ingest worker `script` and waits
 * for its settings (an `init` message). It does not keep the process alive until taken.
 * Failing to start is not an error: the session starts one itself. */
export function prewarmIngestWorker(spareScript: string, script: string): void {
  try {
    const worker = new Worker(spareScript, { workerData: { prewarm: true } });
    let settle: (l: SpareListening) => void = () => undefined;
    const listening = new Promise<SpareListening>((r) => (settle = r));
    const spare: Spare = { worker, script, dead: false, listening };
    const died = (why: string): void => {
      spare.dead = true;
      settle(why);
    };
    const onMessage = (m: { t?: string }): void => {
      if (m?.t !== 'listening') return;
      worker.off('message', onMessage);
      settle(m as SpareListening);
    };
    worker.on('message', onMessage);
    worker.once('error', (e) => died(e instanceof Error ? e.message : String(e)));
    worker.once('exit', (code) => died(`it exited with code ${code}`));
    worker.unref();
    (globalThis as WithSpare)[KEY] = spare;
  } catch {
    // started normally by the session
  }
}

/** The spare for `script`, if one is alive (at most once), with its `listening` message to
 * come; the caller sends it `init`. */
export function takeSpareWorker(script: string): { worker: Worker; listening: Promise<SpareListening> } | undefined {
  const g = globalThis as WithSpare;
  const spare = g[KEY];
  g[KEY] = undefined;
  if (!spare) return undefined;
  if (spare.dead || spare.script !== script) {
    void spare.worker.terminate();
    return undefined;
  }
  spare.worker.ref();
  return { worker: spare.worker, listening: spare.listening };
}
