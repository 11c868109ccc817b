// Bundles bench/lib/entry.ts into .cache/bench/core.cjs (production-like: one esbuild bundle,
// as dist/cli.js is) and returns the loaded module.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let loaded;

export function coreBundlePath() {
  return join(repo, '.cache', 'bench', 'core.cjs');
}

export async function loadCore() {
  if (loaded) return loaded;
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  await esbuild.build({
    entryPoints: [join(repo, 'bench', 'lib', 'entry.ts')],
    outfile: coreBundlePath(),
    bundle: true,
    external: ['tsx/cjs'],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    define: { __BUILD_DIAG_VERSION__: JSON.stringify(pkg.version) },
  });
  // The session starts its ingest worker from beside the bundle (src/launch/session/pipeline.ts).
  await esbuild.build({
    entryPoints: [join(repo, 'src', 'launch', 'session', 'ingest-worker.ts')],
    outfile: join(dirname(coreBundlePath()), 'ingest-worker.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    define: { __BUILD_DIAG_VERSION__: JSON.stringify(pkg.version) },
  });
  loaded = createRequire(import.meta.url)(coreBundlePath());
  return loaded;
}
