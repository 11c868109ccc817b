// Launch overhead: wall time of the example build under `build-diag run` against the same
// build with its exporters pointed at a discard endpoint (an HTTP server answering 200 to
// everything, in this process), with the same OTel settings the launcher gives a build
// (exporter selection, batching, sampler, protocol). What only build-diag adds — its bearer
// token header, TRACEPARENT and the run id in OTEL_RESOURCE_ATTRIBUTES — is measured with it.
// `--grace 0` (the grace period is a deliberate wait for late telemetry, not overhead);
// the CLI run includes its start-up, the final report and the HTML report. Both processes
// write into pipes that this process drains, as a CI runner or a terminal takes a build's
// output (with /dev/null instead, Node writes synchronously to a file and never sets up a
// stream: ~15 ms less for the build alone, a setting no real build runs in). Runs alternate;
// medians of several. When the machine sets NODE_EXTRA_CA_CERTS (this one does, for its
// proxy), the comparison is made a second time without it on both sides (see below).
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
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_METRICS_EXPORTER: 'otlp',
  OTEL_LOGS_EXPORTER: 'otlp',
  OTEL_TRACES_SAMPLER: 'parentbased_always_on',
  OTEL_BSP_SCHEDULE_DELAY: '500',
  OTEL_BLRP_SCHEDULE_DELAY: '500',
  OTEL_METRIC_EXPORT_INTERVAL: '2000',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
};

function timed(args, env) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const c = spawn(process.execPath, args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.resume();
    c.stderr.resume();
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

/** Medians of `reps` alternating pairs (direct, under build-diag) in the environment `env`. */
async function pairs(env, endpoint, dir, tag, reps) {
  const direct = [];
  const underCli = [];
  const directEnv = { ...env, ...TUNING, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
  const cli = (out) => [join(repo, 'dist', 'cli.js'), 'run', '--grace', '0', '--out', join(dir, out), '--', process.execPath, EXAMPLE, ...BUILD_ARGS];
  // One warm-up of each (file cache, JIT of the loader, the CLI's code cache).
  await timed([EXAMPLE, ...BUILD_ARGS], directEnv);
  await timed(cli(`${tag}-warm`), env);
  for (let i = 0; i < reps; i++) {
    direct.push(await timed([EXAMPLE, ...BUILD_ARGS], directEnv));
    underCli.push(await timed(cli(`${tag}-${i}`), env));
  }
  return {
    overheadRatio: round(median(underCli) / median(direct), 3),
    directMs: Math.round(median(direct)),
    underBuildDiagMs: Math.round(median(underCli)),
  };
}

/** Median wall time of `node -e 0` in `env`: what any node process costs to start here. */
async function nodeStartMs(env) {
  const t = [];
  for (let i = 0; i < 9; i++) t.push(await timed(['-e', '0'], env));
  return Math.round(median(t));
}

export async function benchLaunch({ reps = 7 } = {}) {
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
    const machine = await pairs(baseEnv, endpoint, dir, 'machine', reps);
    const out = {
      ...machine,
      target: '≤ 1.05',
      repetitions: reps,
      build: `examples/semantic-pipeline ${BUILD_ARGS.join(' ')}`,
      note: 'build-diag run --grace 0; includes CLI start-up and the final reports (md/json/html); both write into pipes the bench drains; the environment as the bench found it',
      nodeStartMs: await nodeStartMs(baseEnv),
    };
    console.log(`  direct ${out.directMs} ms, under build-diag ${out.underBuildDiagMs} ms → ratio ${out.overheadRatio} (node -e 0: ${out.nodeStartMs} ms)`);
    // NODE_EXTRA_CA_CERTS makes Node 20 parse the extra certificates (and its own roots) at
    // the start of every process, before any of its code runs: ~50 ms here. It is the same
    // for the build and for build-diag, so the same comparison without it on both sides
    // says what the tool costs apart from the machine.
    if (baseEnv.NODE_EXTRA_CA_CERTS) {
      const clean = { ...baseEnv };
      delete clean.NODE_EXTRA_CA_CERTS;
      out.withoutNodeExtraCaCerts = { ...(await pairs(clean, endpoint, dir, 'clean', reps)), nodeStartMs: await nodeStartMs(clean) };
      const c = out.withoutNodeExtraCaCerts;
      console.log(`  without NODE_EXTRA_CA_CERTS: direct ${c.directMs} ms, under build-diag ${c.underBuildDiagMs} ms → ratio ${c.overheadRatio} (node -e 0: ${c.nodeStartMs} ms)`);
    }
    return out;
  } finally {
    discard.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
