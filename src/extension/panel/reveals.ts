// Where the panel opens from each entry point (pure, unit-tested): a stall notification →
// the timeline at the stall; a task → its span on the timeline (or the Tasks table,
// filtered to it, when it never ran); a failure → the failing span, else the overview.
import type { Problem, Report, Stall, Task } from '../../core/report/schema.js';
import type { Section, SpanRef, TimeRange } from '../../protocol/messages.js';

/** Where to take the user when the panel is opened from somewhere: a section, and in it a
 * task (Tasks filter), a span (selected; on the timeline, scrolled into view) or a time
 * range (the timeline, e.g. at a stall). */
export interface PanelReveal {
  section: Section;
  task?: string;
  span?: SpanRef;
  range?: TimeRange;
}

/** The stall and the silence before it: a stall starts when it is detected, a threshold
 * after the last progress, and that last progress is what a person looks for first. */
export function stallReveal(stall: Stall, nowMs: number = Date.now()): PanelReveal {
  const detectedMs = Date.parse(stall.startedAt);
  if (!Number.isFinite(detectedMs)) return { section: 'timeline' };
  const last = stall.lastProgressAt ? Date.parse(stall.lastProgressAt) : NaN;
  const startMs = Number.isFinite(last) && last < detectedMs ? last : detectedMs;
  const end = stall.endedAt ? Date.parse(stall.endedAt) : nowMs;
  return { section: 'timeline', range: { startMs, endMs: Number.isFinite(end) && end > detectedMs ? end : detectedMs + 1000 } };
}

export function taskReveal(task: Pick<Task, 'name' | 'span'>): PanelReveal {
  return task.span ? { section: 'timeline', span: task.span } : { section: 'tasks', task: task.name };
}

/** The task of a span, so that a span picked in the panel can be found in the Tasks view. */
export function taskOfSpan(report: Report | undefined, span: SpanRef | undefined): Task | undefined {
  if (!report || !span) return undefined;
  return report.planDiff.tasks.find((t) => t.span?.spanId === span.spanId && t.span.traceId === span.traceId);
}

export function failureReveal(report: Report | undefined): PanelReveal {
  const withSpan = (p: Problem) => p.severity === 'error' && p.span;
  const p = report?.problems.find(withSpan);
  if (p?.span) return { section: 'timeline', span: p.span };
  const failed = report?.planDiff.tasks.find((t) => t.status === 'failed' && t.span);
  return failed ? taskReveal(failed) : { section: 'overview' };
}
