#!/usr/bin/env node
// Panel scale benchmark: a generated run of 100,000 spans and 200,000 log lines, rendered by
// the real app bundle (as the self-contained HTML report) in headless Chromium. Prints the
// time to first render, the time to the first timeline frame, and draw/frame times while
// panning the timeline — medians over several runs.
//   node bench/panel.mjs [--spans 100000] [--logs 200000] [--runs 3]
// Needs `npm run build` first (dist/webview/main.js).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SPANS = arg('spans', 100_000);
const LOGS = arg('logs', 200_000);
const RUNS = arg('runs', 3);

// The TypeScript sources are loaded through tsx: re-run under `--import tsx` if needed.
if (!process.env.BD_BENCH_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, BD_BENCH_TSX: '1' } });
  process.exit(r.status ?? 1);
}
const here = import.meta.url;
const { buildReport } = await import('../src/core/report/build.ts');
const { writeHtmlReport, loadHtmlAssets } = await import('../src/bundle/html.ts');
const { failingRunInfo, failingRunStore, ROOT } = await import('../test/fixtures/report/failing-run.ts');
const { launchBrowser, offlinePage } = await import('../test/integration/html-report-browser.ts');

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 40 stages in sequence (with one long idle gap), each a root span with workers running
 * tasks; every task has two child spans. Logs: 60 % correlated to a span, some ANSI. */
function generate() {
  const r = rng(42);
  const hex = (n, len) => n.toString(16).padStart(len, '0');
  const t0 = Date.UTC(2026, 1, 14, 10, 0, 0);
  const spans = [];
  const STAGES = 40;
  const perStage = Math.floor(SPANS / STAGES);
  let t = t0;
  let id = 1;
  for (let st = 0; st < STAGES; st++) {
    if (st === 20) t += 30 * 60_000; // a 30-minute wait: compressed on the axis
    const traceId = hex(st + 1, 32);
    const rootId = hex(id++, 16);
    const root = { traceId, spanId: rootId, parentSpanId: null, name: `stage_${st}`, startMs: t, endMs: t, status: 'ok', statusMessage: null, stage: `stage_${st}`, service: 'bench', attributes: { 'codeanatomy.stage': `stage_${st}` }, events: [] };
    spans.push(root);
    const workers = 8;
    const ends = new Array(workers).fill(t);
    for (let k = 1; k + 2 < perStage; k += 3) {
      const w = k % workers;
      const start = ends[w] + r() * 5;
      const dur = 5 + r() * 200;
      const taskId = hex(id++, 16);
      const failed = r() < 0.002;
      spans.push({ traceId, spanId: taskId, parentSpanId: rootId, name: `task_${st}_${k}`, startMs: start, endMs: start + dur, status: failed ? 'error' : 'ok', statusMessage: failed ? 'boom' : null, stage: `stage_${st}`, service: 'bench', attributes: { task: `task_${st}_${k}`, rows: String(Math.floor(r() * 1e6)), 'code.file.path': `src/stage_${st}.py`, 'code.line.number': String(k) }, events: [] });
      spans.push({ traceId, spanId: hex(id++, 16), parentSpanId: taskId, name: 'datafusion.plan', startMs: start, endMs: start + dur * 0.3, status: 'unset', statusMessage: null, stage: `stage_${st}`, service: 'bench', attributes: { view_name: `v${k}` }, events: [] });
      spans.push({ traceId, spanId: hex(id++, 16), parentSpanId: taskId, name: 'datafusion.execute', startMs: start + dur * 0.3, endMs: start + dur, status: 'unset', statusMessage: null, stage: `stage_${st}`, service: 'bench', attributes: { view_name: `v${k}` }, events: [] });
      ends[w] = start + dur;
    }
    root.endMs = Math.max(...ends);
    t = root.endMs + 50;
  }
  const sev = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
  const logs = [];
  const tEnd = t;
  for (let i = 0; i < LOGS; i++) {
    const s = r() < 0.6 ? spans[Math.floor(r() * spans.length)] : null;
    const ansi = i % 10 === 0;
    const body = ansi ? `\u001b[32mstep ${i}\u001b[0m done in ${Math.floor(r() * 1000)} ms` : `processing item ${i} of batch ${Math.floor(i / 1000)}: rows=${Math.floor(r() * 1e5)}`;
    logs.push({ timeMs: s ? s.startMs : t0 + r() * (tEnd - t0), severity: sev[i % sev.length], body, traceId: s ? s.traceId : null, spanId: s ? s.spanId : null, stream: i % 3 === 0 ? 'stderr' : 'otlp', ansi });
  }
  logs.sort((a, b) => a.timeMs - b.timeMs);
  return { spans, logs, t0, tEnd };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const p95 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] : NaN;
};

