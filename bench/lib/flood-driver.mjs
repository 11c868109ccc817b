// The "build" of the event-loop benchmark: starts 4 flooding exporters at once (separate
// processes, as separate exporters would be), waits for them, and writes their tallies
// (with when each started and finished sending, ms since the epoch) to BD_FLOOD_TIMES.
//   node flood-driver.mjs <total spans> [exporters]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const total = Number(process.argv[2] ?? 1_000_000);
const exporters = Number(process.argv[3] ?? 4);
const script = join(dirname(fileURLToPath(import.meta.url)), 'flood-exporter.mjs');
// The exporters build their payloads first; the flood starts when all are ready.
const children = Array.from({ length: exporters }, (_, i) => spawn(process.execPath, [script, String(i), String(Math.ceil(total / exporters))], { stdio: ['ignore', 'pipe', 'inherit'] }));
const start = Date.now();
const tallies = await Promise.all(
  children.map(
    (c) =>
      new Promise((resolve) => {
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.on('close', () => resolve(JSON.parse(out.trim().split('\n').pop() || '{}')));
      }),
  ),
);
const end = Date.now();
writeFileSync(process.env.BD_FLOOD_TIMES, JSON.stringify({ start, end, tallies }));
