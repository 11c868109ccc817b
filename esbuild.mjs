// One build script for every bundle: the VS Code extension (node/cjs, `vscode` external),
// the `build-diag` CLI (node/cjs) and, once it exists, the webview app (browser/iife).
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { __BUILD_DIAG_VERSION__: JSON.stringify(pkg.version) },
};

// Lazy bundles (ARCHITECTURE.md, "Bundle layout"): each module below is loaded with
// `require()` on first use (src/core/lazy.ts) and bundled into dist/lazy/<name>.js of its
// own, so that what the start path does not need is neither parsed nor evaluated at start.
// Code a lazy module shares with its loader is copied into both files: a lazy module's
// interface must not rely on shared mutable state or on `instanceof` across the boundary.
const LAZY = {
  'src/launch/rootSpan.ts': 'root-span',
  'src/core/config/fileParsers.ts': 'config-file-parsers',
  'src/receiver/grpc.ts': 'grpc-receiver',
  'src/receiver/defaultPorts.ts': 'default-ports',
  'src/launch/forward.ts': 'forward',
  'src/extension/engine.ts': 'engine',
};
const lazyOut = (name) => `dist/lazy/${name}.js`;
/** Resolves a `require()` of a LAZY module to the file of its own, relative to `outfile`. */
const lazyModules = (outfile) => ({
  name: 'lazy-modules',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (a) => {
      if (a.kind !== 'require-call') return undefined;
      const src = relative(process.cwd(), resolve(a.resolveDir, a.path)).replace(/\.js$/, '.ts');
      const name = LAZY[src];
      if (!name) return undefined;
      let path = relative(dirname(outfile), lazyOut(name));
      if (!path.startsWith('.')) path = `./${path}`;
      return { path, external: true };
    });
  },
});

const targets = [
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
];
if (existsSync('src/extension/extension.ts')) {
  targets.push({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  });
}
if (existsSync('webview-ui/src/main.tsx')) {
  targets.push({
    ...common,
    entryPoints: ['webview-ui/src/main.tsx'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // The codicon font is inlined into main.css as a data: URI, so the same CSS serves the
    // webview and the self-contained HTML report (CSP: font-src data:).
    loader: { '.ttf': 'dataurl' },
    // Always minified: the bundle is inlined into every report.html.
    minify: true,
  });
}

for (const [entry, name] of Object.entries(LAZY)) {
  targets.push({ ...common, entryPoints: [entry], outfile: lazyOut(name), platform: 'node', format: 'cjs', target: 'node20' });
}
for (const t of targets) if (t.platform === 'node') t.plugins = [lazyModules(t.outfile)];

if (watch) {
  const ctxs = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(ctxs.map((c) => c.watch()));
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
