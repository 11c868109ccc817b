// The raw signals of plan vs execution, gathered from a store: what the build planned
// (several possible sources, best first) and what each task did. plan.ts turns them into
// the report section. Split out to keep both files small.
import type { Span } from '../model.js';
import { StatusCode } from '../model.js';
import type { RunStore } from '../store.js';
import type { RecognizedEvent } from '../events/index.js';
import { asList, asListMap, asName, asNumber } from './jsonList.js';

export const DEFAULT_TASK_ATTRIBUTES = ['task.name', 'view_name', 'hamilton.node.name'];
/** Tasks tracked at most (expected + executed): bounds the report on hostile input. */
export const MAX_TASKS = 10_000;

export interface PlanSignals {
  /** plan_expected_tasks_v1 | engine_spec_summary_v1 | hamilton | none (the diff is separate). */
  source: string;
  expected: string[];
  dependencies: Map<string, string[]>;
  inputs: Map<string, string[]>;
  /** The latest plan_execution_diff_v1, when the build sent one. */
  diff?: { missing: string[]; unexpected: string[]; blocked: string[] };
}

export interface TaskExec {
  lastOkNs?: bigint;
  lastErrNs?: bigint;
  /** engine_output_v1 says the table was written. */
  output: boolean;
  spanDurationMs?: number;
  planDurationMs?: number;
  rowsWritten?: number;
  rowsProduced?: number;
  span?: { traceId: string; spanId: string };
  errorSpan?: { traceId: string; spanId: string };
  file?: string;
  line?: number;
}

function latest(events: RecognizedEvent[]): RecognizedEvent | undefined {
  let best: RecognizedEvent | undefined;
  for (const e of events) if (!best || e.timeNs >= best.timeNs) best = e;
  return best;
}

function byName(store: RunStore): Map<string, RecognizedEvent[]> {
  const m = new Map<string, RecognizedEvent[]>();
  for (const e of store.events) {
    const l = m.get(e.name);
    if (l) l.push(e);
    else m.set(e.name, [e]);
  }
  return m;
}

function pushUnique(into: string[], seen: Set<string>, items: string[]): void {
  for (const t of items) {
    if (seen.size >= MAX_TASKS) return;
    if (!seen.has(t)) {
      seen.add(t);
      into.push(t);
    }
  }
}

function mergeListMap(into: Map<string, string[]>, from: Map<string, string[]>): void {
  for (const [k, v] of from) {
    const cur = into.get(k) ?? [];
    for (const x of v) if (!cur.includes(x)) cur.push(x);
    into.set(k, cur);
  }
}

/** Hamilton's OpenTelemetry adapter names the graph span after the run id and puts the plan
 * on it (`execution_path`, `final_vars`); node spans are named after the node and carry
 * `node_version`. Lists may arrive as arrays or JSON strings. */
export function hamiltonPlan(spans: readonly Span[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const s of spans) {
    const path = asList(s.attributes['execution_path']);
    pushUnique(out, seen, path.length > 0 ? path : asList(s.attributes['final_vars']));
  }
  return out;
}

export function collectPlan(store: RunStore): PlanSignals {
  const ev = byName(store);
  const dependencies = new Map<string, string[]>();
  const inputs = new Map<string, string[]>();
  const announced: string[] = [];
  const seenAnnounced = new Set<string>();
  for (const e of ev.get('plan_expected_tasks_v1') ?? []) {
    const p = e.payload as Record<string, unknown>;
    pushUnique(announced, seenAnnounced, asList(p['tasks']));
    mergeListMap(dependencies, asListMap(p['dependencies']));
    mergeListMap(inputs, asListMap(p['inputs']));
  }
  for (const e of ev.get('datafusion_plan_bundle_v1') ?? []) {
    const p = e.payload as Record<string, unknown>;
    const view = asName(p['view_name']);
    if (view !== undefined) mergeListMap(inputs, new Map([[view, asList(p['referenced_tables'])]]));
  }
  const views: string[] = [];
  const seenViews = new Set<string>();
  for (const e of ev.get('engine_spec_summary_v1') ?? []) pushUnique(views, seenViews, asList((e.payload as Record<string, unknown>)['view_names']));
  const hamilton = hamiltonPlan(store.spans);

  let source = 'none';
  let expected: string[] = [];
  if (announced.length > 0) [source, expected] = ['plan_expected_tasks_v1', announced];
  else if (views.length > 0) [source, expected] = ['engine_spec_summary_v1', views];
  else if (hamilton.length > 0) [source, expected] = ['hamilton', hamilton];

  const d = latest(ev.get('plan_execution_diff_v1') ?? []);
  const signals: PlanSignals = { source, expected, dependencies, inputs };
  if (d) {
    const p = d.payload as Record<string, unknown>;
    signals.diff = {
      missing: asList(p['missing_tasks']),
      unexpected: asList(p['unexpected_tasks']),
      blocked: asList(p['blocked_datasets']),
    };
  }
  return signals;
}

/** Planning spans carry the task's name too (`datafusion.plan.compile` has `view_name`) but
 * say nothing about its execution: every view is compiled before any runs. */
export const PLANNING_SPAN = /(^|[._\s-])(plan|planning|compile|optimi[sz]e)([._\s-]|$)/i;

