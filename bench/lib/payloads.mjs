// Benchmark payloads made by the real OpenTelemetry JS SDK: spans are recorded by a real
// BasicTracerProvider (realistic pipeline attributes, events, errors, parent links) and
// serialized by @opentelemetry/otlp-transformer — the serializers that
// @opentelemetry/exporter-trace-otlp-proto and -http call to build their request bodies —
// so the bytes are exactly what those exporters put on the wire.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { rng } from './rng.mjs';

const STAGES = ['extract', 'normalize', 'semantics', 'planning', 'scheduling', 'execution', 'cpg', 'storage'];
const DATASETS = ['ast_files', 'libcst_files', 'tree_sitter_files', 'bytecode_files', 'raw_symbols', 'cpg_nodes', 'cpg_edges', 'cpg_props'];


/** `count` finished ReadableSpans of a pipeline-like run (one resource, several scopes). */
export function recordSpans(count, seed = 1) {
  const r = rng(seed);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'codeanatomy',
      'service.version': '0.9.0',
      'service.namespace': 'codeanatomy',
      'service.instance.id': 'c6f1a9e2-5b7d-4b1e-9b0a-2f9f0c1d7e11',
      'deployment.environment.name': 'dev',
      'codeanatomy.repo_root': '/home/dev/src/codeanatomy',
      'codeanatomy.repo_hash': '50ed41b2c1f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '2.12.0',
      'process.pid': 41234,
      'host.name': 'build-host-01',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const runId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  let t = Date.UTC(2026, 1, 14, 10, 0, 0);
  let made = 0;
  while (made < count) {
    const stage = STAGES[made % STAGES.length];
    const tracer = provider.getTracer(`codeanatomy.${stage}`, '0.9.0');
    const parent = tracer.startSpan(`stage.${stage}`, { startTime: t, attributes: { 'codeanatomy.run_id': runId, 'codeanatomy.stage': stage } });
    made++;
    const ctx = trace.setSpan(context.active(), parent);
    const children = Math.min(count - made, 15);
    for (let i = 0; i < children; i++) {
      const ds = DATASETS[Math.floor(r() * DATASETS.length)];
      const start = t + i * 7;
      const s = tracer.startSpan(
        `${stage}.task.${ds}`,
        {
          startTime: start,
          attributes: {
            'codeanatomy.run_id': runId,
            'codeanatomy.task': `${ds}_${i}`,
            'codeanatomy.dataset': ds,
            'codeanatomy.view_name': `v_${stage}_${ds}`,
            'rows.produced': Math.floor(r() * 1e6),
            'bytes.scanned': Math.floor(r() * 1e9),
            'partition.count': Math.floor(r() * 64),
            'cache.hit': r() < 0.3,
            'duration.ratio': r(),
            'plan.hash': `sha256:${Math.floor(r() * 2 ** 52).toString(16).padStart(16, '0')}`,
            'code.filepath': `src/semantic_ir/${stage}.py`,
            'code.lineno': 10 + Math.floor(r() * 500),
            'thread.name': `worker-${i % 4}`,
          },
        },
        ctx,
      );
      if (r() < 0.2) s.addEvent('dataset_readiness_v1', { dataset: ds, status: 'ok', path_exists: true, file_count: 3 }, start + 1);
      if (r() < 0.05) {
        s.setStatus({ code: SpanStatusCode.ERROR, message: `ValueError: bad rows in ${ds}` });
        s.addEvent('exception', { 'exception.type': 'ValueError', 'exception.message': `bad rows in ${ds}`, 'exception.stacktrace': 'Traceback (most recent call last):\n  File "runner.py", line 42, in run\nValueError' }, start + 2);
      }
      s.end(start + 5 + Math.floor(r() * 50));
      made++;
    }
    parent.end(t + children * 7 + 60);
    t += children * 7 + 100;
  }
  const spans = exporter.getFinishedSpans().slice(0, count);
  void provider.shutdown();
  return spans;
}

/** Export request bodies of `batchSize` spans each, as the proto and JSON exporters send them. */
export function exporterPayloads({ batches = 8, batchSize = 512, seed = 1 } = {}) {
  const proto = [];
  const json = [];
  for (let b = 0; b < batches; b++) {
    const spans = recordSpans(batchSize, seed + b);
    proto.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)));
    json.push(Buffer.from(JsonTraceSerializer.serializeRequest(spans)));
  }
  return { proto, json, spansPerBatch: batchSize };
}

/** Positions of every trace id in an encoded request (the ids are random 16-byte values, so
 * an exact byte match is the id). Used to make many distinct batches out of a few templates. */
export function traceIdPositions(buf, spans) {
  const ids = new Set(spans.map((s) => s.spanContext().traceId));
  const out = [];
  for (const hex of ids) {
    const needle = Buffer.from(hex, 'hex');
    for (let at = buf.indexOf(needle); at >= 0; at = buf.indexOf(needle, at + 1)) out.push(at);
  }
  return out;
}

/** Protobuf templates plus id positions: `variant(k)` is a copy whose trace ids all carry
 * `k` in their first four bytes, so every variant's spans are distinct in the store. */
export function protobufTemplates({ batches = 8, batchSize = 512, seed = 1 } = {}) {
  const out = [];
  for (let b = 0; b < batches; b++) {
    const spans = recordSpans(batchSize, seed + b);
    const buf = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
    out.push({ buf, positions: traceIdPositions(buf, spans), spans: batchSize });
  }
  return out;
}

export function variant(template, k) {
  const b = Buffer.from(template.buf);
  for (const p of template.positions) b.writeUInt32BE(k >>> 0, p);
  return b;
}
