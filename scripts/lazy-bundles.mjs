// Lazy bundles (ARCHITECTURE.md, "Bundle layout"), for esbuild.mjs and the activation
// benchmark: each module below is loaded with `require()` on first use (src/core/lazy.ts)
// and bundled into <dist>/lazy/<name>.js of its own, so that what the start path does not
// need is neither parsed nor evaluated at start. Code a lazy module shares with its loader is
// copied into both files: a lazy module's interface must not rely on shared mutable state or
// on `instanceof` across the boundary. (A `require()` of a module not listed here stays in
// the same file, evaluated on first use.)
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LAZY = {
  'src/launch/rootSpan.ts': 'root-span',
  'src/core/config/fileParsers.ts': 'config-file-parsers',
  'src/receiver/grpc.ts': 'grpc-receiver',
  'src/receiver/defaultPorts.ts': 'default-ports',
  'src/launch/forward.ts': 'forward',
  'src/extension/engine.ts': 'engine',
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lazyOut = (name, dist) => `${dist}/lazy/${name}.js`;

/** One node/cjs build target per lazy module, with `common`'s options. */
export function lazyTargets(common, dist = 'dist') {
  return Object.entries(LAZY).map(([entry, name]) => ({
    ...common,
    entryPoints: [resolve(ROOT, entry)],
    outfile: lazyOut(name, dist),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }));
}

/** Resolves a `require()` of a lazy module to its own file, relative to `outfile`. */
export function lazyModules(outfile, dist = dirname(outfile).replace(/\/lazy$/, '')) {
  return {
    name: 'lazy-modules',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (a) => {
        if (a.kind !== 'require-call') return undefined;
        const src = relative(ROOT, resolve(a.resolveDir, a.path)).replace(/\.js$/, '.ts');
        const name = LAZY[src];
        if (!name) return undefined;
        let path = relative(dirname(outfile), lazyOut(name, dist));
        if (!path.startsWith('.')) path = `./${path}`;
        return { path, external: true };
      });
    },
  };
}
