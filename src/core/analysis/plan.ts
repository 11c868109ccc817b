// Plan vs execution (issue 3, analysis 2). The real pipeline never sends its own diff
// (codeanatomy-telemetry.md §3), so we derive one: expected tasks from the best plan signal,
// executed/failed tasks from task spans, datafusion_plan_execution_v1 and engine_output_v1,
// and for every task that did not run a reason.
//
// Rules (documented in docs/report-schema.md):
// * plan_execution_diff_v1, when present, is authoritative for `missing` and `unexpected`;
//   expected tasks we did not see run and that it does not call missing count as done.
// * Planning spans (`datafusion.plan.compile`, see planSignals.PLANNING_SPAN) name a view
//   but are not its execution.
// * executed = completed without error; failed = the last signal was an error and no
//   engine_output_v1 was written. The lists are disjoint.
// * A task is blocked by a dataset when one of its inputs (plan_expected_tasks_v1.inputs or
//   datafusion_plan_bundle_v1.referenced_tables) is not ready — per readiness, the build's
//   heartbeat/stall `top_blockers`, or the diff's `blocked_datasets` — or when an upstream
//   dependency that has not completed is blocked. A task that failed while one of its inputs
//   was not ready is reported as missing/blocked (the failure is the dataset's fault).
// * Reasons, first match wins: blocked_by_dataset; upstream_failed (a transitive dependency
//   failed — or, for a task without dependency info, some task failed and the build did not
//   report build.success); cancelled (the run was cancelled); never_started.
// * While the build runs, not-yet-executed tasks are `pending` (`blocked` when blocked by a
//   dataset, `running` when a plain log line named them); once finished they are `missing`.
import type { PlanDiffSection, ReadinessSection, Task } from '../report/schema.js';
import type { RunStore } from '../store.js';
import { notReadyDatasets } from './readiness.js';
import {
  DEFAULT_TASK_ATTRIBUTES,
  buildBlockers,
  buildDidNotSucceed,
  collectExecution,
  collectPlan,
  startedTasks,
  type TaskExec,
} from './planSignals.js';

export { DEFAULT_TASK_ATTRIBUTES } from './planSignals.js';

export interface PlanOptions {
  /** Span attributes naming a task; default ['task.name', 'view_name', 'hamilton.node.name']. */
  taskAttributes?: string[];
  finished: boolean;
  cancelled?: boolean;
}

type Reason = NonNullable<Task['reason']>;

function failedExec(t: TaskExec | undefined): boolean {
  return !!t && !t.output && t.lastErrNs !== undefined && (t.lastOkNs === undefined || t.lastOkNs < t.lastErrNs);
}

function doneExec(t: TaskExec | undefined): boolean {
  return !!t && !failedExec(t) && (t.output || t.lastOkNs !== undefined);
}

