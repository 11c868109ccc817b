// The snapshot as it travels: a head (report + spans in column form) and parts (span
// details, log lines). Column forms round-trip exactly, the structural checks refuse what
// does not fit, and the messages validate with the protocol's own schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../src/core/report/build.js';
import { buildSnapshot, snapshotFeed, snapshotMessages } from '../../src/protocol/snapshot.js';
import { parseHostMessage, type HostMessage } from '../../src/protocol/messages.js';
import { decodeLogs, decodeSpans, encodeLogs, encodeSpans, isLogColumns, isSpanColumns, isSpanDetails } from '../../src/protocol/compact.js';
import type { SnapLog } from '../../src/protocol/schema.js';
import { failingRunInfo, failingRunStore, ROOT } from '../fixtures/report/failing-run.js';
import { hostileRunStore } from '../fixtures/panel/hostile-run.js';

function snap(store = failingRunStore()) {
  const run = failingRunInfo();
  return buildSnapshot(store, run, buildReport({ store, run, workspaceRoot: ROOT })).snapshot;
}

test('span and log columns round-trip exactly (attributes and events travel in parts)', () => {
  for (const s of [snap(), snap(hostileRunStore())]) {
    const cols = JSON.parse(JSON.stringify(encodeSpans(s.spans)));
    assert.ok(isSpanColumns(cols));
    assert.deepEqual(decodeSpans(cols), s.spans.map((x) => ({ ...x, attributes: {}, events: [] })));
    const logs = JSON.parse(JSON.stringify(encodeLogs(s.logs)));
    assert.ok(isLogColumns(logs));
    assert.deepEqual(decodeLogs(logs), s.logs);
    assert.ok(s.spans.some((x) => x.status === 'error') && s.logs.some((l) => l.spanId !== null), 'the fixtures exercise ids and statuses');
  }
  // Times that are not whole µs travel as they are; a parent outside the spans by its id.
  const odd = [
    { ...snap().spans[0]!, startMs: 0.1 + 0.2, endMs: 1e-7, parentSpanId: 'ffffffffffffffff', attributes: {}, events: [] },
    { ...snap().spans[1]!, spanId: 'short', attributes: {}, events: [] },
  ];
  const oddCols = encodeSpans(odd);
  assert.equal(oddCols.baseUs, null);
  assert.equal(oddCols.idWidth, 0, 'ids of different lengths travel with their ends');
  assert.deepEqual(decodeSpans(JSON.parse(JSON.stringify(oddCols))), odd);
  // A log with half an id pair keeps the half it has.
  const half: SnapLog = { timeMs: 1, severity: 'WARN', body: 'b', traceId: null, spanId: 'abcd', stream: 'stderr', ansi: true };
  assert.deepEqual(decodeLogs(encodeLogs([half])), [half]);
});

test('the structural checks refuse malformed columns', () => {
  const s = snap();
  const good = encodeSpans(s.spans);
  const bad = (patch: object) => isSpanColumns({ ...good, ...patch });
  assert.equal(bad({}), true);
  assert.equal(bad({ name: good.name.slice(1) }), false, 'a column of another length');
  assert.equal(bad({ name: [...good.name.slice(1), good.strings.length] }), false, 'a string index out of range');
  assert.ok(good.baseUs !== null, 'µs-precise times travel as integer offsets');
  assert.equal(bad({ start: [...good.start.slice(1), '5'] }), false, 'a time that is not a number');
  assert.equal(bad({ start: [...good.start.slice(1), 0.5] }), false, 'offsets are whole µs');
  assert.equal(bad({ baseUs: null, start: [...good.start.slice(1), Number.NaN] }), false);
  assert.equal(bad({ baseUs: null, start: good.start.map((x) => x + 0.25) }), true, 'raw ms when not µs-precise');
  assert.equal(bad({ parent: [...good.parent.slice(1), good.name.length] }), false, 'a parent index out of range');
  assert.equal(bad({ parent: [...good.parent.slice(1), -2 - good.parentIds.length] }), false, 'a parent id index out of range');
  assert.equal(bad({ status: [...good.status.slice(1), 3] }), false, 'an unknown status');
  assert.equal(bad({ strings: [...good.strings, { toString: 1 }] }), false);
  assert.equal(bad({ stage: [...good.stage.slice(0, -1), good.stage.at(-1)! + 1] }), false, 'runs that do not add up');
  assert.equal(bad({ traceId: [good.strings.length, good.name.length] }), false, 'a run of an index out of range');
  assert.equal(bad({ service: [0, 0, ...good.service] }), false, 'an empty run');
  assert.equal(bad({ ids: good.ids.slice(1) }), false, 'ids of another length');
  assert.equal(bad({ idWidth: 0, idEnds: good.name.map((_, i) => (i + 1) * good.idWidth) }), true, 'ids by their ends');
  assert.equal(bad({ idWidth: 0, idEnds: good.name.map((_, i) => (good.name.length - i) * good.idWidth) }), false, 'ends that go back');
  assert.equal(isSpanColumns(null), false);
  const logs = encodeLogs(s.logs);
  assert.equal(isLogColumns({ ...logs, span: [...logs.span.slice(1), logs.spans.length] }), false);
  assert.equal(isLogColumns({ ...logs, ansi: [...logs.ansi.slice(1), true] }), false);
  assert.equal(isLogColumns({ ...logs, body: [...logs.body.slice(1), 7] }), false);
  assert.equal(isSpanDetails({ attributes: [{ a: 'x' }], events: [[]] }), true);
  assert.equal(isSpanDetails({ attributes: [{ a: 1 }], events: [[]] }), false, 'attribute values are strings');
  assert.equal(isSpanDetails({ attributes: [{}], events: [] }), false, 'one event list per span');
  assert.equal(isSpanDetails({ attributes: [{}], events: [[{ timeMs: 1, name: 'e', attributes: { k: [] } }]] }), false);
});

