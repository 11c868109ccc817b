// The session's ingest pipeline (src/launch/session/pipeline.ts): the run's receiver and the
// per-request work in a worker thread, the main thread admitting and storing in slices.
// Real worker, real sockets, real bundle files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { RunStore } from '../../src/core/store.js';
import type { OtlpRequest } from '../../src/core/otlp/index.js';
import { BundleWriter, TELEMETRY_FILE } from '../../src/bundle/writer.js';
import { newRunInfo } from '../../src/core/run.js';
import { RunIngest } from '../../src/launch/session/ingest.js';
import { SLICE_ITEMS, type HeadMessage, type WorkerIn, type WorkerOut } from '../../src/launch/session/pipeline.js';
import { post } from './receiver-client.js';
import { EXAMPLE, bundleSpans, runCli, tempDir } from './helpers/cli.js';

const TOKEN = 'worker-token';
const JSON_HEADERS = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');

/** `count` spans of request `index` (ids unique per request and span). */
function spans(index: number, count: number, extra: Record<string, string> = {}): OtlpRequest {
  const list = [];
  for (let i = 0; i < count; i++) {
    list.push({
      traceId: hex(index + 1, 32),
      spanId: hex(index + 1, 8) + hex(i + 1, 8),
      name: `r${index}.s${i}`,
      kind: 1,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)),
      endTimeUnixNano: String(1_700_000_000_000_500_000n + BigInt(i)),
      attributes: Object.entries(extra).map(([key, v]) => ({ key, value: { stringValue: v } })),
    });
  }
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'test' }, spans: list }] }] };
}

