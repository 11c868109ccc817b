#!/usr/bin/env node
// Panel scale benchmark: a run of 100,000 spans and 200,000 log lines (bench/panel-run.mjs:
// a real RunStore and its report) shown by the real app bundle in headless Chromium, both
// ways the app renders:
//   webview      the panel's own HTML shell (src/extension/panel/html.ts) and dist/webview,
//                a stand-in `acquireVsCodeApi`, and the messages the panel host posts
//                (snapshotFeed: head, then parts), built from the store as the panel opens
//                and delivered once the app says `ready`. Only VS Code's transport is
//                replaced: each message is JSON-serialized in node, written to a file the
//                page loads as a nonce'd script, parsed there and posted to the window (a
//                structured clone) — all of it counted, on the page's main thread, which
//                is more than the real webview pays (VS Code parses in the workbench).
//   report.html  the self-contained report (src/bundle/html.ts) opened from its file.
// Figures (medians over --runs):
//   first render  ms from navigation start to the end of the first frame that shows the
//                 Overview with the run's data, all spans loaded (the timeline draws from
//                 them at once): a rAF after the app root appears, then a task after that
//                 frame. For the webview the host builds the head while the page loads (as
//                 BuildPanel does) and delivers it when the app says ready: both counted.
//   all data      ms from navigation start until every part (span details, log lines) is in.
//   frame time    panning the timeline with the mouse (120 drags over the whole run), in a
//                 Chromium with --disable-gpu-vsync --disable-frame-rate-limit so a frame
//                 lasts as long as its work: for each frame that drew the timeline, the time
//                 to the next frame; p95. Draw: the timeline's own draw call, p95.
//   node bench/panel.mjs [--spans 100000] [--logs 200000] [--runs 5]
// Needs `node esbuild.mjs` first (dist/webview/main.js).
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const RUNS = arg('runs', 5);

// The TypeScript sources are loaded through tsx: re-run under `--import tsx` if needed.
if (!process.env.BD_BENCH_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, BD_BENCH_TSX: '1' } });
  process.exit(r.status ?? 1);
}
const { generateRun } = await import('./panel-run.mjs');
const snap = await import('../src/protocol/snapshot.ts');
const { writeHtmlReport, loadHtmlAssets } = await import('../src/bundle/html.ts');
const { panelHtml } = await import('../src/extension/panel/html.ts');
const { launchBrowser } = await import('../test/integration/html-report-browser.ts');

const median = (xs) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const p95 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] : NaN;
};

/** What the panel host posts for a run (BuildPanel.sendSnapshot). The fallback is the
 * single-message snapshot of the code before the head/parts split, so this same bench can
 * measure that code (docs/performance.md, "before"). */
function hostMessages(g) {
  if (snap.snapshotFeed) {
    const { head, parts } = snap.snapshotFeed(g.store, g.info, g.report);
    return { head, parts };
  }
  return { head: { type: 'snapshot', snapshot: snap.buildSnapshot(g.store, g.info, g.report).snapshot }, parts: [][Symbol.iterator]() };
}

// In every page: when the app root appears, the end of the next frame is "first render".
const INIT = () => {
  const w = globalThis;
  w.__bd = { firstRender: null, firstMessage: null };
  addEventListener('message', () => (w.__bd.firstMessage ??= performance.now()));
  const mo = new MutationObserver(() => {
    if (!document.querySelector('[data-ready="1"]')) return;
    mo.disconnect();
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => (w.__bd.firstRender = performance.now());
      ch.port2.postMessage(0);
    });
  });
  mo.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
};

const STUB = `window.__bdReady = null;
window.__bdDeliver = (json) => window.postMessage(JSON.parse(json), '*');
window.acquireVsCodeApi = () => ({
  postMessage: (m) => {
    window.__bdReady ??= performance.now();
    window.__bdPost(JSON.stringify(m));
  },
  getState: () => undefined,
  setState: () => {},
});`;

