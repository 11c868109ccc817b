// Panel figures: runs bench/panel.mjs (the webview's own scale benchmark: a 100,000-span,
// 200,000-log run rendered by the real app bundle in headless Chromium) and reads its
// median line. Null with a note when it cannot run here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function benchPanel({ runs = 3 } = {}) {
  const script = join(repo, 'bench', 'panel.mjs');
  if (!existsSync(script)) return { firstRenderMs: null, frameP95Ms: null, note: 'bench/panel.mjs is not there' };
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'inherit' });
  if (built.status !== 0) return { firstRenderMs: null, frameP95Ms: null, note: 'the build failed' };
  const env = { ...process.env };
  delete env.BD_BENCH_TSX;
  const r = spawnSync(process.execPath, [script, '--runs', String(runs)], { cwd: repo, env, encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  process.stdout.write(r.stdout.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n'));
  const m = /MEDIAN of (\d+): time to first render (\d+(?:\.\d+)?) ms; first timeline frame (\d+(?:\.\d+)?) ms; logs section (\d+(?:\.\d+)?) ms; pan draw p95 (\d+(?:\.\d+)?) ms; pan frame-interval p95 (\d+(?:\.\d+)?) ms/.exec(r.stdout);
  if (!m) return { firstRenderMs: null, frameP95Ms: null, note: `bench/panel.mjs gave no median (exit ${r.status}): ${(r.stderr || '').slice(-500)}` };
  return {
    firstRenderMs: Number(m[2]),
    frameP95Ms: Number(m[6]),
    drawP95Ms: Number(m[5]),
    firstTimelineFrameMs: Number(m[3]),
    logsSectionMs: Number(m[4]),
    runs: Number(m[1]),
    targets: { firstRenderMs: '≤ 1500', frameP95Ms: '≤ 16' },
    source: 'bench/panel.mjs (100,000 spans, 200,000 logs, headless Chromium)',
  };
}
