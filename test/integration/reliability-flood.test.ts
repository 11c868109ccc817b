// Four exporters flood one receiver concurrently while a fifth sends ordinary traffic.
// The receiver bounds the bytes it holds for unfinished requests (maxInflightBytes) and
// signals back-pressure with 503 + Retry-After (https://opentelemetry.io/docs/specs/otlp/#otlphttp-throttling)
// instead of buffering without bound; clients retry; every span that was answered 200 is
// in the store, exactly once.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { request, Agent } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startReceiver } from '../../src/receiver/index.js';
import { RunStore } from '../../src/core/store.js';
import { encodeProtobuf, type OtlpRequest } from '../../src/core/otlp/index.js';
import { post } from './receiver-client.js';

const TOKEN = 'flood-token';
const HEADERS = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-protobuf' };
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');

/** One request of `count` spans with ids unique to (client, batch). */
function batch(client: number, index: number, count: number): Buffer {
  const trace = hex(client + 1, 8) + hex(index + 1, 8) + 'f'.repeat(16);
  const spans = [];
  for (let i = 0; i < count; i++) {
    spans.push({
      traceId: trace,
      spanId: hex(client + 1, 4) + hex(i + 1, 12),
      name: `task.${i % 17}`,
      kind: 1,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)),
      endTimeUnixNano: String(1_700_000_000_000_500_000n + BigInt(i)),
      attributes: [
        { key: 'codeanatomy.task', value: { stringValue: `task_${i}_${'x'.repeat(40)}` } },
        { key: 'rows', value: { intValue: String(i * 1000) } },
      ],
    });
  }
  const req: OtlpRequest = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: `exporter-${client}` } }] }, scopeSpans: [{ scope: { name: 'flood' }, spans }] }] };
  return Buffer.from(encodeProtobuf('traces', req));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ClientTally {
  acceptedSpans: number;
  busy: number;
  retryAfterSeen: number;
  other: number[];
}

/** Sends its batches `parallel` at a time; a 503/429 is retried after a short pause (the
 * test shortens Retry-After to stay quick, but checks it was sent). */
async function exporter(url: string, bodies: Buffer[], spansPer: number, parallel: number, tally: ClientTally, gzip = false): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: parallel });
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      for (let attempt = 0; ; attempt++) {
        const r = await postWith(agent, url, body, gzip);
        if (r.status === 200) {
          tally.acceptedSpans += spansPer;
          break;
        }
        if (r.status === 503 || r.status === 429) {
          tally.busy++;
          if (/^\d+$/.test(r.retryAfter ?? '')) tally.retryAfterSeen++;
          assert.ok(attempt < 500, 'a retried request is eventually accepted');
          await sleep(20 + Math.random() * 60);
          continue;
        }
        tally.other.push(r.status);
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  agent.destroy();
}