const dir = mkdtempSync(join(tmpdir(), 'bd-bench-panel-'));
try {
  const g = generate();
  // A real report (from the fixture run) with the figures of the generated run.
  const store = failingRunStore();
  const info = { ...failingRunInfo(), startedAt: new Date(g.t0).toISOString(), endedAt: new Date(g.tEnd).toISOString(), durationMs: g.tEnd - g.t0 };
  const report = buildReport({ store, run: info, workspaceRoot: ROOT });
  report.telemetry.spans = g.spans.length;
  report.telemetry.logs = g.logs.length;
  report.idleGaps = [{ startedAt: new Date(g.spans.find((s) => s.name === 'stage_19').endMs).toISOString(), endedAt: new Date(g.spans.find((s) => s.name === 'stage_20').startMs).toISOString(), gapS: 1800 }];
  report.stalls = [];
  const snapshot = { version: 1, runId: info.runId, report, spans: g.spans, logs: g.logs, omitted: { spans: 0, logs: 0 }, live: false };
  const assets = loadHtmlAssets(fileURLToPath(new URL('../dist/webview', here)));
  const file = writeHtmlReport(dir, snapshot, { assets });
  const url = `${pathToFileURL(file).href}#bench`;
  console.log(`generated ${g.spans.length} spans, ${g.logs.length} logs; report.html ${(statSync(file).size / 1e6).toFixed(1)} MB`);

  const browser = await launchBrowser();
  const results = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const p = await offlinePage(browser, url.replace(/#.*$/, ''), { width: 1400, height: 900 });
      const { page } = p;
      const t = Date.now();
      await page.goto(url);
      await page.waitForSelector('[data-ready="1"]', { timeout: 120_000 });
      const firstRender = Date.now() - t;
      const t2 = Date.now();
      await page.getByRole('tab', { name: 'Timeline' }).click();
      await page.waitForFunction(() => performance.getEntriesByName('bd:draw').length > 0, null, { timeout: 120_000, polling: 50 });
      const firstTimeline = Date.now() - t2;
      await page.evaluate(() => performance.clearMeasures('bd:draw'));
      // The whole run in view (the densest case: every visible lane crosses the full
      // width), dragged back and forth and down through the rows.
      const box = await page.getByTestId('timeline-canvas').boundingBox();
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      await page.getByTestId('timeline-canvas').focus();
      await page.evaluate(() => {
        const w = globalThis;
        w.__frames = [];
        let last = performance.now();
        const loop = (now) => {
          w.__frames.push(now - last);
          last = now;
          if (!w.__stop) requestAnimationFrame(loop);
        };
        requestAnimationFrame(loop);
      });
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let i = 0; i < 120; i++) {
        const dx = Math.sin((i / 120) * Math.PI * 4) * 400;
        const dy = -Math.min(i, 60) * 4 + Math.max(0, i - 60) * 4;
        await page.mouse.move(cx + dx, cy + dy);
      }
      await page.mouse.up();
      const m = await page.evaluate(() => {
        const w = globalThis;
        w.__stop = true;
        return { draws: performance.getEntriesByName('bd:draw').map((e) => e.duration), frames: w.__frames.slice(1) };
      });
      // Logs: switch section, scroll the virtualized list.
      const t3 = Date.now();
      await page.getByRole('tab', { name: 'Logs' }).click();
      await page.waitForSelector('.log-row');
      const logsRender = Date.now() - t3;
      results.push({ firstRender, firstTimeline, logsRender, drawP95: p95(m.draws), drawMedian: median(m.draws), frameP95: p95(m.frames), draws: m.draws.length, errors: p.errors.length });
      if (p.errors.length) console.log('page errors:', p.errors.slice(0, 3));
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
  for (const [i, r] of results.entries()) {
    console.log(`run ${i + 1}: first render ${r.firstRender} ms · timeline ${r.firstTimeline} ms · logs ${r.logsRender} ms · draw median ${r.drawMedian.toFixed(1)} ms, p95 ${r.drawP95.toFixed(1)} ms (${r.draws} draws) · frame interval p95 ${r.frameP95.toFixed(1)} ms`);
  }
  const med = (k) => median(results.map((r) => r[k]));
  console.log(
    `MEDIAN of ${results.length}: time to first render ${med('firstRender')} ms; first timeline frame ${med('firstTimeline')} ms; logs section ${med('logsRender')} ms; ` +
      `pan draw p95 ${med('drawP95').toFixed(1)} ms; pan frame-interval p95 ${med('frameP95').toFixed(1)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
