// The panel benchmark's run: a real RunStore filled with generated telemetry (model spans
// and log records, as the receiver would store them), its report.json built by the real
// report builder and its run.json. Deterministic. Loaded under tsx (see bench/panel.mjs).
//   40 stages in sequence (one 30-minute idle gap in the middle), each a root span with 8
//   workers running tasks; every task has two child spans. Logs: 60 % correlated to a span,
//   every tenth with ANSI colours, a third from stderr.
import { rng } from './lib/rng.mjs';
const { RunStore } = await import('../src/core/store.ts');
const { buildReport } = await import('../src/core/report/build.ts');
const { RUN_SCHEMA } = await import('../src/core/run.ts');
const { RunInfoSchema } = await import('../src/core/runSchema.ts');


const ns = (ms) => BigInt(Math.round(ms * 1000)) * 1000n;
const SEVERITY = [
  ['DEBUG', 5],
  ['INFO', 9],
  ['INFO', 9],
  ['INFO', 9],
  ['WARN', 13],
  ['ERROR', 17],
];

export function generateRun(SPANS, LOGS) {
  const r = rng(42);
  const hex = (n, len) => n.toString(16).padStart(len, '0');
  const t0 = Date.UTC(2026, 1, 14, 10, 0, 0);
  const resource = { attributes: { 'service.name': 'bench' } };
  const scope = { name: 'bench' };
  const spans = [];
  const STAGES = 40;
  const perStage = Math.floor(SPANS / STAGES);
  const mk = (traceId, spanId, parentSpanId, name, startMs, endMs, code, attributes) => ({
    traceId, spanId, ...(parentSpanId ? { parentSpanId } : {}), name, kind: 1, startNs: ns(startMs), endNs: ns(endMs),
    status: code === 2 ? { code, message: 'boom' } : { code }, attributes, events: [], links: [], resource, scope,
  });
  let t = t0;
  let id = 1;
  for (let st = 0; st < STAGES; st++) {
    if (st === 20) t += 30 * 60_000; // a 30-minute wait: compressed on the axis
    const traceId = hex(st + 1, 32);
    const rootId = hex(id++, 16);
    const stageSpans = [];
    const workers = 8;
    const ends = new Array(workers).fill(t);
    for (let k = 1; k + 2 < perStage; k += 3) {
      const w = k % workers;
      const start = ends[w] + r() * 5;
      const dur = 5 + r() * 200;
      const taskId = hex(id++, 16);
      const failed = r() < 0.002;
      stageSpans.push(mk(traceId, taskId, rootId, `task_${st}_${k}`, start, start + dur, failed ? 2 : 1, { task: `task_${st}_${k}`, rows: Math.floor(r() * 1e6), 'code.file.path': `src/stage_${st}.py`, 'code.line.number': k }));
      stageSpans.push(mk(traceId, hex(id++, 16), taskId, 'datafusion.plan', start, start + dur * 0.3, 0, { view_name: `v${k}` }));
      stageSpans.push(mk(traceId, hex(id++, 16), taskId, 'datafusion.execute', start + dur * 0.3, start + dur, 0, { view_name: `v${k}` }));
      ends[w] = start + dur;
    }
    const end = Math.max(...ends);
    spans.push(mk(traceId, rootId, undefined, `stage_${st}`, t, end, 1, { 'codeanatomy.stage': `stage_${st}` }), ...stageSpans);
    t = end + 50;
  }
  const tEnd = t;
  const logs = [];
  for (let i = 0; i < LOGS; i++) {
    const s = r() < 0.6 ? spans[Math.floor(r() * spans.length)] : null;
    const ansi = i % 10 === 0;
    const body = ansi ? `\u001b[32mstep ${i}\u001b[0m done in ${Math.floor(r() * 1000)} ms` : `processing item ${i} of batch ${Math.floor(i / 1000)}: rows=${Math.floor(r() * 1e5)}`;
    const at = s ? s.startNs : ns(t0 + r() * (tEnd - t0));
    const [text, num] = SEVERITY[i % SEVERITY.length];
    logs.push({
      timeNs: at, observedTimeNs: at, severityNumber: num, severityText: text, body, attributes: {},
      ...(s ? { traceId: s.traceId, spanId: s.spanId } : {}), resource, scope, source: i % 3 === 0 ? 'stderr' : 'otlp',
    });
  }
  logs.sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
  const store = new RunStore();
  for (let i = 0; i < spans.length; i += 512) store.ingest({ spans: spans.slice(i, i + 512), logs: [], metrics: [] }, t0);
  for (let i = 0; i < logs.length; i += 512) store.ingest({ spans: [], logs: logs.slice(i, i + 512), metrics: [] }, t0);
  const info = {
    schema: RUN_SCHEMA, runId: '019c5bd0-0000-7000-8000-00000000bench', command: 'bench', tokenCount: 1, cwd: '/work/bench',
    startedAt: new Date(t0).toISOString(), endedAt: new Date(tEnd).toISOString(), durationMs: tEnd - t0,
    exitCode: 0, signal: null, reportedExitCode: null, outcome: 'success', errorType: null, traceId: hex(1, 32),
  };
  RunInfoSchema.parse(info);
  const report = buildReport({ store, run: info, workspaceRoot: '/work/bench' });
  return { store, info, report };
}
