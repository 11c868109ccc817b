// A bundle's run.json, read and checked on its own: the extension's history lists runs with
// this alone, without the telemetry reader (reader.ts) and what it pulls in.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunInfo } from '../core/run.js';
import { lazy } from '../core/lazy.js';
import { RUN_FILE, describe } from './writer.js';

// The schema is built by the first read: a run that never reads one back (the CLI's `run`,
// whose errors name BundleReadError) does not pay for it.
const runSchema = lazy(() => require('../core/runSchema.js') as typeof import('../core/runSchema.js'));

export class BundleReadError extends Error {}

export function readRunInfo(dir: string): RunInfo {
  const path = join(dir, RUN_FILE);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BundleReadError(`not a run bundle: ${dir} is not a folder`);
  if (!existsSync(path)) throw new BundleReadError(`not a run bundle: ${dir} has no ${RUN_FILE}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BundleReadError(`${path} is not valid JSON: ${describe(e)}`);
  }
  const parsed = runSchema().RunInfoSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new BundleReadError(`${path} is not a build-diagnostics run file: ${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}`);
  }
  return parsed.data;
}
