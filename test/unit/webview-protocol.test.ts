// The panel protocol: snapshot/delta building and bounds, message validation both ways,
// the ready queue and delta throttle, Compare, and the HTML report's data encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../src/core/report/build.js';
import { RunStore } from '../../src/core/store.js';
import { buildDelta, buildSnapshot, snapshotMessages } from '../../src/protocol/snapshot.js';
import { HostMessageSchema, parseHostMessage, parseWebviewMessage } from '../../src/protocol/messages.js';
import { RunSnapshotSchema, SNAPSHOT_LIMITS } from '../../src/protocol/schema.js';
import { compareReports } from '../../src/protocol/compare.js';
import { ReadyQueue, Throttle, type Scheduler } from '../../src/extension/panel/channel.js';
import { resolveInWorkspace } from '../../src/extension/panel/workspacePath.js';
import { panelHtml } from '../../src/extension/panel/html.js';
import { jsonForScriptElement, renderHtmlReport } from '../../src/bundle/html.js';
import { failingRunBatches, failingRunInfo, failingRunStore, ROOT } from '../fixtures/report/failing-run.js';
import { T0_MS, logLine, mkSpan } from './helpers/telemetry.js';

function fixture() {
  const store = failingRunStore();
  const run = failingRunInfo();
  return { store, run, report: buildReport({ store, run, workspaceRoot: ROOT }) };
}

test('a snapshot holds every span and log, validates, and labels stages', () => {
  const { store, run, report } = fixture();
  const { snapshot } = buildSnapshot(store, run, report);
  assert.equal(snapshot.spans.length, store.spans.length);
  assert.equal(snapshot.logs.length, store.logs.length);
  assert.ok(RunSnapshotSchema.safeParse(snapshot).success);
  const child = snapshot.spans.find((s) => s.name === 'extraction.repo_scan')!;
  assert.equal(child.stage, 'extraction', 'inherits the stage of its ancestor');
  const failed = snapshot.spans.find((s) => s.status === 'error');
  assert.ok(failed, 'error status kept');
  assert.ok(JSON.stringify(snapshot).length > 0, 'serializable: no bigint left');
});

test('untrusted sizes are bounded', () => {
  const store = new RunStore();
  const attrs: Record<string, string | Uint8Array> = { bytes: new Uint8Array([1, 2, 255]) };
  for (let i = 0; i < 200; i++) attrs[`k${i}`] = 'v'.repeat(5000);
  store.ingest({ spans: [mkSpan({ name: 'x'.repeat(100_000), attributes: attrs, startMs: T0_MS, endMs: T0_MS + 1 })], logs: [logLine('y'.repeat(100_000))], metrics: [] });
  const { snapshot } = buildSnapshot(store, { runId: 'r', outcome: 'success' }, fixture().report);
  const s = snapshot.spans[0]!;
  assert.equal(s.name.length, SNAPSHOT_LIMITS.nameChars);
  assert.ok(Object.keys(s.attributes).length <= SNAPSHOT_LIMITS.attrsPerSpan + 1);
  assert.ok(Object.values(s.attributes).every((v) => v.length <= SNAPSHOT_LIMITS.attrValueChars));
  assert.equal(s.attributes.bytes, '0x0102ff');
  assert.equal(snapshot.logs[0]!.body.length, SNAPSHOT_LIMITS.logBodyChars);
});

test('snapshot caps and deltas: only what is new, seq increments, omitted counted', () => {
  const batches = failingRunBatches();
  const store = new RunStore();
  store.ingest(batches[0]!, 0);
  store.ingest(batches[2]!, 0);
  const run = { runId: 'r1', outcome: 'running' as const };
  const rep = fixture().report;
  const { snapshot, cursor } = buildSnapshot(store, run, rep, { maxSpans: 3 });
  assert.equal(snapshot.spans.length, 3);
  assert.equal(snapshot.omitted.spans, store.spans.length - 3);
  assert.equal(snapshot.live, true);
  const before = store.logs.length;
  store.ingest(batches[3]!, 0);
  const d1 = buildDelta(store, run, cursor, null, { maxSpans: 3 });
  assert.equal(d1.seq, 1);
  assert.equal(d1.logs.length, store.logs.length - before);
  assert.equal(d1.spans.length, 0, 'span cap already reached');
  const d2 = buildDelta(store, run, cursor, rep);
  assert.equal(d2.seq, 2);
  assert.equal(d2.logs.length, 0);
  assert.ok(HostMessageSchema.safeParse({ type: 'delta', delta: d2 }).success);
});

test('messages are validated on receipt both ways', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.equal(parseWebviewMessage({ type: 'openSource', file: '', line: 1 }), undefined);
  assert.equal(parseWebviewMessage({ type: 'openSource', file: 'a.py', line: -1 }), undefined);
  assert.equal(parseWebviewMessage({ type: 'requestCompare', runId: 'x'.repeat(500) }), undefined);
  assert.equal(parseWebviewMessage({ type: 'eval', code: 'x' }), undefined);
  assert.equal(parseWebviewMessage('ready'), undefined);
  assert.equal(parseHostMessage({ type: 'snapshot', snapshot: { version: 1 } }), undefined);
  assert.equal(parseHostMessage({ type: 'reveal', section: 'nowhere' }), undefined);
  assert.deepEqual(parseHostMessage({ type: 'reveal', section: 'tasks', task: 'a' }), { type: 'reveal', section: 'tasks', task: 'a' });
});