async function setup(limits: { maxSpans?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bd-ingest-worker-'));
  const store = new RunStore();
  const ingest = new RunIngest(store, { limits });
  const warnings: string[] = [];
  ingest.onWarning = (m) => warnings.push(m);
  const info = newRunInfo({ runId: 'r1', command: 'x', tokenCount: 1, cwd: dir, toolVersion: 't' });
  ingest.bundle = BundleWriter.create(dir, info);
  const receiver = await ingest.startReceiver(TOKEN);
  const send = (req: OtlpRequest | string) =>
    post(receiver.url, '/v1/traces', { headers: JSON_HEADERS, body: typeof req === 'string' ? req : JSON.stringify(req) });
  const finish = async () => {
    await receiver.close();
    await ingest.close();
    ingest.bundle!.close();
    const lines = readFileSync(join(dir, TELEMETRY_FILE), 'utf8').split('\n').filter(Boolean);
    rmSync(dir, { recursive: true, force: true });
    return lines.map((l) => JSON.parse(l) as OtlpRequest);
  };
  return { store, ingest, warnings, receiver, send, finish };
}

test('the run\'s address answers at once: a request sent before the worker listens is held by the front, then kept', async () => {
  const t = await setup();
  const pipeline = t.ingest['pipeline'];
  // startReceiver resolved with the front's address; the worker is still booting.
  assert.equal(t.ingest.usesWorker, false);
  assert.equal(pipeline['port'], 0);
  const res = await t.send(spans(0, 5));
  assert.equal(res.status, 200);
  assert.equal(t.ingest.usesWorker, true);
  assert.notEqual(pipeline['port'], t.receiver.port, 'the worker listens on a port of its own, behind the front');
  assert.equal(t.store.spans.length, 5);
  assert.equal((await t.finish()).length, 1);
  assert.deepEqual(t.warnings, []);
});

test('the receiver runs in the worker: requests are stored in arrival order, in slices, and answered after', async () => {
  const t = await setup();
  await t.ingest.settled();
  assert.equal(t.ingest.usesWorker, true);
  // More spans than one slice, so a request is stored over several turns.
  const n = SLICE_ITEMS * 2 + 7;
  for (let r = 0; r < 5; r++) {
    const res = await t.send(spans(r, n, { password: 'hunter2' }));
    assert.equal(res.status, 200);
    // Answered only once stored: everything acknowledged so far is in the store.
    assert.equal(t.store.spans.length, (r + 1) * n);
  }
  assert.deepEqual(
    t.store.spans.filter((_, i) => i % n === 0).map((s) => s.name),
    ['r0.s0', 'r1.s0', 'r2.s0', 'r3.s0', 'r4.s0'],
  );
  assert.equal(t.store.spans[n - 1]!.name, `r0.s${n - 1}`);
  // Redacted by the worker, in the store and in the bundle alike.
  assert.equal(t.store.spans[0]!.attributes.password, '[redacted]');
  assert.match(t.ingest.warnings().join('\n'), new RegExp(`redacted: ${5 * n} attribute values`));
  // Spans without events share the normalizer's frozen empty list again.
  assert.equal(Object.isFrozen(t.store.spans[0]!.events), true);
  const lines = await t.finish();
  assert.equal(lines.length, 5);
  assert.deepEqual(lines[0]!.resourceSpans![0]!.scopeSpans![0]!.spans![0]!.attributes![0]!.value, { stringValue: '[redacted]' });
  assert.deepEqual(t.warnings, []);
});

test('the worker answers bad bodies itself: 400 with a message, partial success for bad ids', async () => {
  const t = await setup();
  const bad = await t.send('{"resourceSpans": [ nope');
  assert.equal(bad.status, 400);
  assert.match(bad.body.toString(), /invalid JSON/);
  const req = spans(1, 3);
  req.resourceSpans![0]!.scopeSpans![0]!.spans![1]!.spanId = 'abc';
  const partial = await t.send(req);
  assert.equal(partial.status, 200);
  const answer = JSON.parse(partial.body.toString()) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
  assert.equal(Number(answer.partialSuccess?.rejectedSpans), 1);
  assert.match(answer.partialSuccess?.errorMessage ?? '', /span/);
  assert.equal(t.store.spans.length, 2);
  await t.finish();
});

test('caps: refused requests are counted, a later request that still fits is kept', async () => {
  const t = await setup({ maxSpans: 10 });
  for (const [r, count] of [[0, 6], [1, 6], [2, 3], [3, 6], [4, 2]] as const) {
    assert.equal((await t.send(spans(r, count))).status, 200);
  }
  // 6 kept; 6 refused (room 4 from then on); 3 fit; 6 refused (skipped by the worker); 2 do
  // not fit in the last 1.
  assert.deepEqual([...new Set(t.store.spans.map((s) => s.name.split('.')[0]))], ['r0', 'r2']);
  assert.equal(t.store.spans.length, 9);
  assert.match(t.ingest.warnings().join('\n'), /capture limit \(10 spans\); dropped 14 spans/);
  assert.equal((await t.finish()).length, 2);
});

test('a worker that dies: a warning, the receiver goes on at the same address in-thread, nothing acknowledged is lost', async () => {
  const t = await setup();
  assert.equal((await t.send(spans(0, 300))).status, 200);
  const pipeline = t.ingest['pipeline'];
  await pipeline['worker']!.terminate();
  // The warning, and the in-thread receiver listening behind the same front.
  for (let i = 0; i < 100 && !(pipeline['local'] && t.warnings.length > 0); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(t.ingest.usesWorker, false);
  assert.match(t.warnings.join('\n'), /ingest worker stopped .*main thread/);
  const res = await t.send(spans(1, 300));
  assert.equal(res.status, 200);
  assert.equal(t.store.spans.length, 600);
  assert.equal((await t.send('not json')).status, 400);
  const lines = await t.finish();
  assert.equal(lines.length, 2);
});

test('a spare worker waits for its settings, then listens with their token and keeps what it is sent', { timeout: 30_000 }, async () => {
  // The built worker as the CLI's entry starts it (workerSpare.ts): no settings yet.
  const w = new Worker(join(__dirname, '..', '..', 'dist', 'ingest-worker.js'), { workerData: { prewarm: true } });
  try {
    const heads: HeadMessage[] = [];
    const messages: WorkerOut[] = [];
    let listening: (m: { port: number }) => void = () => undefined;
    const listens = new Promise<{ port: number }>((r) => (listening = r));
    w.on('message', (m: WorkerOut) => {
      messages.push(m);
      if (m.t === 'listening') listening(m);
      else if (m.t === 'head') {
        heads.push(m);
        w.postMessage({ t: 'done', id: m.id } satisfies WorkerIn);
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(messages, [], 'a spare says nothing before its settings');
    const channel = new MessageChannel();
    const slices: unknown[] = [];
    channel.port1.on('message', (m: unknown) => slices.push(m));
    const init = { options: {}, withRequest: false, sliceItems: SLICE_ITEMS, token: TOKEN, data: channel.port2 };
    w.postMessage({ t: 'init', init } satisfies WorkerIn, [channel.port2]);
    const url = `http://127.0.0.1:${(await listens).port}`;
    const wrong = await post(url, '/v1/traces', { headers: { ...JSON_HEADERS, Authorization: 'Bearer not-the-token' }, body: JSON.stringify(spans(0, 1)) });
    assert.equal(wrong.status, 401);
    const res = await post(url, '/v1/traces', { headers: JSON_HEADERS, body: JSON.stringify(spans(1, 3)) });
    assert.equal(res.status, 200);
    assert.equal(heads.length, 1);
    assert.equal(heads[0]!.counts.spans, 3);
    assert.equal(slices.length, 1);
    channel.port1.close();
  } finally {
    await w.terminate();
  }
});

test('build-diag run boots its ingest worker before loading the CLI bundle (one worker, the spare) and the build\'s telemetry goes through it', { timeout: 60_000 }, async () => {
  const tmp = tempDir('bd-worker-');
  try {
    // Observe (not replace) worker creation in the CLI process: a preload that logs each one.
    const preload = join(tmp.path, 'count-workers.cjs');
    writeFileSync(
      preload,
      "const wt = require('node:worker_threads'); const W = wt.Worker;\n" +
        "wt.Worker = class extends W { constructor(s, o) { process.stderr.write('WORKER ' + (o && o.workerData && o.workerData.prewarm ? 'spare' : 'direct') + '\\n'); super(s, o); } };\n",
    );
    const out = join(tmp.path, 'run');
    const r = await runCli(['run', '--json', '--out', out, '--grace', '1', '--', process.execPath, EXAMPLE, '--scenario', 'ok', '--speed', '0.2'], {
      env: { NODE_OPTIONS: `--require ${preload}` },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stderr.match(/^WORKER \w+$/gm), ['WORKER spare'], r.stderr);
    assert.equal(JSON.parse(r.stdout).outcome, 'success');
    assert.ok(bundleSpans(out).some((s) => s.serviceName !== 'build-diagnostics'), 'the build\'s spans are in the bundle');
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { warnings?: string[] };
    assert.ok(!(info.warnings ?? []).some((w) => /ingest worker|receiver/.test(w)), JSON.stringify(info.warnings));
  } finally {
    tmp.cleanup();
  }
});

test('without its ingest worker (dist/ingest-worker.js missing) a run says so and receives on the main thread behind the same front', { timeout: 60_000 }, async () => {
  const tmp = tempDir('bd-noworker-');
  try {
    // A copy of the built CLI without the worker's script: the spare cannot start and neither
    // can the session's worker.
    const dist = join(__dirname, '..', '..', 'dist');
    const copy = join(tmp.path, 'dist');
    cpSync(dist, copy, { recursive: true, filter: (src) => !src.endsWith('ingest-worker.js') && !src.includes(`${sep}webview`) });
    assert.ok(!existsSync(join(copy, 'ingest-worker.js')));
    const out = join(tmp.path, 'run');
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const c = spawn(process.execPath, [join(copy, 'cli.js'), 'run', '--json', '--out', out, '--grace', '1', '--', process.execPath, EXAMPLE, '--scenario', 'ok', '--speed', '0.2'], {
        env: { ...process.env, CI: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d: Buffer) => (stdout += d));
      c.stderr.on('data', (d: Buffer) => (stderr += d));
      c.on('error', reject);
      c.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).outcome, 'success');
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { warnings?: string[] };
    assert.match((info.warnings ?? []).join('\n'), /received and decoded on the main thread: the ingest worker cannot start \(.*ingest-worker\.js is missing\)/);
    assert.ok(bundleSpans(out).some((s) => s.serviceName !== 'build-diagnostics'), 'the build\'s spans are in the bundle');
  } finally {
    tmp.cleanup();
  }
});