/** Opens the app one way; resolves when the first render happened. */
async function open(browser, how, ctx) {
  ctx.seq++;
  const msgs = Array.from({ length: 200 }, (_, i) => pathToFileURL(join(ctx.dir, `m${ctx.seq}-${i}.js`)).href);
  const allow = how === 'webview' ? [ctx.js, ctx.css, ...msgs] : [];
  // No request interception here (offlinePage's would make every file the page loads wait
  // for this process, which is busy building the snapshot like the extension host): an
  // offline context, and a check afterwards that nothing else was requested.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, offline: true, serviceWorkers: 'block' });
  const page = await context.newPage();
  const p = { page, errors: [] };
  const allowed = new Set([ctx[how], ...allow]);
  page.on('request', (r) => {
    if (!allowed.has(r.url()) && !r.url().startsWith('data:')) p.errors.push(`requested ${r.url()}`);
  });
  page.on('pageerror', (e) => p.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') p.errors.push(m.text());
  });
  await page.addInitScript(INIT);
  const host = { ms: null, transport: null, start: null };
  if (how === 'webview') {
    // As BuildPanel does: the snapshot is built when the panel opens, while the page loads
    // (head at once, then one part per event-loop turn), held until the app says ready,
    // then posted in order.
    const out = [];
    let wake = () => {};
    let done = false;
    let ready = false;
    host.start = () => {
      const t = performance.now();
      const { head, parts } = hostMessages(ctx.g);
      out.push(JSON.stringify(head));
      host.ms = performance.now() - t;
      const feed = () => {
        const r = parts.next();
        if (r.done) done = true;
        else out.push(JSON.stringify(r.value));
        wake();
        if (!r.done) setTimeout(feed, 0);
      };
      setTimeout(feed, 0);
    };
    // The stand-in transport: the message's JSON (as VS Code's IPC carries it) in a file the
    // page loads as a nonce'd script, which parses it and posts it to the window. (Passing
    // megabytes through the DevTools protocol instead costs far more than VS Code's IPC.)
    const deliver = async (json, i) => {
      const name = `m${ctx.seq}-${i}.js`;
      writeFileSync(join(ctx.dir, name), `__bdDeliver(${JSON.stringify(json)});`);
      await page.evaluate(
        (src) =>
          new Promise((resolve, reject) => {
            const el = document.createElement('script');
            el.nonce = 'BENCHNONCE';
            el.src = src;
            el.onload = resolve;
            el.onerror = () => reject(new Error(`could not load ${src}`));
            document.head.appendChild(el);
          }),
        pathToFileURL(join(ctx.dir, name)).href,
      );
      rmSync(join(ctx.dir, name));
    };
    const pump = async () => {
      for (let i = 0; ; i++) {
        while (i >= out.length && !done) await new Promise((r) => (wake = r));
        if (i >= out.length) return;
        const t0 = performance.now();
        await deliver(out[i], i);
        if (i === 0) host.transport = performance.now() - t0;
        out[i] = null;
      }
    };
    await page.exposeFunction('__bdPost', (json) => {
      if (JSON.parse(json).type !== 'ready' || ready) return;
      ready = true;
      if (!snap.snapshotFeed) host.start(); // the code before: built when the app said ready
      pump().catch((e) => p.errors.push(String(e)));
    });
  }
  // The browser loads the page in its own process while this one (the extension host's
  // stand-in) builds the head, as VS Code's do in parallel.
  const nav = page.goto(`${ctx[how]}#bench`);
  if (host.start && snap.snapshotFeed) {
    await new Promise((r) => setTimeout(r, 0));
    host.start();
  }
  await nav;
  await page.waitForFunction(() => globalThis.__bd.firstRender !== null, null, { timeout: 120_000, polling: 20 });
  return { p, page, host };
}

// (The code before the head/parts split had everything at first render.)
const allData = (page) =>
  !snap.snapshotFeed ? page.evaluate(() => globalThis.__bd.firstRender) : page
    .waitForFunction(() => performance.getEntriesByName('bd:complete').length > 0, null, { timeout: 120_000, polling: 50 })
    .then(() => page.evaluate(() => performance.getEntriesByName('bd:complete')[0].startTime));

async function firstRender(browser, how, ctx) {
  const { p, page, host } = await open(browser, how, ctx);
  const first = await page.evaluate(() => globalThis.__bd.firstRender);
  const [ready, arrived, applied] = await page.evaluate(() => [globalThis.__bdReady ?? null, globalThis.__bd.firstMessage, performance.getEntriesByName('bd:head')[0]?.startTime ?? null]);
  const complete = await allData(page);
  let t = Date.now();
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await page.waitForFunction(() => performance.getEntriesByName('bd:draw').length > 0, null, { timeout: 120_000, polling: 20 });
  const timeline = Date.now() - t;
  t = Date.now();
  await page.getByRole('tab', { name: 'Logs' }).click();
  await page.waitForSelector('.log-row');
  const logs = Date.now() - t;
  const errors = p.errors.length;
  if (errors) console.log(`${how} page errors:`, p.errors.slice(0, 3));
  await page.context().close();
  return { first, ready, arrived, applied, complete, host: host.ms, transport: host.transport, timeline, logs, errors };
}

