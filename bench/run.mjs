#!/usr/bin/env node
// Benchmarks (`npm run bench`; not part of `npm test`). Each prints its figures and, where a
// baseline exists, the ratio against it measured in the same run. Results are merged into
// bench/results/latest.json; docs/performance.md summarises them.
//   node bench/run.mjs [ingest] [memory] [lag] [launch] [stall] [panel] [extension]
// (no argument: all of them).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The product code is measured as esbuild bundles it (bench/lib/build.mjs); re-run with gc
// exposed (memory figure) and room for a million spans.
if (!process.env.BD_BENCH_CHILD) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BD_BENCH_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
}

const ALL = ['ingest', 'memory', 'lag', 'launch', 'stall', 'panel', 'extension'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const run = wanted.length ? wanted : ALL;
for (const w of run) if (!ALL.includes(w)) throw new Error(`unknown benchmark ${w}; one of ${ALL.join(', ')}`);

const resultsPath = join(here, 'results', 'latest.json');
mkdirSync(dirname(resultsPath), { recursive: true });
const results = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {};
results.machine = {
  cpus: cpus().length,
  model: cpus()[0]?.model ?? 'unknown',
  memoryBytes: totalmem(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  date: new Date().toISOString(),
  // Other work on the machine at the start (1, 5, 15 min): these figures are noisy when high.
  loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
};
const save = () => writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');

const sections = {
  ingest: async () => (results.ingest = await (await import('./ingest.mjs')).benchIngest()),
  memory: async () => (results.memory = await (await import('./memory.mjs')).benchMemory()),
  lag: async () => (results.eventLoopLag = await (await import('./lag.mjs')).benchLag()),
  launch: async () => (results.launch = await (await import('./launch.mjs')).benchLaunch()),
  stall: async () => (results.stall = await (await import('./stall.mjs')).benchStall()),
  panel: async () => (results.panel = await (await import('./panel-figures.mjs')).benchPanel()),
  extension: async () => (results.extension = await (await import('./extension.mjs')).benchExtension()),
};

for (const name of run) {
  console.log(`\n== ${name}`);
  const t = Date.now();
  try {
    await sections[name]();
  } catch (e) {
    console.log(`  FAILED: ${e instanceof Error ? e.stack : e}`);
    results[name === 'lag' ? 'eventLoopLag' : name] = { error: String(e instanceof Error ? e.message : e) };
  }
  console.log(`  (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  save();
}
console.log(`\nresults: ${resultsPath}`);
