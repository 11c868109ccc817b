// Panel figures: runs bench/panel.mjs (the webview's own scale benchmark: a 100,000-span,
// 200,000-log run rendered by the real app bundle in headless Chromium) and reads its
// median line. Null with a note when it cannot run here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function benchPanel({ runs = 5 } = {}) {
  const script = join(repo, 'bench', 'panel.mjs');
  if (!existsSync(script)) return { firstRenderMs: null, frameP95Ms: null, note: 'bench/panel.mjs is not there' };
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'inherit' });
  if (built.status !== 0) return { firstRenderMs: null, frameP95Ms: null, note: 'the build failed' };
  const env = { ...process.env };
  delete env.BD_BENCH_TSX;
  const r = spawnSync(process.execPath, [script, '--runs', String(runs)], { cwd: repo, env, encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  process.stdout.write(r.stdout.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n'));
  const num = '(\\d+(?:\\.\\d+)?)';
  const re = new RegExp(
    `MEDIAN of (\\d+): first render webview ${num} ms, report.html ${num} ms; all data webview ${num} ms, report.html ${num} ms; ` +
      `host head ${num} ms, its delivery ${num} ms; first timeline frame ${num} ms; logs section ${num} ms; ` +
      `pan frame p95 webview ${num} ms, report.html ${num} ms; pan draw p95 ${num} ms`,
  );
  const m = re.exec(r.stdout);
  if (!m) return { firstRenderMs: null, frameP95Ms: null, note: `bench/panel.mjs gave no median (exit ${r.status}): ${(r.stderr || '').slice(-500)}` };
  const [runsN, frW, frH, adW, adH, host, delivery, timeline, logs, fpW, fpH, draw] = m.slice(1).map(Number);
  return {
    // The slower of the two ways the app renders (the webview and report.html).
    firstRenderMs: Math.max(frW, frH),
    frameP95Ms: Math.max(fpW, fpH),
    firstRender: { webviewMs: frW, reportHtmlMs: frH },
    allData: { webviewMs: adW, reportHtmlMs: adH },
    webviewHost: { headBuildMs: host, headDeliveryMs: delivery },
    framesP95: { webviewMs: fpW, reportHtmlMs: fpH },
    drawP95Ms: draw,
    firstTimelineFrameMs: timeline,
    logsSectionMs: logs,
    runs: runsN,
    targets: { firstRenderMs: '≤ 1500', frameP95Ms: '≤ 16' },
    definitions: 'first render: navigation start → end of the first frame showing the Overview with all spans loaded; frame: per drawn frame while panning, vsync and frame-rate limit off (docs/performance.md, Panel)',
    source: 'bench/panel.mjs (100,000 spans, 200,000 logs, headless Chromium; webview path and report.html)',
  };
}