test('snapshot messages: the head first, then every detail and log part in order; all validate', () => {
  const s = snap(hostileRunStore());
  const msgs = snapshotMessages(s, { details: 3, logs: 4 });
  const parsed = msgs.map((m) => parseHostMessage(JSON.parse(JSON.stringify(m))));
  assert.ok(parsed.every((m): m is HostMessage => m !== undefined), 'every message parses');
  const head = (parsed as HostMessage[])[0]!;
  const parts = (parsed as HostMessage[]).slice(1);
  assert.equal(head.type, 'snapshot');
  if (head.type !== 'snapshot') return;
  assert.deepEqual(head.snapshot.pending, { logs: s.logs.length, details: s.spans.length });
  assert.equal(head.snapshot.report.run.runId, s.report.run.runId);
  // Reassemble what the webview would hold from the parts.
  const spans = decodeSpans(head.snapshot.spans);
  const logs: SnapLog[] = [];
  let kind = 'details';
  for (const m of parts) {
    assert.equal(m.type, 'part');
    if (m.type !== 'part') continue;
    if (m.part.kind === 'logs') {
      kind = 'logs';
      assert.equal(m.part.from, logs.length);
      logs.push(...decodeLogs(m.part.logs));
    } else {
      assert.equal(kind, 'details', 'span details come before log lines');
      m.part.details.attributes.forEach((a, i) => Object.assign(spans[m.part.from + i]!, { attributes: a, events: m.part.kind === 'details' ? m.part.details.events[i] : [] }));
    }
  }
  assert.deepEqual(spans, s.spans);
  assert.deepEqual(logs, s.logs);
  // A part that does not fit is refused by the schema.
  const part = msgs.find((m) => m.type === 'part')!;
  assert.equal(parseHostMessage({ ...part, part: { ...(part as { part: object }).part, from: -1 } }), undefined);
  assert.equal(parseHostMessage({ type: 'snapshot', snapshot: { ...head.snapshot, spans: { ...head.snapshot.spans, ids: 1 } } }), undefined);
});

test("the host's feed (head at once, parts pulled one by one) sends exactly the built snapshot's messages", () => {
  for (const store of [failingRunStore(), hostileRunStore()]) {
    const run = { ...failingRunInfo(), outcome: 'running' as const };
    const report = buildReport({ store, run, workspaceRoot: ROOT });
    const size = { details: 4, logs: 3 };
    const expected = snapshotMessages(buildSnapshot(store, run, report).snapshot, size);
    const feed = snapshotFeed(store, run, report, {}, size);
    // The store grows after the head: the parts still cover what the head announced.
    const headCount = store.logs.length;
    store.ingest({ spans: [], logs: [store.logs[0]!], metrics: [] }, 0);
    assert.deepEqual([feed.head, ...feed.parts], expected);
    assert.equal(feed.cursor.logs, headCount);
  }
});