function postWith(agent: Agent, url: string, body: Buffer, gzip: boolean): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...HEADERS, 'Content-Length': String(body.length) };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    const req = request(`${url}/v1/traces`, { method: 'POST', agent, headers });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('receiver under a flood', () => {
  test('a request that would exceed the in-flight budget gets 503 + Retry-After, then succeeds', { timeout: 30_000 }, async () => {
    const store = new RunStore();
    const rx = await startReceiver({ token: TOKEN, maxInflightBytes: 64 * 1024, onExport: (e) => store.ingest(e.batch) });
    try {
      const slow = batch(9, 0, 600);
      const other = batch(8, 0, 300);
      assert.ok(slow.length > 64 * 1024 && other.length < 64 * 1024);
      // A slow uploader holds part of a large body in the receiver's memory.
      const held = request(`${rx.url}/v1/traces`, { method: 'POST', agent: false, headers: { ...HEADERS, 'Content-Length': String(slow.length) } });
      const heldDone = new Promise<number>((resolve, reject) => {
        held.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        held.on('error', reject);
      });
      held.write(slow.subarray(0, 40 * 1024));
      for (let i = 0; i < 200 && rx.load().inflightBytes === 0; i++) await sleep(10);
      assert.ok(rx.load().inflightBytes > 0, 'the partial body is held');
      const refused = await post(rx.url, '/v1/traces', { headers: HEADERS, body: other });
      assert.equal(refused.status, 503);
      assert.match(String(refused.headers['retry-after']), /^\d+$/);
      held.end(slow.subarray(40 * 1024));
      assert.equal(await heldDone, 200, 'the request alone may exceed the budget: it is never starved');
      const retried = await post(rx.url, '/v1/traces', { headers: HEADERS, body: other });
      assert.equal(retried.status, 200);
      assert.equal(store.spans.length, 900);
      assert.equal(rx.load().inflightBytes, 0, 'every byte given back');
      assert.ok(rx.load().busy >= 1);
    } finally {
      await rx.close();
    }
  });

  test('4 flooding exporters + 1 normal sender: nothing accepted is lost, memory stays bounded', { timeout: 120_000 }, async () => {
    const MAX_INFLIGHT = 256 * 1024;
    const store = new RunStore({ maxSpans: 1_000_000, maxLogs: 1000, maxMetricPoints: 1000, maxEvents: 1000 });
    let exported = 0;
    const rx = await startReceiver({
      token: TOKEN,
      maxInflightBytes: MAX_INFLIGHT,
      onExport: (e) => {
        exported += e.batch.spans.length;
        store.ingest(e.batch);
      },
    });
    try {
      const SPANS = 1000;
      // gzip, as exporters usually send: inflating runs off the main thread in chunks, so
      // several bodies are in flight at once.
      const plain = [0, 1, 2, 3].map((c) => Array.from({ length: 15 }, (_, i) => batch(c, i, SPANS)));
      assert.ok(plain[0]![0]!.length > MAX_INFLIGHT / 4, 'a few concurrent bodies exceed the budget');
      const floods = plain.map((bodies) => bodies.map((b) => gzipSync(b)));
      const normal = Array.from({ length: 20 }, (_, i) => batch(4, i, 5));
      const tallies = Array.from({ length: 5 }, (): ClientTally => ({ acceptedSpans: 0, busy: 0, retryAfterSeen: 0, other: [] }));
      const normalSender = (async () => {
        // Ordinary traffic: one small batch at a time, with pauses, as a quiet exporter sends.
        for (const body of normal) {
          await exporter(rx.url, [body], 5, 1, tallies[4]!);
          await sleep(10);
        }
      })();
      await Promise.all([...floods.map((bodies, c) => exporter(rx.url, bodies, SPANS, 4, tallies[c]!, true)), normalSender]);

      const accepted = tallies.reduce((n, t) => n + t.acceptedSpans, 0);
      assert.deepStrictEqual(tallies.flatMap((t) => t.other), [], 'no status other than 200 and 503');
      assert.equal(accepted, 4 * 15 * SPANS + 20 * 5, 'every batch was eventually accepted');
      assert.equal(exported, accepted, 'the sink got exactly what was acknowledged');
      assert.equal(store.spans.length, accepted, 'and the store holds all of it');
      assert.equal(store.dropped.duplicateSpans, 0);
      assert.equal(tallies[4]!.acceptedSpans, 100, 'the normal sender was served');
      const load = rx.load();
      assert.ok(load.peakInflightBytes <= MAX_INFLIGHT, `held at most ${load.peakInflightBytes} bytes`);
      assert.equal(load.inflightBytes, 0);
      const busy = tallies.reduce((n, t) => n + t.busy, 0);
      assert.equal(load.busy, busy, 'every 503 the clients saw was counted');
      assert.equal(tallies.reduce((n, t) => n + t.retryAfterSeen, 0), busy, 'every 503 carried Retry-After');
    } finally {
      await rx.close();
    }
  });
});
