// Ingest throughput: spans per second through decode + normalize + RunStore.ingest, on the
// bytes the real OTel JS exporters send (512-span batches), against the bare baseline on
// the same bytes in the same process: protobufjs's reflection decode (the library's
// `Type.decode` of the OTLP schema) and `JSON.parse`. Both sides start from the request
// body bytes (the JSON side includes UTF-8 decoding on both sides). Repetitions alternate
// baseline and ours; the ratio is the median of the per-repetition ratios.
import { exporterPayloads } from './lib/payloads.mjs';
import { median, round } from './lib/stats.mjs';
import { loadCore } from './lib/build.mjs';

const { otlpTypes, decodeJson, decodeProtobuf, decodeProtobufReference, normalize, RunStore } = await loadCore();

const BIG = { maxSpans: 10_000_000, maxLogs: 10_000_000, maxMetricPoints: 10_000_000, maxEvents: 10_000_000 };
const utf8 = new TextDecoder('utf-8');

function rate(bodies, spansPer, rounds, fn) {
  const t = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const b of bodies) fn(b);
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  return (bodies.length * rounds * spansPer) / s;
}

function compare(name, bodies, spansPer, baseline, ours, extra, reps) {
  // Warm up both sides (JIT) before measuring.
  rate(bodies, spansPer, 3, baseline);
  rate(bodies, spansPer, 3, ours);
  if (extra) rate(bodies, spansPer, 2, extra);
  const base = [];
  const mine = [];
  const ratios = [];
  const withBundle = [];
  for (let i = 0; i < reps; i++) {
    const b = rate(bodies, spansPer, 4, baseline);
    const o = rate(bodies, spansPer, 4, ours);
    base.push(b);
    mine.push(o);
    ratios.push(o / b);
    if (extra) withBundle.push(rate(bodies, spansPer, 2, extra));
  }
  const out = {
    spansPerSec: Math.round(median(mine)),
    baselineSpansPerSec: Math.round(median(base)),
    ratio: round(median(ratios), 3),
    repetitions: reps,
    withBundleLineSpansPerSec: extra ? Math.round(median(withBundle)) : null,
  };
  console.log(
    `  ${name}: ours ${out.spansPerSec.toLocaleString()} spans/s, baseline ${out.baselineSpansPerSec.toLocaleString()} spans/s → ratio ${out.ratio}` +
      (extra ? ` (incl. the bundle line: ${out.withBundleLineSpansPerSec.toLocaleString()} spans/s)` : ''),
  );
  return out;
}

export async function benchIngest({ reps = 9 } = {}) {
  const { proto, json, spansPerBatch } = exporterPayloads({ batches: 8, batchSize: 512 });
  console.log(`ingest: ${proto.length} batches × ${spansPerBatch} spans; protobuf ${Math.round(proto[0].length / 1024)} KiB, JSON ${Math.round(json[0].length / 1024)} KiB per batch`);
  const type = otlpTypes().request.traces;
  // A fresh store per round so that de-duplication does not short-cut the second pass.
  let store = new RunStore(BIG);
  let n = 0;
  const storeFor = () => (++n % proto.length === 0 ? (store = new RunStore(BIG)) : store);
  const pb = compare(
    'protobuf',
    proto,
    spansPerBatch,
    (b) => type.decode(b),
    (b) => storeFor().ingest(normalize('traces', decodeProtobuf('traces', b))),
    (b) => {
      const req = decodeProtobuf('traces', b);
      JSON.stringify(req);
      storeFor().ingest(normalize('traces', req));
    },
    reps,
  );
  // The previous path (protobufjs decode, then a conversion pass), kept as the reference.
  const ref = compare(
    'protobuf, reference path',
    proto,
    spansPerBatch,
    (b) => type.decode(b),
    (b) => storeFor().ingest(normalize('traces', decodeProtobufReference('traces', b))),
    undefined,
    Math.max(3, reps >> 1),
  );
  const js = compare(
    'json',
    json,
    spansPerBatch,
    (b) => JSON.parse(utf8.decode(b)),
    (b) => storeFor().ingest(normalize('traces', decodeJson('traces', utf8.decode(b)))),
    (b) => {
      const req = decodeJson('traces', utf8.decode(b));
      JSON.stringify(req);
      storeFor().ingest(normalize('traces', req));
    },
    reps,
  );
  return {
    protobuf: {
      spansPerSec: pb.spansPerSec,
      ratioVsProtobufjs: pb.ratio,
      protobufjsSpansPerSec: pb.baselineSpansPerSec,
      withBundleLineSpansPerSec: pb.withBundleLineSpansPerSec,
      referencePathSpansPerSec: ref.spansPerSec,
      referencePathRatio: ref.ratio,
      target: '≥ 1.0',
      repetitions: reps,
    },
    json: { spansPerSec: js.spansPerSec, ratioVsJsonParse: js.ratio, jsonParseSpansPerSec: js.baselineSpansPerSec, withBundleLineSpansPerSec: js.withBundleLineSpansPerSec, target: '≥ 0.5', repetitions: reps },
    payload: { batchSpans: spansPerBatch, batches: proto.length, protobufBytesPerBatch: proto[0].length, jsonBytesPerBatch: json[0].length, source: '@opentelemetry/otlp-transformer 0.223.0 serializers (as used by exporter-trace-otlp-proto/-http) on spans from sdk-trace-base 2.12.0' },
  };
}
