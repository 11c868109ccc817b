// Runs the test suites with node's built-in test runner (TypeScript through tsx).
// `node scripts/test.mjs [unit|integration|e2e ...]` — no argument runs all of them.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
const wanted = suites.length > 0 ? suites : ['unit', 'integration', 'e2e'];

function collect(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(collect(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// The integration and e2e suites run the built CLI and extension as users do.
if (wanted.some((s) => s !== 'unit')) {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const files = wanted.flatMap((s) => collect(join('test', s)));
if (files.length === 0) {
  console.error(`no test files found for: ${wanted.join(', ')}`);
  process.exit(1);
}
// The integration and e2e suites spawn real processes; running files one at a time keeps
// a 2-core machine from timing them out.
const concurrency = process.env.TEST_CONCURRENCY ?? (wanted.includes('unit') && wanted.length === 1 ? '2' : '1');
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);
