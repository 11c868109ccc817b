// Importing an OTLP JSON-lines file (a bundle's telemetry.otlp.jsonl, the OpenTelemetry
// Collector file exporter's output, a CI artifact) as a new run bundle, so runs made anywhere
// can be diagnosed here. Every line goes through the same safety policy as live telemetry
// (redaction, capture limits) before it is stored.
//
// The file holds no process: the outcome and exit status come from our own build.invocation
// span when the file has one (cicd.pipeline.result, process.exit.code), else from what the
// build reported (cli_invocation_v1, build.failure); the exit code is then null.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { decideOutcome, newRunInfo, uuidv7, type Outcome, type RunInfo } from '../core/run.js';
import { RunStore } from '../core/store.js';
import { decodeJson, normalize } from '../core/otlp/index.js';
import { reportedResult } from '../core/analysis/outcome.js';
import { mainTraceId } from '../core/analysis/criticalPath.js';
import { attrNumber, attrString, nsToMs, type Span } from '../core/model.js';
import { Redactor, type RedactionConfig } from '../core/safety/redact.js';
import { RunBudget, resolveLimits, type CaptureLimits } from '../core/safety/limits.js';
import { countItems, emptySanitizeStats, sanitizeRequest } from '../core/safety/sanitize.js';
import { TOOL_VERSION } from '../core/version.js';
import { BundleWriter, describe } from './writer.js';
import { signalOf } from './reader.js';
import { writeReports } from './reports.js';
import type { Report } from '../core/report/schema.js';

export class ImportError extends Error {}

export interface ImportOptions {
  /** Bundle folder; default `<cwd>/.build-diagnostics/runs/<runId>`. */
  outDir?: string;
  cwd: string;
  redaction?: Partial<RedactionConfig>;
  limits?: Partial<CaptureLimits>;
  debug?: boolean;
  /** Default 1 GiB: the whole file is read into memory. */
  maxFileBytes?: number;
}

export interface ImportResult {
  bundleDir: string;
  info: RunInfo;
  report: Report;
  lines: number;
  skipped: number;
}

const RESULT_OUTCOME: Record<string, Exclude<Outcome, 'running'>> = { success: 'success', failure: 'failure', cancellation: 'cancelled' };

function rootSpanOf(store: RunStore): Span | undefined {
  return store.spans.find((s) => s.name === 'build.invocation' && s.resource.attributes['service.name'] === 'build-diagnostics');
}

export function importOtlpFile(file: string, o: ImportOptions): ImportResult {
  const path = resolve(o.cwd, file);
  const maxBytes = o.maxFileBytes ?? 1024 * 1024 * 1024;
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ImportError(`${path} is not a file`);
    if (st.size > maxBytes) throw new ImportError(`${path} is larger than ${maxBytes} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(`cannot read ${path}: ${describe(e)}`);
  }

  const runId = uuidv7();
  const cwd = resolve(o.cwd);
  const bundleDir = resolve(o.outDir ?? join(cwd, '.build-diagnostics', 'runs', runId));
  const label = basename(path);
  const info: RunInfo = newRunInfo({ runId, command: 'imported', tokenCount: 0, cwd, toolVersion: TOOL_VERSION });
  const warnings: string[] = [];
  const bundle = BundleWriter.create(bundleDir, info, { onError: (m) => warnings.push(m) });
  const limits = resolveLimits(o.limits, o.debug);
  const policy = { redactor: new Redactor(o.redaction), limits };
  const stats = emptySanitizeStats();
  const budget = new RunBudget(limits);
  const store = new RunStore({ maxSpans: limits.maxSpans, maxLogs: limits.maxLogs, maxMetricPoints: limits.maxMetricPoints, maxEvents: 250_000 });

  let lines = 0;
  let skipped = 0;
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!.trim();
    if (line === '') continue;
    lines++;
    try {
      const signal = signalOf(JSON.parse(line));
      if (!signal) throw new Error('not an OTLP export request');
      const request = sanitizeRequest(decodeJson(signal, line), policy, stats);
      if (!budget.admit(countItems(request), bundle.telemetryBytes)) continue;
      bundle.appendRequest(request);
      store.ingest(normalize(signal, request));
    } catch (e) {
      skipped++;
      if (skipped <= 5) warnings.push(`${label}: line ${i + 1} was skipped: ${describe(e)}`);
    }
  }
  if (skipped > 5) warnings.push(`${label}: ${skipped} lines were skipped in all`);
  if (lines > 0 && skipped === lines) {
    bundle.close();
    rmSync(bundleDir, { recursive: true, force: true });
    throw new ImportError(`${path} has no OTLP JSON lines (${skipped} lines could not be read)`);
  }

  const root = rootSpanOf(store);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const s of store.spans) {
    first = Math.min(first, nsToMs(s.startNs));
    last = Math.max(last, nsToMs(s.endNs));
  }
  for (const l of store.logs) {
    const t = nsToMs(l.timeNs || l.observedTimeNs);
    if (t > 0) {
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
  }
  const reported = reportedResult(store);
  const rootResult = root ? RESULT_OUTCOME[attrString(root.attributes, 'cicd.pipeline.result') ?? ''] : undefined;
  const exitCode = root ? (attrNumber(root.attributes, 'process.exit.code') ?? null) : null;
  const signal = root ? (attrString(root.attributes, 'build.exit.signal') ?? null) : null;
  const decided = decideOutcome({ exitCode, signal, cancelled: rootResult === 'cancelled' }, reported);
  Object.assign(info, {
    command: root ? (attrString(root.attributes, 'process.executable.name') ?? 'imported') : 'imported',
    tokenCount: root ? (attrNumber(root.attributes, 'process.args_count') ?? 0) : 0,
    startedAt: Number.isFinite(first) ? new Date(first).toISOString() : info.startedAt,
    endedAt: Number.isFinite(last) ? new Date(last).toISOString() : info.startedAt,
    durationMs: Number.isFinite(first) && Number.isFinite(last) ? Math.round(last - first) : null,
    exitCode,
    signal,
    reportedExitCode: reported.reportedExitCode,
    outcome: rootResult ?? decided.outcome,
    errorType: rootResult === 'failure' ? (attrString(root!.attributes, 'error.type') ?? decided.errorType) : decided.errorType,
    traceId: root?.traceId ?? mainTraceId(store, '') ?? '',
  });
  warnings.unshift(
    root
      ? `imported from ${label}: the outcome and exit status are those recorded by the build.invocation span`
      : `imported from ${label}: the file holds no process, so the outcome comes from the build's reported events and the exit status is unknown`,
  );
  const b = budget.warning();
  if (b) warnings.push(b);
  const r = policy.redactor.stats;
  if (r.redactedKeys + r.maskedValues > 0) warnings.push(`redacted: ${r.redactedKeys} attribute values under secret-looking keys and ${r.maskedValues} secret-shaped values in text were replaced by [redacted]`);
  info.warnings = warnings;
  bundle.writeRunInfo(info);
  const { report } = writeReports(bundle, { store, run: info, workspaceRoot: cwd, taskAttributes: undefined });
  bundle.close();
  return { bundleDir, info, report, lines, skipped };
}
