// Forwarding to a real OTLP backend — here a second local receiver with its own token —
// and what happens when the backend is down (a closed port) or slow (answers after seconds):
// the build's duration and the local report must not change.
import { test, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReceiver, type Receiver } from '../../src/receiver/index.js';
import { EXAMPLE, bundleSpans, readTelemetry, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-forward-');
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
  tmp.cleanup();
});

const BUILD = [process.execPath, EXAMPLE, '--scenario', 'ok', '--speed', '0.3'];

async function run(name: string, extra: string[]): Promise<{ dir: string; stderr: string; run: any; report: any }> {
  const dir = join(tmp.path, name);
  const r = await runCli(['run', '--out', dir, '--grace', '1', ...extra, '--', ...BUILD], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  return { dir, stderr: r.stderr, run: JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')), report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) };
}

/** The report's content without what differs between any two runs (ids, clocks, timings). */
function content(report: any): unknown {
  return {
    outcome: report.run.outcome,
    exitCode: report.run.exitCode,
    spans: report.telemetry.spans,
    truncated: report.telemetry.truncated,
    plan: { expected: report.planDiff.expected, executed: report.planDiff.executed, missing: report.planDiff.missing, failed: report.planDiff.failed, source: report.planDiff.source },
    readiness: stripTimes(report.readiness),
    problems: report.problems.map((p: any) => [p.severity, p.source, p.message]),
    stalls: report.stalls.length,
    warnings: report.warnings,
  };
}

/** Clock readings (…At, …Ms, …S) removed, recursively. */
function stripTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripTimes);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !/(At|Ms|S|Time)$/.test(k)).map(([k, x]) => [k, stripTimes(x)]));
}

function counts(requests: Record<string, unknown>[]): { spans: Set<string>; logs: number; points: number } {
  const spans = new Set<string>();
  let logs = 0;
  let points = 0;
  for (const req of requests as any[]) {
    for (const rs of req.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.add(`${s.traceId}/${s.spanId}`);
    for (const rl of req.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) logs += (sl.logRecords ?? []).length;
    for (const rm of req.resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) for (const k of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) points += (m[k]?.dataPoints ?? []).length;
  }
  return { spans, logs, points };
}

describe('forwarding', () => {
  let baseline: Awaited<ReturnType<typeof run>>;

  test('baseline run without forwarding', { timeout: 90_000 }, async () => {
    baseline = await run('baseline', []);
    assert.equal(baseline.run.outcome, 'success');
  });

  test('everything the bundle holds arrives at the backend, the root span included', { timeout: 90_000 }, async () => {
    const token = 'backend-token-0b5e';
    const received: Record<string, unknown>[] = [];
    let rejected = 0;
    const backend: Receiver = await startReceiver({ token, onExport: (exp) => received.push(exp.request as Record<string, unknown>), onRejected: () => rejected++ });
    closers.push(() => backend.close());
    const r = await run('forwarded', ['--forward', backend.url, '--forward-header', `Authorization=Bearer ${token}`]);
    assert.equal(rejected, 0);
    const local = counts(readTelemetry(r.dir));
    const remote = counts(received);
    assert.deepEqual([...remote.spans].sort(), [...local.spans].sort());
    assert.equal(remote.logs, local.logs);
    assert.equal(remote.points, local.points);
    const root = bundleSpans(r.dir).find((s) => s.name === 'build.invocation')!;
    assert.ok(remote.spans.has(`${root.traceId}/${root.spanId}`), 'the root span was forwarded');
    assert.ok(local.logs > 0 && local.spans.size > 5);
    assert.deepEqual(content(r.report), content(baseline.report));
  });

  test('JSON protocol works too', { timeout: 90_000 }, async () => {
    const token = 'backend-token-json';
    const encodings = new Set<string>();
    const backend = await startReceiver({ token, onExport: (exp) => encodings.add(exp.encoding) });
    closers.push(() => backend.close());
    await run('forwarded-json', ['--forward', `${backend.url}/`, '--forward-protocol', 'http/json', '--forward-header', `authorization=Bearer ${token}`]);
    assert.deepEqual([...encodings], ['json']);
  });

  test('a backend that is down changes neither the build nor the report', { timeout: 90_000 }, async () => {
    const port = await closedPort();
    const r = await run('down', ['--forward', `http://127.0.0.1:${port}`]);
    assert.deepEqual(content(r.report), content(baseline.report));
    // Generous bound: no added delay beyond scheduling noise (the example takes seconds).
    assert.ok(r.run.durationMs < baseline.run.durationMs + 3000, `${r.run.durationMs} vs ${baseline.run.durationMs}`);
    assert.match(r.stderr, /forwarding to http:\/\/127\.0\.0\.1:\d+.*not delivered/);
  });

  test('a slow backend changes neither the build nor the report', { timeout: 90_000 }, async () => {
    let requests = 0;
    const slow: Server = createServer((req, res) => {
      requests++;
      req.resume();
      const t = setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(), 4000);
      res.on('close', () => clearTimeout(t));
    });
    await new Promise<void>((ok) => slow.listen(0, '127.0.0.1', ok));
    closers.push(() => new Promise<void>((ok) => { slow.closeAllConnections(); slow.close(() => ok()); }));
    const r = await run('slow', ['--forward', `http://127.0.0.1:${(slow.address() as AddressInfo).port}`]);
    assert.ok(requests > 0, 'the slow backend was tried');
    assert.deepEqual(content(r.report), content(baseline.report));
    assert.ok(r.run.durationMs < baseline.run.durationMs + 3000, `${r.run.durationMs} vs ${baseline.run.durationMs}`);
  });
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}
