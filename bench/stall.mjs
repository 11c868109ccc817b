// Stall latency: from the build's last progress to the stall being reported, with the
// example build's `stall` scenario under a real BuildSession (the code the CLI and the
// extension run). Measured when the session emits the stall's start: now − lastProgressAt.
// Target: ≤ threshold + 1.5 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCore } from './lib/build.mjs';
import { median, round } from './lib/stats.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(repo, 'examples', 'semantic-pipeline', 'pipeline.mjs');

export async function benchStall({ reps = 3, thresholdS = 3 } = {}) {
  const { BuildSession } = await loadCore();
  const dir = mkdtempSync(join(tmpdir(), 'bd-bench-stall-'));
  const latencies = [];
  try {
    for (let i = 0; i < reps; i++) {
      const session = new BuildSession({
        argv: [process.execPath, EXAMPLE, '--scenario', 'stall', '--stall-seconds', String(thresholdS + 4), '--speed', '0.3'],
        cwd: repo,
        outDir: join(dir, `run-${i}`),
        stallThresholdS: thresholdS,
        graceS: 0,
        userEnv: process.env,
      });
      let latency;
      session.on((e) => {
        if (e.type === 'stall' && e.state === 'start' && latency === undefined) {
          const since = Date.parse(e.stall.lastProgressAt ?? e.stall.startedAt);
          latency = (Date.now() - since) / 1000;
        }
      });
      await session.run();
      if (latency !== undefined) latencies.push(latency);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const med = median(latencies);
  const out = {
    latencySeconds: round(med, 2),
    thresholdSeconds: thresholdS,
    marginSeconds: round(med - thresholdS, 2),
    target: `≤ threshold + 1.5 s (${thresholdS + 1.5} s)`,
    runs: latencies.map((x) => round(x, 2)),
  };
  console.log(`  threshold ${thresholdS} s: stall reported ${out.latencySeconds} s after the last progress (runs: ${out.runs.join(', ')})`);
  return out;
}
