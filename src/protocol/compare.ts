// "What changed since my last build": a pure comparison of two report.json documents, per
// task (duration and status), per dataset (readiness status) and overall. Lives here rather
// than in core because only the views need it; it reads the report contract and nothing else.
import type { Report } from '../core/report/schema.js';
import type { CompareResult, TaskDiff } from './schema.js';

/** A duration change counts when it is both ≥ 10 % and ≥ 100 ms: tiny tasks jitter. */
export const COMPARE_THRESHOLD = { ratio: 0.1, minMs: 100 } as const;

function head(r: Report): CompareResult['base'] {
  return { runId: r.run.runId, startedAt: r.run.startedAt, outcome: r.run.outcome, durationMs: r.run.durationMs, exitCode: r.run.exitCode };
}

const CHANGE_ORDER: Record<TaskDiff['change'], number> = { status: 0, new: 1, missing: 2, slower: 3, faster: 4, same: 5 };

export function compareReports(base: Report, current: Report): CompareResult {
  const before = new Map(base.planDiff.tasks.map((t) => [t.name, t]));
  const after = new Map(current.planDiff.tasks.map((t) => [t.name, t]));
  const names = [...new Set([...before.keys(), ...after.keys()])];
  const tasks: TaskDiff[] = names.map((name) => {
    const b = before.get(name);
    const a = after.get(name);
    const baseMs = b?.durationMs ?? null;
    const currentMs = a?.durationMs ?? null;
    const deltaMs = baseMs !== null && currentMs !== null ? currentMs - baseMs : null;
    const ratio = deltaMs !== null && baseMs !== null && baseMs > 0 ? deltaMs / baseMs : null;
    let change: TaskDiff['change'];
    if (!b) change = 'new';
    else if (!a) change = 'missing';
    else if (b.status !== a.status) change = 'status';
    else if (deltaMs !== null && Math.abs(deltaMs) >= COMPARE_THRESHOLD.minMs && (ratio === null || Math.abs(ratio) >= COMPARE_THRESHOLD.ratio)) {
      change = deltaMs > 0 ? 'slower' : 'faster';
    } else change = 'same';
    return { name, change, baseStatus: b?.status ?? null, currentStatus: a?.status ?? null, baseMs, currentMs, deltaMs, ratio };
  });
  tasks.sort((x, y) => CHANGE_ORDER[x.change] - CHANGE_ORDER[y.change] || Math.abs(y.deltaMs ?? 0) - Math.abs(x.deltaMs ?? 0) || (x.name < y.name ? -1 : 1));

  const rb = new Map(base.readiness.datasets.map((d) => [d.dataset, d.status]));
  const ra = new Map(current.readiness.datasets.map((d) => [d.dataset, d.status]));
  const readiness = [...new Set([...rb.keys(), ...ra.keys()])]
    .filter((d) => rb.get(d) !== ra.get(d))
    .sort()
    .map((dataset) => ({ dataset, baseStatus: rb.get(dataset) ?? null, currentStatus: ra.get(dataset) ?? null }));

  const bd = base.run.durationMs;
  const cd = current.run.durationMs;
  return {
    base: head(base),
    current: head(current),
    durationDeltaMs: bd !== null && cd !== null ? cd - bd : null,
    outcomeChanged: base.run.outcome !== current.run.outcome,
    tasks,
    readiness,
    counts: {
      problems: [base.problems.length, current.problems.length],
      stalls: [base.stalls.length, current.stalls.length],
      spans: [base.telemetry.spans, current.telemetry.spans],
      logs: [base.telemetry.logs, current.telemetry.logs],
    },
  };
}
