// Editor responsiveness: event-loop lag of the process hosting the receiver while 4
// exporters flood it with 1,000,000 spans as fast as they can. The host is the real
// `build-diag run` (dist/cli.js: receiver, redaction, bundle appends, store, live view);
// the "build" it launches is bench/lib/flood-driver.mjs, whose 4 exporter processes send
// real-serializer 512-span protobuf batches. A probe preloaded into the CLI process
// (bench/lib/lag-probe.cjs) samples how late a 5 ms timer fires; p50/p99/max are taken over
// the flood's window. The store keeps its default caps, so the later part of the flood is
// decoded and counted but dropped — as in a real run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, round } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');

export async function benchLag({ spans = 1_000_000 } = {}) {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('esbuild.mjs failed');
  const dir = mkdtempSync(join(tmpdir(), 'bd-bench-lag-'));
  try {
    const lagFile = join(dir, 'lag.json');
    const timesFile = join(dir, 'times.json');
    const t = Date.now();
    const r = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'run', '--json', '--grace', '0', '--out', join(dir, 'bundle'), '--', process.execPath, join(here, 'lib', 'flood-driver.mjs'), String(spans), '4'], {
      cwd: repo,
      env: { ...process.env, CI: '1', NODE_OPTIONS: `--require ${join(here, 'lib', 'lag-probe.cjs')}`, BD_LAG_OUT: lagFile, BD_FLOOD_TIMES: timesFile },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const wall = (Date.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`build-diag run exited ${r.status}: ${r.stderr.slice(-2000)}`);
    const report = JSON.parse(readFileSync(join(dir, 'bundle', 'report.json'), 'utf8'));
    const { tallies } = JSON.parse(readFileSync(timesFile, 'utf8'));
    const start = Math.min(...tallies.map((x) => x.t0));
    const end = Math.max(...tallies.map((x) => x.t1));
    const { at, lag } = JSON.parse(readFileSync(lagFile, 'utf8'));
    const during = lag.filter((_, i) => at[i] >= start && at[i] <= end);
    const accepted = tallies.reduce((n, x) => n + x.accepted, 0);
    const busy = tallies.reduce((n, x) => n + x.busy, 0);
    const failed = tallies.reduce((n, x) => n + x.failed, 0);
    const out = {
      p50Ms: round(percentile(during, 50), 1),
      p99Ms: round(percentile(during, 99), 1),
      maxMs: round(Math.max(...during), 1),
      target: 'p99 ≤ 20 ms',
      samples: during.length,
      floodSeconds: round((end - start) / 1000, 1),
      spansAccepted: accepted,
      spansPerSec: Math.round(accepted / ((end - start) / 1000)),
      busyResponses: busy,
      failedRequests: failed,
      storedSpans: report.telemetry?.spans ?? null,
      warnings: report.warnings?.length ?? 0,
      wholeRunMaxMs: round(Math.max(...lag), 1),
      wallSeconds: round(wall, 1),
      host: 'build-diag run (dist/cli.js), default caps',
    };
    console.log(
      `  ${accepted.toLocaleString()} spans accepted in ${out.floodSeconds} s (${out.spansPerSec.toLocaleString()}/s, ${busy} × 503); event-loop lag p50 ${out.p50Ms} ms, p99 ${out.p99Ms} ms, max ${out.maxMs} ms (whole run incl. the final report: max ${out.wholeRunMaxMs} ms)`,
    );
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
