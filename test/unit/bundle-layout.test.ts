// The bundle layout (ARCHITECTURE.md, "Bundle layout"): what the start paths load. Built
// here in memory with esbuild.mjs's lazy-bundle plugin (scripts/lazy-bundles.mjs), and
// checked on the bundles' inputs: a static import added in the wrong place puts the run
// machinery back on the activation path, and this fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { MessageChannel, Worker } from 'node:worker_threads';
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
  assert.deepEqual(entry.files.sort(), ['src/cli/codeCache.ts', 'src/cli/entry.ts', 'src/launch/session/workerSpare.ts']);
  assert.match(entry.text, /ingest-worker\.js/);
  assert.match(entry.text, /cli-main\.js/);
});

test('until the build is started, the CLI evaluates no schema, decoder, analysis or report module', () => {
  // The sources under tsx, where each module is its own entry in require.cache: what
  // `build-diag` has evaluated by the time it reaches a command. These are needed only after
  // the spawn (or never in a run): loading them first delays every build (docs/performance.md,
  // "Launch overhead").
  const dir = mkdtempSync(join(tmpdir(), 'bd-startpath-'));
  try {
    const probe = join(dir, 'probe.cjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n");
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--require', probe, join(ROOT, 'src', 'cli', 'main.ts'), '--version'], { encoding: 'utf8', cwd: ROOT });
    assert.equal(r.status, 0, r.stderr);
    const line = /^LOADED (.*)$/m.exec(r.stderr);
    assert.ok(line, r.stderr);
    const loaded = (JSON.parse(line[1]!) as string[]).map((f) => f.replace(/\\/g, '/'));
    const isLoaded = (part: string) => loaded.some((f) => f.includes(part));
    assert.ok(isLoaded('src/launch/session.ts') && isLoaded('src/launch/session/pipeline.ts'), 'the session is on the start path');
    for (const later of [
      'node_modules/zod/',
      'node_modules/protobufjs/',
      'src/core/runSchema.ts',
      'src/core/config/settingsSchema.ts',
      'src/core/otlp/from-proto.ts',
      'src/core/otlp/from-json.ts',
      'src/receiver/index.ts',
      'src/core/analysis/monitor.ts',
      'src/core/events/schemas.ts',
      'src/core/events/recognize.ts',
      'src/bundle/artifacts.ts',
      'src/bundle/retention.ts',
      'src/bundle/reports.ts',
    ]) {
      assert.ok(!isLoaded(later), `${later} is evaluated before the build starts`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the ingest worker listens before it has evaluated a decoder, an encoder or protobufjs', async () => {
  // The worker from the sources (tsx), as the session starts it: once it listens, the modules
  // it has evaluated. Requests wait for it (the front holds them); the decoders load with the
  // first request.
  const code =
    `require(${JSON.stringify(require.resolve('tsx/cjs'))});\n` +
    `require(${JSON.stringify(join(ROOT, 'src', 'launch', 'session', 'ingest-worker.ts'))});\n` +
    "const { parentPort } = require('node:worker_threads');\n" +
    "parentPort.on('message', (m) => { if (m && m.t === 'modules?') parentPort.postMessage({ t: 'modules', list: Object.keys(require.cache) }); });\n";
  const channel = new MessageChannel();
  const workerData = { options: {}, withRequest: false, sliceItems: 128, token: 't', data: channel.port2 };
  const w = new Worker(code, { eval: true, workerData, transferList: [channel.port2] });
  try {
    const list = await new Promise<string[]>((resolve, reject) => {
      w.on('message', (m: { t: string; list?: string[] }) => {
        if (m.t === 'listening') w.postMessage({ t: 'modules?' });
        else if (m.t === 'modules') resolve(m.list!);
      });
      w.once('error', reject);
    });
    const isLoaded = (part: string) => list.some((f) => f.replace(/\\/g, '/').includes(part));
    assert.ok(isLoaded('src/receiver/index.ts'), 'the receiver is loaded');
    for (const later of ['node_modules/protobufjs/', 'src/core/otlp/from-proto.ts', 'src/core/otlp/from-json.ts', 'src/core/otlp/encode.ts', 'src/core/otlp/decodeBody.ts']) {
      assert.ok(!isLoaded(later), `${later} is evaluated before the worker listens`);
    }
  } finally {
    channel.port1.close();
    await w.terminate();
  }
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
