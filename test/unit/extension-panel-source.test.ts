// The panel's run source over the extension's runs, without an editor: which run it shows,
// finished runs read back from their bundles, live runs from memory (also after they
// finish), Compare's run list and reports, selection, stop; and where each entry point
// opens the panel (reveals).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildReport } from '../../src/core/report/build.js';
import type { Report, Stall } from '../../src/core/report/schema.js';
import { RUN_SCHEMA, type RunInfo } from '../../src/core/run.js';
import { RunStore } from '../../src/core/store.js';
import { REPORT_JSON, RUN_FILE, TELEMETRY_FILE } from '../../src/bundle/writer.js';
import { ExtensionPanelSource, runLabel, type RunsLike } from '../../src/extension/panel/runSource.js';
import { failureReveal, stallReveal, taskOfSpan, taskReveal } from '../../src/extension/panel/reveals.js';
import type { LiveRun } from '../../src/extension/runController.js';
import { failingRunInfo, failingRunStore, ROOT } from '../fixtures/report/failing-run.js';

const info = (runId: string, over: Partial<RunInfo> = {}): RunInfo => ({
  schema: RUN_SCHEMA, runId, command: 'node', tokenCount: 3, cwd: '/x', startedAt: '2025-06-01T10:00:00.000Z', endedAt: '2025-06-01T10:00:04.000Z',
  durationMs: 4200, exitCode: 0, signal: null, reportedExitCode: null, outcome: 'success', errorType: null, traceId: 'a'.repeat(32), ...over,
});

const TRACE = '5b8efff798038103d269b633813fc60c';
const otlpLine = (name: string, spanId: string) => JSON.stringify({
  resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans: [
    { traceId: TRACE, spanId, name, kind: 1, startTimeUnixNano: '1748772000000000000', endTimeUnixNano: '1748772001000000000' },
  ] }] }],
});

function writeBundle(dir: string, run: RunInfo, report: Report | undefined, lines: string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RUN_FILE), JSON.stringify(run));
  if (report) writeFileSync(join(dir, REPORT_JSON), JSON.stringify(report));
  writeFileSync(join(dir, TELEMETRY_FILE), lines.map((l) => `${l}\n`).join(''));
}

type Entry = { dir: string; info: RunInfo; live: LiveRun | undefined };
function fakeModel(entries: Entry[]): RunsLike & { entries: Entry[]; shownDir: string | undefined; shows: number } {
  return {
    entries,
    shownDir: entries[0]?.dir,
    shows: 0,
    runs() {
      return this.entries;
    },
    get shown() {
      return this.entries.find((e) => e.dir === this.shownDir);
    },
    show(dir: string) {
      this.shows++;
      this.shownDir = resolve(dir);
    },
    onDidChange: () => ({ dispose() {} }),
  };
}

function fakeLive(dir: string, run: RunInfo, store: RunStore): LiveRun & { stopped: number } {
  const live = {
    session: { info: run, store },
    bundleDir: dir,
    report: undefined as Report | undefined,
    running: true,
    stopped: 0,
    stop: async () => {
      live.stopped++;
    },
  };
  return live as unknown as LiveRun & { stopped: number };
}

