// Launch overhead: wall time of the example build under `build-diag run` against the same
// build with its exporters pointed at a discard endpoint (an HTTP server answering 200 to
// everything, in this process), with the same OTel tuning variables the launcher sets.
// `--grace 0` (the grace period is a deliberate wait for late telemetry, not overhead);
// the CLI run includes its start-up, the final report and the HTML report. Runs alternate;
// medians of several.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, round } from './lib/stats.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(repo, 'examples', 'semantic-pipeline', 'pipeline.mjs');
const BUILD_ARGS = ['--scenario', 'ok', '--speed', '1'];
const TUNING = {
  OTEL_TRACES_SAMPLER: 'parentbased_always_on',
  OTEL_BSP_SCHEDULE_DELAY: '500',
  OTEL_BLRP_SCHEDULE_DELAY: '500',
  OTEL_METRIC_EXPORT_INTERVAL: '2000',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
};

function timed(args, env) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const c = spawn(process.execPath, args, { cwd: repo, env, stdio: 'ignore' });
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

export async function benchLaunch({ reps = 5 } = {}) {
  const discard = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': '0' }).end());
  });
  await new Promise((r) => discard.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${discard.address().port}`;
  const dir = mkdtempSync(join(tmpdir(), 'bd-bench-launch-'));
  const baseEnv = { ...process.env, CI: '1' };
  for (const k of Object.keys(baseEnv)) if (k.startsWith('OTEL_')) delete baseEnv[k];
  try {
    const direct = [];
    const underCli = [];
    // One warm-up of each (file cache, JIT of the loader).
    await timed([EXAMPLE, ...BUILD_ARGS], { ...baseEnv, ...TUNING, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    await timed([join(repo, 'dist', 'cli.js'), 'run', '--grace', '0', '--out', join(dir, 'warm'), '--', process.execPath, EXAMPLE, ...BUILD_ARGS], baseEnv);
    for (let i = 0; i < reps; i++) {
      direct.push(await timed([EXAMPLE, ...BUILD_ARGS], { ...baseEnv, ...TUNING, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }));
      underCli.push(await timed([join(repo, 'dist', 'cli.js'), 'run', '--grace', '0', '--out', join(dir, `run-${i}`), '--', process.execPath, EXAMPLE, ...BUILD_ARGS], baseEnv));
    }
    const out = {
      overheadRatio: round(median(underCli) / median(direct), 3),
      target: '≤ 1.05',
      directMs: Math.round(median(direct)),
      underBuildDiagMs: Math.round(median(underCli)),
      repetitions: reps,
      build: `examples/semantic-pipeline ${BUILD_ARGS.join(' ')}`,
      note: 'build-diag run --grace 0; includes CLI start-up and the final reports (md/json/html)',
    };
    console.log(`  direct ${out.directMs} ms, under build-diag ${out.underBuildDiagMs} ms → ratio ${out.overheadRatio}`);
    return out;
  } finally {
    discard.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
