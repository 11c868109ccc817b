// The script of the CLI's spare ingest worker (workerSpare.ts), bundled alone into
// dist/ingest-spare.js with node built-ins only: it listens first — a thread boots in ~20 ms,
// the ingest worker's own code takes ~10 ms more to compile and evaluate, and the build waits
// for the port — then announces its address and token, and only then loads the ingest worker
// (ingest-worker.ts), which adopts the server.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { listenEarly } from '../../receiver/early.js';
import { EARLY_SERVER } from './workerSpare.js';

const token = randomBytes(32).toString('hex');
listenEarly('127.0.0.1').then(
  (early) => {
    const port = (early.server.address() as { port: number }).port;
    (globalThis as Record<symbol, unknown>)[EARLY_SERVER] = { early, token };
    parentPort!.postMessage({ t: 'listening', url: `http://127.0.0.1:${port}`, port, token });
    // The ingest worker beside this file (dist/ingest-worker.js) takes over the server.
    setImmediate(() => require(join(__dirname, 'ingest-worker.js')));
  },
  (e: unknown) => {
    throw e instanceof Error ? e : new Error(String(e));
  },
);