test('the host holds messages until ready; a new snapshot replaces queued data', () => {
  const sent: string[] = [];
  const q = new ReadyQueue((m) => sent.push(m.type));
  const { snapshot } = buildSnapshot(...(Object.values(fixture()) as [never, never, never]));
  const messages = snapshotMessages(snapshot, { details: 2, logs: 5 });
  const parts = messages.length - 1;
  assert.ok(parts >= 2, 'the fixture makes parts of both kinds');
  q.send({ type: 'runs', runs: [] });
  for (const m of messages) q.send(m);
  for (const m of messages) q.send(m); // the second snapshot makes the first one and its parts moot
  assert.deepEqual(sent, []);
  q.markReady();
  assert.deepEqual(sent, ['runs', 'snapshot', ...Array(parts).fill('part')]);
  q.send({ type: 'empty', message: 'x' });
  assert.deepEqual(sent.slice(-2), ['part', 'empty']);
  q.markNotReady();
  q.send({ type: 'runs', runs: [] });
  assert.equal(sent.length, parts + 3);
  // A snapshot queued while loading is reported (the host delivers it rather than building
  // another); when the webview goes away, run data waiting for it is dropped.
  for (const m of messages) q.send(m);
  assert.equal(q.hasQueuedSnapshot, true);
  q.markNotReady();
  assert.equal(q.hasQueuedSnapshot, false);
  q.markReady();
  assert.deepEqual(sent.slice(parts + 3), ['runs']);
});

test('deltas are throttled to one per interval', () => {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const sched: Scheduler = { now: () => now, setTimeout: (fn, ms) => timers.push({ at: now + ms, fn }), clearTimeout: () => {} };
  let flushes = 0;
  const t = new Throttle(() => flushes++, 100, sched);
  const advance = (ms: number) => {
    now += ms;
    for (let i = 0; i < timers.length; i++) if (timers[i]!.at <= now) timers.splice(i--, 1)[0]!.fn();
  };
  for (let i = 0; i < 100; i++) {
    t.poke();
    advance(10); // 100 pokes over one second
  }
  advance(200);
  assert.ok(flushes >= 9 && flushes <= 11, `about 10 flushes in a second, got ${flushes}`);
});

test('compare: per-task changes, new and missing tasks, readiness and outcome', () => {
  const { report } = fixture();
  const other = structuredClone(report);
  other.run.outcome = 'success';
  other.run.durationMs = 30_000;
  const [first, ...rest] = other.planDiff.tasks;
  other.planDiff.tasks = [...rest.map((t) => ({ ...t, durationMs: (t.durationMs ?? 0) + 5000, status: t.status })), { ...first!, name: 'brand_new' }];
  other.readiness.datasets = [];
  const c = compareReports(report, other);
  assert.equal(c.outcomeChanged, true);
  assert.equal(c.durationDeltaMs, 30_000 - 60_000);
  assert.ok(c.tasks.some((t) => t.name === 'brand_new' && t.change === 'new'));
  assert.ok(c.tasks.some((t) => t.name === first!.name && t.change === 'missing'));
  assert.ok(c.tasks.filter((t) => t.change === 'slower').every((t) => (t.deltaMs ?? 0) >= 100));
  assert.equal(c.readiness.length, report.readiness.datasets.length);
  assert.deepEqual(compareReports(report, report).tasks.filter((t) => t.change !== 'same'), []);
});

test('open source: only files inside the workspace, symlinks resolved', () => {
  const ws = mkdtempSync(join(tmpdir(), 'bd-ws-'));
  const outside = mkdtempSync(join(tmpdir(), 'bd-out-'));
  try {
    mkdirSync(join(ws, 'src'));
    writeFileSync(join(ws, 'src', 'a.py'), 'x');
    writeFileSync(join(outside, 'secret'), 'x');
    symlinkSync(join(outside, 'secret'), join(ws, 'link'));
    assert.ok(resolveInWorkspace('src/a.py', [ws])?.endsWith('a.py'));
    assert.ok(resolveInWorkspace(join(ws, 'src', 'a.py'), [ws]));
    assert.equal(resolveInWorkspace('../' + outside.split('/').pop() + '/secret', [ws]), undefined);
    assert.equal(resolveInWorkspace(join(outside, 'secret'), [ws]), undefined);
    assert.equal(resolveInWorkspace('link', [ws]), undefined, 'a symlink out of the workspace is refused');
    assert.equal(resolveInWorkspace('src/missing.py', [ws]), undefined);
  } finally {
    rmSync(ws, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

test('panel HTML: CSP default-src none, nonce on script and style, no data', () => {
  const html = panelHtml({ cspSource: 'https://x.vscode-cdn.net' }, 'https://x/main.js', 'https://x/main.css', 'NONCE');
  assert.match(html, /content="default-src 'none'; script-src 'nonce-NONCE'; style-src https:\/\/x.vscode-cdn.net 'nonce-NONCE'/);
  assert.match(html, /<script nonce="NONCE" src="https:\/\/x\/main.js"><\/script>/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
});

test('report data is JSON without any < or > and parses back identically', () => {
  const v = { a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: 'a\u2028b\u2029c', d: '&amp;' };
  const s = jsonForScriptElement(v);
  assert.ok(!/[<>]/.test(s));
  assert.deepEqual(JSON.parse(s), v);
  const { snapshot } = buildSnapshot(...(Object.values(fixture()) as [never, never, never]));
  const html = renderHtmlReport(snapshot, { assets: { js: 'var a = "</script>";', css: 'a{}' }, nonce: 'N' });
  assert.ok(html.includes('var a = "<\\/script>";'), 'inline code cannot close its element');
  assert.match(html, /<title>Build run [^<]*<\/title>/);
});
