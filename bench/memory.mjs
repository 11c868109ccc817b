// Memory: retained heap per stored span after 1,000,000 distinct spans (the real exporter's
// 512-span batches, trace ids rewritten per batch so nothing is de-duplicated) through
// decode + normalize + RunStore, with caps raised out of the way; then the same flood into
// a store with the default caps, to see that the caps hold. Needs --expose-gc (run.mjs).
import { protobufTemplates, variant } from './lib/payloads.mjs';
import { loadCore } from './lib/build.mjs';
import { round } from './lib/stats.mjs';

const { decodeProtobuf, normalize, RunStore } = await loadCore();

function settle() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

function flood(store, templates, spans) {
  const batches = Math.ceil(spans / templates[0].spans);
  for (let k = 0; k < batches; k++) store.ingest(normalize('traces', decodeProtobuf('traces', variant(templates[k % templates.length], k + 1))));
}

export async function benchMemory({ spans = 1_000_000 } = {}) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc (node bench/run.mjs does)');
  const templates = protobufTemplates({ batches: 8, batchSize: 512, seed: 100 });
  // Warm the decoder (and its bounded intern tables) so they are not counted as span memory.
  flood(new RunStore(), templates, 8 * 512);
  const base = settle();
  let store = new RunStore({ maxSpans: 2 * spans, maxLogs: 1000, maxMetricPoints: 1000, maxEvents: 10 * spans });
  const t = Date.now();
  flood(store, templates, spans);
  const seconds = (Date.now() - t) / 1000;
  const after = settle();
  const stored = store.spans.length;
  const bytesPerSpan = (after - base) / stored;
  console.log(`  ${stored.toLocaleString()} spans stored in ${seconds.toFixed(1)} s; retained heap ${(after - base) / 2 ** 20 | 0} MiB → ${bytesPerSpan.toFixed(0)} bytes/span`);
  store = undefined;
  settle();

  const capped = new RunStore();
  const base2 = settle();
  flood(capped, templates, spans);
  const after2 = settle();
  const capsHold = capped.spans.length === capped.caps.maxSpans && capped.dropped.spans === stored - capped.caps.maxSpans;
  console.log(
    `  default caps: ${capped.spans.length.toLocaleString()} kept, ${capped.dropped.spans.toLocaleString()} dropped, retained ${(after2 - base2) / 2 ** 20 | 0} MiB — caps ${capsHold ? 'hold' : 'DO NOT hold'}`,
  );
  return {
    bytesPerSpan: Math.round(bytesPerSpan),
    target: '≤ 400',
    spans: stored,
    retainedBytes: after - base,
    attributesPerSpan: 13,
    seconds: round(seconds, 1),
    caps: { maxSpans: capped.caps.maxSpans, kept: capped.spans.length, dropped: capped.dropped.spans, retainedBytes: after2 - base2, hold: capsHold },
  };
}
