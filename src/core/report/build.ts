// Builds report.json from a run's store and run.json. Deterministic: no clock reads, every
// list sorted by content, so `build-diag report <bundle>` (a fresh store re-read from the
// bundle) reproduces the report written at the end of the live run.
import { heartbeatsSection } from '../analysis/heartbeats.js';
import { logsSection } from '../analysis/logs.js';
import { executionMetricsSection } from '../analysis/metrics.js';
import { planDiff } from '../analysis/plan.js';
import { problemsSection } from '../analysis/problems.js';
import { readinessSection } from '../analysis/readiness.js';
import { stallsSection } from '../analysis/stalls.js';
import { criticalPath, mainTraceId } from '../analysis/criticalPath.js';
import { idleGaps, slowSpans, stageBreakdown, type CriticalPathStep } from '../analysis/timing.js';
import type { RunInfo } from '../run.js';
import type { RunStore } from '../store.js';
import { REPORT_SCHEMA, type Report } from './schema.js';

export interface ReportInput {
  store: RunStore;
  run: RunInfo;
  workspaceRoot: string;
  /** Span attributes that name a task (plan vs execution). */
  taskAttributes?: string[];
  /** The bundle was cut short: the figures cover what was received. */
  partial?: boolean;
  /** Parsed `diagnostics_report.json` of the build, when it wrote one. */
  diagnosticsReport?: unknown;
  /** Extra warnings of the caller (e.g. from reading the bundle). */
  warnings?: string[];
}

/** Report bounds: enough to read, small enough to open. */
export const REPORT_LIMITS = { slowSpans: 20, criticalPathSteps: 100, traceIds: 1000 } as const;

/** The steps with the most self time, kept in path order, when the path is too long. */
function capPath(steps: CriticalPathStep[], max: number): CriticalPathStep[] {
  if (steps.length <= max) return steps;
  const keep = new Set(
    steps
      .map((s, i) => ({ s, i }))
      .sort((a, b) => b.s.selfMs - a.s.selfMs || a.i - b.i)
      .slice(0, max)
      .map((x) => x.i),
  );
  return steps.filter((_s, i) => keep.has(i));
}

export function buildReport(i: ReportInput): Report {
  const { store, run } = i;
  const warnings: string[] = [...(run.warnings ?? []), ...(i.warnings ?? [])];

  const readiness = readinessSection(store);
  const plan = planDiff(store, readiness, {
    taskAttributes: i.taskAttributes,
    finished: run.outcome !== 'running',
    cancelled: run.outcome === 'cancelled',
  });
  const stalls = stallsSection(store);
  const problems = problemsSection(store, {
    workspaceRoot: i.workspaceRoot,
    run,
    readiness,
    stalls,
    blockedBy: plan.blockedBy,
    diagnosticsReport: i.diagnosticsReport,
  });

  const mainTrace = mainTraceId(store, run.traceId);
  const fullPath = mainTrace ? criticalPath(store, mainTrace) : [];
  const path = capPath(fullPath, REPORT_LIMITS.criticalPathSteps);
  if (path.length < fullPath.length) {
    warnings.push(`the critical path has ${fullPath.length} steps; the ${path.length} with the most self time are listed`);
  }

  const traceIds = store.traces().sort();
  if (traceIds.length > REPORT_LIMITS.traceIds) {
    warnings.push(`${traceIds.length} traces were received; the first ${REPORT_LIMITS.traceIds} ids (sorted) are listed`);
  }

  const d = store.dropped;
  return {
    schema: REPORT_SCHEMA,
    run: {
      runId: run.runId,
      command: run.command,
      tokenCount: run.tokenCount,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      durationMs: run.durationMs,
      exitCode: run.exitCode,
      reportedExitCode: run.reportedExitCode,
      signal: run.signal,
      outcome: run.outcome,
      errorType: run.errorType,
      traceIds: traceIds.slice(0, REPORT_LIMITS.traceIds),
      rootTraceId: run.traceId,
      partial: i.partial ?? false,
      ...(run.links?.length ? { links: run.links.filter((l) => /^https?:\/\//i.test(l.url)) } : {}),
      ...(run.artifacts?.length ? { artifacts: run.artifacts } : {}),
    },
    telemetry: {
      spans: store.spans.length,
      logs: store.logs.length,
      metricPoints: store.metrics.length,
      events: store.events.length,
      dropped: { spans: d.spans, logs: d.logs, metrics: d.metrics, events: d.events },
      truncated: store.truncated(),
    },
    readiness,
    planDiff: plan,
    stalls,
    heartbeats: heartbeatsSection(store),
    executionMetrics: executionMetricsSection(store),
    slowSpans: slowSpans(store, REPORT_LIMITS.slowSpans),
    stageBreakdown: stageBreakdown(store),
    idleGaps: idleGaps(store),
    criticalPath: path,
    logs: logsSection(store),
    problems,
    warnings,
  };
}