export function planDiff(store: RunStore, readiness: ReadinessSection, opts: PlanOptions): PlanDiffSection {
  const attrs = opts.taskAttributes && opts.taskAttributes.length > 0 ? opts.taskAttributes : DEFAULT_TASK_ATTRIBUTES;
  const plan = collectPlan(store);
  const exec = collectExecution(store, attrs);
  const started = opts.finished ? new Set<string>() : startedTasks(store, attrs);
  const notReady = notReadyDatasets(readiness);
  for (const d of buildBlockers(store)) notReady.add(d);
  for (const d of plan.diff?.blocked ?? []) notReady.add(d);

  const diffMissing = new Set(plan.diff?.missing ?? []);
  const diffUnexpected = new Set(plan.diff?.unexpected ?? []);
  // Expected: the plan, plus (with a diff) what it calls missing; without any plan source but
  // with a diff, what ran minus what it calls unexpected.
  const expected: string[] = [...plan.expected];
  const expectedSet = new Set(expected);
  const addExpected = (t: string) => {
    if (!expectedSet.has(t)) {
      expectedSet.add(t);
      expected.push(t);
    }
  };
  if (plan.diff) {
    for (const t of plan.diff.missing) addExpected(t);
    if (plan.expected.length === 0) for (const t of [...exec.keys()].sort()) if (!diffUnexpected.has(t)) addExpected(t);
  }
  const source = plan.diff ? 'plan_execution_diff_v1' : plan.source;
  const hasPlan = source !== 'none';

  const ownBlockers = (t: string): string[] => {
    const ins = plan.inputs.get(t);
    if (ins && ins.length > 0) return ins.filter((d) => notReady.has(d));
    // No input info: the build's diff says which datasets blocked its missing tasks.
    return diffMissing.has(t) ? (plan.diff?.blocked ?? []) : [];
  };

  // Blocked-by with propagation through dependencies that have not completed.
  const blockedMemo = new Map<string, string[]>();
  const blockedBy = (t: string, stack: Set<string>): string[] => {
    const memo = blockedMemo.get(t);
    if (memo) return memo;
    if (stack.has(t)) return [];
    stack.add(t);
    const out = new Set(ownBlockers(t));
    for (const dep of plan.dependencies.get(t) ?? []) {
      if (!doneExec(exec.get(dep))) for (const d of blockedBy(dep, stack)) out.add(d);
    }
    stack.delete(t);
    const r = [...out].sort();
    blockedMemo.set(t, r);
    return r;
  };

  // A failure whose task had a not-ready input counts as blocked, not as a failure of its own.
  const failedSet = new Set<string>();
  const blockedFailed = new Set<string>();
  for (const [t, e] of exec) {
    if (!failedExec(e)) continue;
    if (!diffMissing.has(t) && blockedBy(t, new Set()).length === 0) failedSet.add(t);
    else blockedFailed.add(t);
  }
  const anyFailure = failedSet.size + blockedFailed.size > 0;
  const buildFailed = anyFailure && buildDidNotSucceed(store);

  const upstreamFailed = (t: string, stack: Set<string>): boolean => {
    if (stack.has(t)) return false;
    stack.add(t);
    for (const dep of plan.dependencies.get(t) ?? []) {
      if (failedSet.has(dep) || blockedFailed.has(dep) || upstreamFailed(dep, stack)) return true;
    }
    return false;
  };

  const reasonFor = (t: string, blockers: string[]): Reason | null => {
    if (blockers.length > 0) return 'blocked_by_dataset';
    const deps = plan.dependencies.get(t);
    if (deps && deps.length > 0 ? upstreamFailed(t, new Set()) : opts.finished && buildFailed) return 'upstream_failed';
    if (!opts.finished) return null;
    return opts.cancelled ? 'cancelled' : 'never_started';
  };

  const tasks: Task[] = [];
  const base = (name: string, t: TaskExec | undefined): Task => ({
    name,
    status: 'pending',
    expected: expectedSet.has(name),
    reason: null,
    blockedBy: [],
    durationMs: t?.spanDurationMs ?? t?.planDurationMs ?? null,
    rows: t?.rowsWritten ?? t?.rowsProduced ?? null,
    span: (failedExec(t) ? t?.errorSpan : undefined) ?? t?.span ?? null,
    file: t?.file ?? null,
    line: t?.line ?? null,
  });

  for (const name of expected) {
    const t = exec.get(name);
    const task = base(name, t);
    const missingByDiff = diffMissing.has(name);
    if (!missingByDiff && (failedSet.has(name) || (plan.diff && blockedFailed.has(name)))) task.status = 'failed';
    else if (!missingByDiff && (doneExec(t) || plan.diff)) task.status = 'done';
    else {
      const blockers = blockedBy(name, new Set());
      task.blockedBy = blockers;
      task.reason = reasonFor(name, blockers);
      if (opts.finished || missingByDiff || blockedFailed.has(name)) task.status = 'missing';
      else if (blockers.length > 0) task.status = 'blocked';
      else task.status = started.has(name) ? 'running' : 'pending';
    }
    tasks.push(task);
  }
  // Executed but not planned.
  for (const name of [...exec.keys()].filter((n) => !expectedSet.has(n)).sort()) {
    const t = exec.get(name);
    const task = base(name, t);
    if (failedSet.has(name) || blockedFailed.has(name)) task.status = 'failed';
    else if (!doneExec(t)) continue;
    else task.status = hasPlan && (!plan.diff || diffUnexpected.has(name)) ? 'unexpected' : 'done';
    tasks.push(task);
  }

  const names = (pred: (t: Task) => boolean) => tasks.filter(pred).map((t) => t.name);
  const reasons: Record<string, Reason> = {};
  const blocked: Record<string, string[]> = {};
  for (const t of tasks) {
    if (t.reason) reasons[t.name] = t.reason;
    if (t.blockedBy.length > 0) blocked[t.name] = t.blockedBy;
  }
  const unexpected = plan.diff
    ? [...plan.diff.unexpected]
    : names((t) => t.status === 'unexpected' || (hasPlan && !t.expected && t.status === 'failed'));
  return {
    expected,
    executed: names((t) => t.status === 'done' || t.status === 'unexpected'),
    running: names((t) => t.status === 'running'),
    missing: names((t) => t.status === 'missing'),
    unexpected,
    failed: names((t) => t.status === 'failed'),
    reasons,
    blockedBy: blocked,
    source,
    tasks,
  };
}

/** Tasks the build still waits for (pending or blocked), for stall reports. */
export function pendingTaskNames(diff: PlanDiffSection): string[] {
  return diff.tasks.filter((t) => t.status === 'pending' || t.status === 'blocked').map((t) => t.name);
}
