// One build script for every bundle: the VS Code extension (node/cjs, `vscode` external),
// the `build-diag` CLI (node/cjs), the ingest worker both start (node/cjs) and, once it
// exists, the webview app (browser/iife).
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { lazyModules, lazyTargets } from './scripts/lazy-bundles.mjs';
import { zodEnglishOnly } from './scripts/zod-locales.mjs';
import { asciiOutput } from './scripts/ascii-output.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  charset: 'ascii',
  legalComments: 'none',
  define: { __BUILD_DIAG_VERSION__: JSON.stringify(pkg.version) },
  // Only named when the sources run under tsx (the ingest worker's loader, pipeline.ts).
  external: ['tsx/cjs'],
};

const targets = [
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli-main.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  // The entry: a few lines that load cli-main.js through a V8 code cache (src/cli/codeCache.ts).
  {
    ...common,
    entryPoints: ['src/cli/entry.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  // The session's ingest worker (src/launch/session/pipeline.ts), loaded from beside the
  // bundle that starts it: dist/cli.js and dist/extension.js.
  {
    ...common,
    entryPoints: ['src/launch/session/ingest-worker.ts'],
    outfile: 'dist/ingest-worker.js',
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
    external: ['vscode', 'tsx/cjs'],
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

// Modules loaded on first use get files of their own (scripts/lazy-bundles.mjs).
targets.push(...lazyTargets(common));
for (const t of targets) if (t.platform === 'node') t.plugins = [lazyModules(t.outfile), zodEnglishOnly, asciiOutput];

if (watch) {
  const ctxs = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(ctxs.map((c) => c.watch()));
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
