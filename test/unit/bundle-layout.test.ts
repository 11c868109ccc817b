// The bundle layout (ARCHITECTURE.md, "Bundle layout"): what the start paths load. Built
// here in memory with esbuild.mjs's lazy-bundle plugin (scripts/lazy-bundles.mjs), and
// checked on the bundles' inputs: a static import added in the wrong place puts the run
// machinery back on the activation path, and this fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { lazy } from '../../src/core/lazy.js';

const ROOT = resolve(__dirname, '..', '..');

interface LazyBundles {
  LAZY: Record<string, string>;
  lazyModules(outfile: string, dist?: string): esbuild.Plugin;
}

async function inputs(entry: string, outfile: string): Promise<{ files: string[]; text: string }> {
  const lb = (await import(pathToFileURL(join(ROOT, 'scripts', 'lazy-bundles.mjs')).href)) as LazyBundles;
  const r = await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    outfile: join(ROOT, outfile),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'silent',
    define: { __BUILD_DIAG_VERSION__: '"0.0.0"' },
    plugins: [lb.lazyModules(join(ROOT, outfile), join(ROOT, 'dist'))],
  });
  const files = Object.keys(Object.values(r.metafile.outputs)[0]!.inputs).map((f) => f.replace(/^(\.\.\/)+(main\/)?/, ''));
  return { files, text: r.outputFiles[0]!.text };
}

const has = (files: string[], part: string) => files.some((f) => f.includes(part));

test('the extension activates without the run machinery; it is one lazy file', async () => {
  const { files, text } = await inputs('src/extension/extension.ts', 'dist/extension.js');
  for (const heavy of [
    'src/launch/session.ts',
    'src/receiver/index.ts',
    'src/core/store.ts',
    'src/core/events/schemas.ts',
    'src/core/otlp/',
    'src/bundle/reports.ts',
    '@opentelemetry/',
    '@grpc/',
    'protobufjs',
    'yaml',
  ]) {
    assert.ok(!has(files, heavy), `dist/extension.js includes ${heavy}`);
  }
  assert.ok(has(files, 'src/extension/commands.ts') && has(files, 'src/extension/settings.ts'));
  assert.match(text, /require\("\.\/lazy\/engine\.js"\)/);
});

test('the CLI starts without the OTel SDK, gRPC, forwarding or the config-file parsers', async () => {
  const { files, text } = await inputs('src/cli/main.ts', 'dist/cli-main.js');
  for (const heavy of ['@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-proto', '@grpc/', 'yaml', '@opentelemetry/configuration', 'src/launch/rootSpan.ts', 'src/launch/forward.ts']) {
    assert.ok(!has(files, heavy), `dist/cli-main.js includes ${heavy}`);
  }
  for (const name of ['root-span', 'grpc-receiver', 'default-ports', 'forward', 'config-file-parsers']) {
    assert.match(text, new RegExp(`require\\("\\./lazy/${name}\\.js"\\)`), `dist/cli-main.js does not load lazy/${name}.js`);
  }
  // The session is the CLI's start path: it stays in the file.
  assert.ok(has(files, 'src/launch/session.ts'));
  // dist/cli.js is only the entry that boots the spare ingest worker and loads the CLI
  // through the code cache: node builtins only.
  const entry = await inputs('src/cli/entry.ts', 'dist/cli.js');
  assert.deepEqual(entry.files.filter((f) => !f.startsWith('src/cli/')), ['src/launch/session/workerSpare.ts']);
  assert.match(entry.text, /ingest-worker\.js/);
  assert.match(entry.text, /cli-main\.js/);
});

test('a lazy bundle loads lazy modules beside it', async () => {
  const { text } = await inputs('src/extension/engine.ts', 'dist/lazy/engine.js');
  assert.match(text, /require\("\.\/root-span\.js"\)/);
  assert.doesNotMatch(text, /require\("\.\/lazy\//);
});

test('lazy(): nothing until first called, then once; a failed load is tried again', () => {
  let loads = 0;
  let fail = true;
  const get = lazy(() => {
    loads++;
    if (fail) throw new Error('not yet');
    return { n: loads };
  });
  assert.equal(loads, 0);
  assert.throws(get, /not yet/);
  fail = false;
  const first = get();
  assert.equal(get(), first);
  assert.equal(loads, 2);
});
