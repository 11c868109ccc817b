// What a run is, independent of where it runs (CLI, extension, import): its identity, its
// outcome and the rules that decide that outcome. `run.json` in a bundle is a RunInfo.
// The zod schemas live in runSchema.ts: only readers of run.json need them, and building
// them costs the CLI's start (docs/performance.md, "Launch overhead").
import type { z } from 'zod';
import type { OutcomeSchema, RunInfoSchema } from './runSchema.js';

export const RUN_SCHEMA = 'build-diagnostics/run@1';

export type Outcome = z.infer<typeof OutcomeSchema>;
export type RunInfo = z.infer<typeof RunInfoSchema>;

/** A run that has just started: nothing known yet but what identifies it. */
export function newRunInfo(o: { runId: string; command: string; tokenCount: number; cwd: string; toolVersion: string; buildName?: string | null }): RunInfo {
  return {
    schema: RUN_SCHEMA,
    runId: o.runId,
    command: o.command,
    tokenCount: o.tokenCount,
    cwd: o.cwd,
    startedAt: new Date().toISOString(),
    endedAt: null,
    durationMs: null,
    exitCode: null,
    signal: null,
    reportedExitCode: null,
    outcome: 'running',
    errorType: null,
    traceId: '',
    buildName: o.buildName ?? null,
    pid: null,
    warnings: [],
    toolVersion: o.toolVersion,
  };
}

/** The failure the build itself reported through telemetry (it may still exit 0). */
export interface ReportedResult {
  /** From `cli_invocation_v1.exit_code`; null when the build never said. */
  reportedExitCode: number | null;
  /** `cli_invocation_v1.ok === false` or a `build.failure` event. */
  reportedFailure: boolean;
  /** `error_class`/`error_type` from those events, when given. */
  errorType: string | null;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  cancelled: boolean;
}

/** Decide the outcome. The build's own telemetry can turn an exit status 0 into a failure
 * (CodeAnatomy computes an exit code and then exits 0 anyway). */
export function decideOutcome(proc: ProcessResult, reported: ReportedResult): {
  outcome: Exclude<Outcome, 'running'>;
  errorType: string | null;
} {
  if (proc.cancelled) return { outcome: 'cancelled', errorType: 'cancelled' };
  if (reported.reportedFailure || (reported.reportedExitCode !== null && reported.reportedExitCode !== 0)) {
    return { outcome: 'failure', errorType: reported.errorType ?? `exit_code_${reported.reportedExitCode ?? 'unknown'}` };
  }
  if (proc.signal) return { outcome: 'failure', errorType: proc.signal };
  if (proc.exitCode !== null && proc.exitCode !== 0) {
    return { outcome: 'failure', errorType: reported.errorType ?? `exit_code_${proc.exitCode}` };
  }
  return { outcome: 'success', errorType: null };
}

/** The CLI's exit code: the process's when non-zero, 1 for a failure it did not signal by
 * its status, 130 when cancelled. */
export function cliExitCode(info: Pick<RunInfo, 'outcome' | 'exitCode' | 'signal'>): number {
  if (info.outcome === 'cancelled') return 130;
  if (info.exitCode !== null && info.exitCode !== 0) return info.exitCode;
  if (info.outcome === 'failure') return 1;
  return 0;
}

/** UUIDv7 (RFC 9562): 48-bit millisecond timestamp, version 7, variant 10, random rest. */
export function uuidv7(nowMs: number = Date.now(), random: (n: number) => Uint8Array = defaultRandom): string {
  const b = random(16);
  let ts = BigInt(Math.floor(nowMs));
  for (let i = 5; i >= 0; i--) {
    b[i] = Number(ts & 0xffn);
    ts >>= 8n;
  }
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function defaultRandom(n: number): Uint8Array {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/** First token's base name, the only part of a command we ever record. */
export function commandName(argv: readonly string[]): string {
  const first = argv[0] ?? '';
  const parts = first.split(/[\\/]/);
  return parts[parts.length - 1] || first;
}
