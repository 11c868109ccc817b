// Reading a bundle back: run.json plus every OTLP/JSON line into a fresh RunStore, so the
// reports can be rebuilt from the files alone (and OTLP JSON-lines files from elsewhere can
// be read the same way).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunInfo } from '../core/run.js';
import { readRunInfo } from './runFile.js';
import { RunStore } from '../core/store.js';
import { decodeJson, normalize } from '../core/otlp/index.js';
import { TELEMETRY_FILE, describe } from './writer.js';

export type Signal = 'traces' | 'logs' | 'metrics';

// run.json alone (a lighter module: listing the history reads only that).
export { BundleReadError, readRunInfo } from './runFile.js';

export interface LoadedBundle {
  dir: string;
  run: RunInfo;
  store: RunStore;
  /** The bundle was not finished (the host died mid-run) or a line was cut short. */
  partial: boolean;
  warnings: string[];
}

/** Which signal an OTLP/JSON export request carries, from its top-level key. */
export function signalOf(obj: unknown): Signal | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  if ('resourceSpans' in obj) return 'traces';
  if ('resourceLogs' in obj) return 'logs';
  if ('resourceMetrics' in obj) return 'metrics';
  return undefined;
}

/** Feed OTLP/JSON lines into a store. Bad lines are skipped with a warning naming them. */
export function ingestJsonLines(text: string, store: RunStore, warnings: string[], label: string): { lines: number; bad: number; cut: boolean } {
  let lines = 0;
  let bad = 0;
  let cut = false;
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!.trim();
    if (line === '') continue;
    lines++;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      // The last line of a bundle whose writer died mid-write is expected to be cut short.
      if (i === all.length - 1) cut = true;
      else warnings.push(`${label}: line ${i + 1} is not valid JSON and was skipped`);
      bad++;
      continue;
    }
    const signal = signalOf(obj);
    if (!signal) {
      warnings.push(`${label}: line ${i + 1} is not an OTLP export request and was skipped`);
      bad++;
      continue;
    }
    try {
      store.ingest(normalize(signal, decodeJson(signal, line)));
    } catch (e) {
      warnings.push(`${label}: line ${i + 1} was skipped: ${describe(e)}`);
      bad++;
    }
  }
  if (cut) warnings.push(`${label}: the last line was cut short (the run did not finish writing it)`);
  return { lines, bad, cut };
}

export function loadBundle(dir: string): LoadedBundle {
  const run = readRunInfo(dir);
  const store = new RunStore();
  const warnings: string[] = [];
  const telemetryPath = join(dir, TELEMETRY_FILE);
  let cut = false;
  if (existsSync(telemetryPath)) {
    cut = ingestJsonLines(readFileSync(telemetryPath, 'utf8'), store, warnings, TELEMETRY_FILE).cut;
  } else {
    warnings.push(`${TELEMETRY_FILE} is missing: the report covers run.json only`);
  }
  const partial = run.outcome === 'running' || run.endedAt === null || cut;
  if (run.outcome === 'running') warnings.push('the run never finished (the recording process stopped mid-run): this report is partial');
  return { dir, run, store, partial, warnings };
}