function spanTaskName(span: Span, attrs: readonly string[]): string | undefined {
  if (PLANNING_SPAN.test(span.name) && span.attributes['node_version'] === undefined) return undefined;
  for (const a of attrs) {
    const n = asName(span.attributes[a]);
    if (n !== undefined) return n;
  }
  // A Hamilton node span (see hamiltonPlan); the graph span itself is not a task.
  if (span.attributes['node_version'] !== undefined && span.attributes['execution_path'] === undefined) return asName(span.name);
  return undefined;
}

function codeLocation(span: Span): { file?: string; line?: number } {
  const file = asName(span.attributes['code.file.path']) ?? asName(span.attributes['code.filepath']);
  const line = asNumber(span.attributes['code.line.number']) ?? asNumber(span.attributes['code.lineno']);
  return { ...(file !== undefined ? { file } : {}), ...(line !== undefined && line > 0 ? { line: Math.floor(line) } : {}) };
}

const ERROR_STATUSES = new Set(['error', 'failed', 'failure', 'err']);
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

function execOf(m: Map<string, TaskExec>, name: string): TaskExec | undefined {
  let t = m.get(name);
  if (!t) {
    if (m.size >= MAX_TASKS) return undefined;
    t = { output: false };
    m.set(name, t);
  }
  return t;
}

function mark(t: TaskExec, ok: boolean, ns: bigint): void {
  if (ok) t.lastOkNs = t.lastOkNs === undefined || ns > t.lastOkNs ? ns : t.lastOkNs;
  else t.lastErrNs = t.lastErrNs === undefined || ns > t.lastErrNs ? ns : t.lastErrNs;
}

/** What each task did: task spans, datafusion_plan_execution_v1, engine_output_v1. */
export function collectExecution(store: RunStore, taskAttributes: readonly string[]): Map<string, TaskExec> {
  const m = new Map<string, TaskExec>();
  for (const s of store.spans) {
    const name = spanTaskName(s, taskAttributes);
    if (name === undefined) continue;
    const t = execOf(m, name);
    if (!t) continue;
    const failed = s.status?.code === StatusCode.ERROR;
    mark(t, !failed, s.endNs);
    const ref = { traceId: s.traceId, spanId: s.spanId };
    if (failed) t.errorSpan = ref;
    t.span = ref;
    const dur = Number(s.endNs - s.startNs) / 1e6;
    if (Number.isFinite(dur) && dur >= 0) t.spanDurationMs = dur;
    const loc = codeLocation(s);
    if (loc.file !== undefined && (failed || t.file === undefined)) {
      t.file = loc.file;
      t.line = loc.line;
    }
  }
  for (const e of store.events) {
    const p = e.payload as Record<string, unknown>;
    if (e.name === 'datafusion_plan_execution_v1') {
      const name = asName(p['view_name']);
      const t = name !== undefined ? execOf(m, name) : undefined;
      if (!t) continue;
      const status = asName(p['status'])?.toLowerCase();
      mark(t, !(status !== undefined && ERROR_STATUSES.has(status)), e.timeNs);
      t.planDurationMs = asNumber(p['duration_ms']) ?? t.planDurationMs;
      t.rowsProduced = asNumber(p['rows_produced']) ?? t.rowsProduced;
      const traceId = asName(p['trace_id'])?.toLowerCase();
      const spanId = asName(p['span_id'])?.toLowerCase();
      if (!t.span && traceId && spanId && HEX32.test(traceId) && HEX16.test(spanId)) t.span = { traceId, spanId };
    } else if (e.name === 'engine_output_v1') {
      const name = asName(p['table_name']);
      const t = name !== undefined ? execOf(m, name) : undefined;
      if (!t) continue;
      t.output = true;
      mark(t, true, e.timeNs);
      const rows = asNumber(p['rows_written']);
      if (rows !== undefined) t.rowsWritten = Math.max(rows, t.rowsWritten ?? 0);
    }
  }
  return m;
}

/** Tasks named by a plain log line (not an event) that carries a task attribute: a hint that
 * the task started, since its span is exported only when it ends. */
export function startedTasks(store: RunStore, taskAttributes: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const l of store.logs) {
    if (l.eventName || l.attributes['event.name'] !== undefined) continue;
    for (const a of taskAttributes) {
      const n = asName(l.attributes[a]);
      if (n !== undefined) {
        if (out.size < MAX_TASKS) out.add(n);
        break;
      }
    }
  }
  return out;
}

/** Datasets the build itself names as blockers: the latest heartbeat's and build stall's
 * `top_blockers`. */
export function buildBlockers(store: RunStore): string[] {
  const hb = latest(store.events.filter((e) => e.name === 'build_heartbeat_v1'));
  const st = latest(store.events.filter((e) => e.name === 'build_stall_v1'));
  const out = new Set<string>();
  for (const e of [hb, st]) if (e) for (const d of asList((e.payload as Record<string, unknown>)['top_blockers'])) out.add(d);
  return [...out];
}

/** The build reported failure, or never reported build.success: used to explain tasks that
 * never ran after another task failed. */
export function buildDidNotSucceed(store: RunStore): boolean {
  let failure = false;
  let success = false;
  for (const e of store.events) {
    const p = e.payload as Record<string, unknown>;
    if (e.name === 'build.failure') failure = true;
    else if (e.name === 'build.success') success = true;
    else if (e.name === 'cli_invocation_v1' && (p['ok'] === false || (asNumber(p['exit_code']) ?? 0) !== 0)) failure = true;
  }
  return failure || !success;
}
