// The `build-diag` entry, bundled alone into dist/cli.js: runs the CLI bundle beside it
// (dist/cli-main.js, from main.ts) through the V8 code cache (codeCache.ts).
import { join } from 'node:path';
import { codeCacheDir, loadWithCodeCache } from './codeCache.js';
import { prewarmIngestWorker } from '../launch/session/workerSpare.js';

// A run's ingest worker boots while the CLI loads, not while the build does.
if (process.argv[2] === 'run') prewarmIngestWorker(join(__dirname, 'ingest-worker.js'));

loadWithCodeCache(join(__dirname, 'cli-main.js'), codeCacheDir(process.env), module);