/** Panning, in the browser without vsync or frame-rate limit: per-frame cost. */
async function pan(browser, how, ctx) {
  const { p, page } = await open(browser, how, ctx);
  await allData(page);
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await page.waitForFunction(() => performance.getEntriesByName('bd:draw').length > 0, null, { timeout: 120_000, polling: 20 });
  await page.evaluate(() => performance.clearMeasures('bd:draw'));
  const canvas = page.getByTestId('timeline-canvas');
  const box = await canvas.boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await canvas.focus();
  await page.evaluate(() => {
    const w = globalThis;
    w.__frames = [];
    w.__loaf = [];
    try {
      new PerformanceObserver((l) => w.__loaf.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'long-animation-frame' });
    } catch {
      /* not supported */
    }
    const loop = (now) => {
      w.__frames.push(now);
      if (!w.__stop) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  // The whole run in view (the densest case: every visible lane crosses the full width),
  // dragged back and forth and down through the rows.
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; i < 120; i++) {
    const dx = Math.sin((i / 120) * Math.PI * 4) * 400;
    const dy = -Math.min(i, 60) * 4 + Math.max(0, i - 60) * 4;
    await page.mouse.move(cx + dx, cy + dy);
  }
  await page.mouse.up();
  const m = await page.evaluate(
    () =>
      new Promise((resolve) =>
        requestAnimationFrame(() => {
          const w = globalThis;
          w.__stop = true;
          resolve({ draws: performance.getEntriesByName('bd:draw').map((e) => ({ start: e.startTime, d: e.duration })), frames: w.__frames, loaf: w.__loaf });
        }),
      ),
  );
  // A frame that drew lasts from its start to the next frame's start.
  const drawn = [];
  let k = 0;
  for (const d of m.draws) {
    while (k + 1 < m.frames.length && m.frames[k + 1] <= d.start) k++;
    if (k + 1 < m.frames.length && m.frames[k] <= d.start) drawn.push(m.frames[k + 1] - m.frames[k]);
  }
  const intervals = m.frames.slice(1).map((f, i) => f - m.frames[i]);
  await page.context().close();
  if (p.errors.length) console.log(`${how} page errors:`, p.errors.slice(0, 3));
  return { frameP95: p95(drawn), frames: drawn.length, intervalP95: p95(intervals), drawP95: p95(m.draws.map((d) => d.d)), draws: m.draws.length, longFrames: m.loaf.length };
}

const dir = mkdtempSync(join(tmpdir(), 'bd-bench-panel-'));
try {
  let t = Date.now();
  const g = generateRun(SPANS, LOGS);
  console.log(`generated ${g.store.spans.length} spans, ${g.store.logs.length} logs in a RunStore, report built (${Date.now() - t} ms)`);
  const assets = loadHtmlAssets(fileURLToPath(new URL('../dist/webview', import.meta.url)));
  t = Date.now();
  const file = writeHtmlReport(dir, snap.buildSnapshot(g.store, g.info, g.report).snapshot, { assets });
  console.log(`report.html ${(statSync(file).size / 1e6).toFixed(1)} MB (written in ${Date.now() - t} ms)`);
  const webdir = fileURLToPath(new URL('../dist/webview', import.meta.url));
  copyFileSync(join(webdir, 'main.js'), join(dir, 'main.js'));
  copyFileSync(join(webdir, 'main.css'), join(dir, 'main.css'));
  const shell = panelHtml({ cspSource: 'file:' }, 'main.js', 'main.css', 'BENCHNONCE').replace('<script nonce="BENCHNONCE" src=', `<script nonce="BENCHNONCE">${STUB}</script>\n<script nonce="BENCHNONCE" src=`);
  writeFileSync(join(dir, 'panel.html'), shell);
  const href = (f) => pathToFileURL(join(dir, f)).href;
  const ctx = { g, dir, seq: 0, html: pathToFileURL(file).href, webview: href('panel.html'), js: href('main.js'), css: href('main.css') };

  const results = { webview: [], html: [] };
  const normal = await launchBrowser();
  const unlimited = await launchBrowser(['--disable-gpu-vsync', '--disable-frame-rate-limit']);
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const how of ['webview', 'html']) {
        const r = { ...(await firstRender(normal, how, ctx)), ...(await pan(unlimited, how, ctx)) };
        results[how].push(r);
        const ms = (x) => (x === null ? '–' : x.toFixed(0));
        const host = r.host === null ? ` (head applied at ${ms(r.applied)})` : ` (app ready at ${ms(r.ready)}, host head built in ${ms(r.host)} ms meanwhile, delivered in ${ms(r.transport)} ms, arrived at ${ms(r.arrived)}, applied at ${ms(r.applied)})`;
        console.log(
          `run ${run + 1} ${how.padEnd(7)}: first render ${r.first.toFixed(0)} ms${host} · all data ${r.complete.toFixed(0)} ms · timeline ${r.timeline} ms · logs ${r.logs} ms · ` +
            `pan frame p95 ${r.frameP95.toFixed(1)} ms over ${r.frames} drawn frames (all-frame interval p95 ${r.intervalP95.toFixed(1)} ms, long frames ${r.longFrames}) · draw p95 ${r.drawP95.toFixed(1)} ms`,
        );
      }
    }
  } finally {
    await normal.close();
    await unlimited.close();
  }
  const med = (how, k) => median(results[how].map((r) => r[k]));
  const f = (x) => x.toFixed(1);
  console.log(
    `MEDIAN of ${RUNS}: first render webview ${f(med('webview', 'first'))} ms, report.html ${f(med('html', 'first'))} ms; ` +
      `all data webview ${f(med('webview', 'complete'))} ms, report.html ${f(med('html', 'complete'))} ms; host head ${f(med('webview', 'host'))} ms, its delivery ${f(med('webview', 'transport'))} ms; ` +
      `first timeline frame ${f(med('webview', 'timeline'))} ms; logs section ${f(med('webview', 'logs'))} ms; ` +
      `pan frame p95 webview ${f(med('webview', 'frameP95'))} ms, report.html ${f(med('html', 'frameP95'))} ms; pan draw p95 ${f(Math.max(med('webview', 'drawP95'), med('html', 'drawP95')))} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