describe('panel run source', () => {
  test('shows the shown run; finished runs come from their bundle; select, list, compare reports', { timeout: 30_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'bd-panel-src-'));
    try {
      const failing = failingRunInfo();
      const report = buildReport({ store: failingRunStore(), run: failing, workspaceRoot: ROOT });
      const a = join(root, 'a');
      const b = join(root, 'b');
      writeBundle(a, { ...failing, buildName: 'fail' }, report, [otlpLine('one', '1'.repeat(16)), otlpLine('two', '2'.repeat(16))]);
      // An interrupted run: no report.json, the report is rebuilt from its telemetry.
      writeBundle(b, info('run-b', { outcome: 'running', endedAt: null, durationMs: null }), undefined, [otlpLine('only', '3'.repeat(16))]);
      const model = fakeModel([
        { dir: a, info: { ...failing, buildName: 'fail' }, live: undefined },
        { dir: b, info: info('run-b', { outcome: 'running', endedAt: null, durationMs: null }), live: undefined },
      ]);
      const src = new ExtensionPanelSource(model);

      const shown = src.current(null);
      assert.equal(shown?.runId, failing.runId);
      assert.equal(shown.store.spans.length, 2, 'telemetry read back from the bundle');
      assert.deepEqual(shown.report(), report, "report.json is the finished run's report");
      assert.equal(src.current(null), shown, 'a loaded bundle is kept, not read again');
      assert.equal(src.current('nope')?.runId, failing.runId, 'an unknown id falls back to the shown run');

      const other = src.current('run-b');
      assert.equal(other?.store.spans.length, 1);
      assert.equal(other.report().telemetry.spans, 1, 'no report.json: rebuilt from the telemetry');

      assert.equal(src.select('nope'), false);
      assert.equal(src.select('run-b'), true);
      assert.equal(model.shownDir, resolve(b));
      assert.equal(src.select('run-b'), true);
      assert.equal(model.shows, 1, 'selecting the shown run again does not fire a change');

      const list = src.listRuns();
      assert.deepEqual(list.map((r) => r.runId), [failing.runId, 'run-b']);
      assert.match(list[0]!.label ?? '', /^fail · failure · /);
      assert.deepEqual(src.loadReport(failing.runId), report);
      assert.equal(src.loadReport('nope'), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a live run is its session in memory, also once it finished; stopBuild stops it', () => {
    const store = new RunStore();
    const run = info('live-1', { outcome: 'running', endedAt: null, durationMs: null, buildName: 'slow' });
    const live = fakeLive('/runs/live-1', run, store);
    const model = fakeModel([{ dir: resolve('/runs/live-1'), info: run, live }]);
    const src = new ExtensionPanelSource(model);
    const p = src.current(null)!;
    assert.equal(p.store, store);
    assert.equal(p.info(), run);
    const r1 = p.report();
    assert.equal(p.report(), r1, 'nothing changed: the same report');
    store.ingest({ spans: [], logs: [], metrics: [] });
    const fresh = { ...r1 } as Report;
    live.report = fresh;
    assert.equal(p.report(), fresh, "the controller's throttled report is used once there is one");
    assert.equal(src.loadReport('live-1'), fresh);

    src.stopBuild('live-1');
    src.stopBuild('other');
    assert.equal(live.stopped, 1);

    // Finished: the model lists it from history now; the panel keeps the run in memory.
    model.entries = [{ dir: resolve('/runs/live-1'), info: { ...run, outcome: 'success' }, live: undefined }];
    assert.equal(src.current(null), p);
  });

  test('run labels name the build first', () => {
    assert.equal(runLabel(info('x', { buildName: 'ok' })), 'ok · success · 4.2 s · 2025-06-01 10:00:00 UTC');
    assert.equal(runLabel(info('x', { durationMs: null, outcome: 'running' })), 'node · running · 2025-06-01 10:00:00 UTC');
  });
});

describe('panel reveals', () => {
  const stall = (o: Partial<Stall> = {}): Stall => ({
    id: 's1', startedAt: '2025-06-01T10:00:10.000Z', endedAt: null, gapS: 5, source: 'monitor', lastProgressAt: null, activeTaskCount: null,
    pendingTaskCount: null, active: [], pendingTasks: [], blockers: [], cpuBusy: null, ...o,
  });

  test('a stall opens the timeline at the stall (open stalls end now)', () => {
    const t0 = Date.parse('2025-06-01T10:00:10.000Z');
    assert.deepEqual(stallReveal(stall(), t0 + 7000), { section: 'timeline', range: { startMs: t0, endMs: t0 + 7000 } });
    assert.deepEqual(stallReveal(stall({ endedAt: '2025-06-01T10:00:12.000Z' })).range, { startMs: t0, endMs: t0 + 2000 });
    assert.deepEqual(stallReveal(stall({ startedAt: 'garbage' })), { section: 'timeline' });
    // From the last progress on, when known: the silence that led to the stall.
    assert.deepEqual(stallReveal(stall({ lastProgressAt: '2025-06-01T10:00:07.000Z' }), t0 + 1000).range, { startMs: t0 - 3000, endMs: t0 + 1000 });
  });

  test('a task opens its span on the timeline, or the Tasks table filtered to it', () => {
    const span = { traceId: TRACE, spanId: '1'.repeat(16) };
    assert.deepEqual(taskReveal({ name: 'cpg_edges', span }), { section: 'timeline', span });
    assert.deepEqual(taskReveal({ name: 'cpg_edges', span: null }), { section: 'tasks', task: 'cpg_edges' });
  });

  test('a failure opens the failing span; the task of a span is found back', () => {
    const report = buildReport({ store: failingRunStore(), run: failingRunInfo(), workspaceRoot: ROOT });
    const r = failureReveal(report);
    assert.equal(r.section, 'timeline');
    assert.ok(r.span, JSON.stringify(r));
    assert.deepEqual(failureReveal(undefined), { section: 'overview' });
    const withSpan = report.planDiff.tasks.find((t) => t.span)!;
    assert.equal(taskOfSpan(report, withSpan.span!)?.name, withSpan.name);
    assert.equal(taskOfSpan(report, { traceId: 'x', spanId: 'y' }), undefined);
  });
});
