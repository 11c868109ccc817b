// The pipeline's otel_*.json repeat what OTLP may already have delivered: importing them
// adds only what is new (spans by trace + span id; logs and metric points by fingerprint),
// so a run never counts a span, log or point twice — and the OTLP copy (with its parent ids
// and real scope) is the one kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importArtifactTelemetry, parsePipelineOtelFile } from '../../src/core/artifacts/index.js';
import { logsToOtlp, normalize, spansToOtlp } from '../../src/core/otlp/index.js';
import { plainSpan, spanFrom } from '../../src/core/otlp/spanObject.js';
import { RunStore } from '../../src/core/store.js';

const RUN = resolve('test/fixtures/artifacts/codeanatomy/run_bundle/0195f3a2-7c1e-7d2a-9b1f-3c4d5e6f7a8b');
const text = (f: string): string => readFileSync(join(RUN, f), 'utf8');

/** What the same build would have sent over OTLP: real scope, parent ids, full-ns times. */
function otlpDelivered(): RunStore {
  const store = new RunStore();
  const spans = parsePipelineOtelFile(text('otel_traces.json'), 'traces').spans.map((s) => spanFrom({
    ...plainSpan(s),
    scope: { name: 'codeanatomy.pipeline' },
    resource: { attributes: { 'service.name': 'codeanatomy' } },
    ...(s.name === 'extraction.ast_files' ? { parentSpanId: '1111111111111111' } : {}),
  }));
  // Only the first three spans made it over the wire.
  store.ingest(normalize('traces', spansToOtlp(spans.slice(0, 3))));
  const logs = parsePipelineOtelFile(text('otel_logs.json'), 'logs').logs.map((l) => ({ ...l, timeNs: l.timeNs + 123n, scope: { name: 'codeanatomy.diagnostics' } }));
  store.ingest(normalize('logs', logsToOtlp(logs.slice(0, 4))));
  return store;
}

test('spans already delivered over OTLP are not imported again; the rest are', () => {
  const store = otlpDelivered();
  const imp = importArtifactTelemetry(store, 'traces', text('otel_traces.json'));
  assert.equal(imp.items, 5);
  assert.equal(imp.duplicates, 3);
  assert.deepStrictEqual(imp.delta?.spans.map((s) => s.name), ['engine_execute', 'build.heartbeat']);
  assert.equal(store.spans.length, 5);
  assert.equal(store.dropped.duplicateSpans, 0, 'nothing even reached the store twice');
  // The OTLP copy, with its parent id and scope, is the one kept.
  const ast = store.span('0a1b2c3d4e5f60718293a4b5c6d7e8f9', '2222222222222222')!;
  assert.equal(ast.parentSpanId, '1111111111111111');
  assert.equal(ast.scope.name, 'codeanatomy.pipeline');
  // The request to append to the bundle holds exactly the new spans.
  const appended = imp.request!.resourceSpans!.flatMap((r) => r.scopeSpans ?? []).flatMap((s) => s.spans ?? []);
  assert.deepStrictEqual(appended.map((s) => s.name), ['engine_execute', 'build.heartbeat']);
  // Importing the same file again adds nothing.
  const again = importArtifactTelemetry(store, 'traces', text('otel_traces.json'));
  assert.equal(again.request, undefined);
  assert.equal(again.duplicates, 5);
  assert.equal(store.spans.length, 5);
});

test('logs delivered over OTLP (ns precision) match their file copy (µs precision)', () => {
  const store = otlpDelivered();
  const eventsBefore = store.events.length;
  const imp = importArtifactTelemetry(store, 'logs', text('otel_logs.json'));
  assert.equal(imp.duplicates, 4);
  assert.deepStrictEqual(imp.delta?.logs.map((l) => l.eventName), ['build.failure']);
  assert.equal(store.logs.length, 5);
  // The recognized event of the new record is there, once.
  assert.equal(store.events.length - eventsBefore, 1);
  assert.equal(store.events.at(-1)!.name, 'build.failure');
});

test('metric points: the same snapshot is not imported twice, a later one is', () => {
  const store = new RunStore();
  const first = importArtifactTelemetry(store, 'metrics', text('otel_metrics.json'));
  assert.equal(first.delta?.metrics.length, 3);
  const again = importArtifactTelemetry(store, 'metrics', text('otel_metrics.json'));
  assert.equal(again.request, undefined);
  assert.equal(again.duplicates, 3);
  const later = text('otel_metrics.json').replaceAll('1770714065000000000', '1770714070000000000');
  const third = importArtifactTelemetry(store, 'metrics', later);
  assert.equal(third.delta?.metrics.length, 3);
  assert.equal(store.metrics.length, 6);
});
