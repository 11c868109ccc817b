// What the extension's views show, computed without an editor: task groups, blockers,
// notification texts, Problems placement, and the run history on disk.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../src/core/report/build.js';
import type { Report, Stall } from '../../src/core/report/schema.js';
import { RUN_SCHEMA, type RunInfo } from '../../src/core/run.js';
import { failingRunInfo, failingRunStore, ROOT } from '../fixtures/report/failing-run.js';
import {
  artifactLabel, blockers, escapeMarkdown, failureMessage, formatBytes, formatDuration, groupTasks, progressCounts, stallMessage, taskDescription, taskTooltip,
} from '../../src/extension/viewModel.js';
import { locateName, problemEntries } from '../../src/extension/problemsModel.js';
import { clearHistory, ensureHistoryDir, listRuns, pruneHistory, readReport } from '../../src/extension/history.js';
import { toTerminal } from '../../src/extension/terminalText.js';

const report = (): Report => buildReport({ store: failingRunStore(), run: failingRunInfo(), workspaceRoot: ROOT });

describe('extension view model', () => {
  test('tasks are grouped failed, blocked/missing, …, done, each sorted by name', () => {
    const groups = groupTasks(report());
    assert.deepEqual(groups.map((g) => g.status), ['failed', 'missing', 'done', 'unexpected']);
    assert.deepEqual(groups[0]!.tasks.map((t) => t.name), ['cpg_edges']);
    assert.equal(groupTasks(undefined).length, 0);
  });

  test('descriptions show duration and rows; tooltips escape untrusted names', () => {
    const done = report().planDiff.tasks.find((t) => t.name === 'cpg_nodes')!;
    assert.equal(taskDescription(done), '9.0 s · 1,200 rows');
    const evil = report().planDiff.tasks.find((t) => t.status === 'unexpected')!;
    const tip = taskTooltip(evil);
    assert.ok(!tip.includes('<script>'), tip);
    assert.ok(!/(^|[^\\])`/.test(tip), `unescaped backtick in ${tip}`);
    assert.equal(escapeMarkdown('[a](b)'), '\\[a\\]\\(b\\)');
    assert.equal(formatDuration(61_000), '1m 1s');
  });

  test('blockers list each dataset not ready with the tasks it blocks', () => {
    const b = blockers(report());
    assert.equal(b.length, 1);
    assert.equal(b[0]!.dataset.dataset, 'ast_files');
    assert.deepEqual(b[0]!.blocks, ['cpg_props']);
  });

  test('stall and failure messages name the gap, the stage and the blockers', () => {
    const stall: Stall = report().stalls[0]!;
    const msg = stallMessage('nightly', stall);
    assert.match(msg, /^Build "nightly" stalled: no progress for 12s in engine_execute; blocked by ast_files/);
    const info = { ...failingRunInfo(), buildName: 'nightly' };
    assert.match(failureMessage(info, report()), /^Build "nightly" failed.*: codeanatomy\.errors\.DataFusionError/);
    assert.deepEqual(progressCounts(report()), { done: 1, expected: 3 });
  });

  test('problems go to their file and line, readiness to the settings entry of the dataset', () => {
    const settingsText = [
      '{',
      '  "buildDiagnostics.builds": [',
      '    { "name": "nightly", "command": ["x"],',
      '      "datasets": [',
      '        { "name": "ast_files", "path": "a" }',
      '      ] }',
      '  ]',
      '}',
    ].join('\n');
    const settings = { path: '/ws/.vscode/settings.json', text: settingsText };
    assert.deepEqual(locateName(settingsText, 'ast_files', 'dataset'), { line: 4, column: 10, length: 19 });
    assert.deepEqual(locateName(settingsText, 'nightly', 'build'), { line: 2, column: 6, length: 17 });
    assert.equal(locateName(settingsText, 'ast_files', 'build'), undefined);

    const entries = problemEntries(report(), { cwd: ROOT, buildName: 'nightly', settings });
    const tb = entries.find((e) => e.source === 'traceback')!;
    assert.equal(tb.file, join(ROOT, 'src/codeanatomy/engine/execute.py'));
    assert.equal(tb.line, 87, 'lines are 0-based in VS Code');
    assert.equal(tb.related.length, 1);
    const ready = entries.find((e) => e.source === 'readiness')!;
    assert.equal(ready.file, settings.path);
    assert.equal(ready.line, 4);
    // The stall and log warnings have no file: they go to the build's entry.
    assert.equal(entries.find((e) => e.source === 'stall')?.line, 2);
    // Without a settings file, location-less problems are left to the report.
    assert.deepEqual(problemEntries(report(), { cwd: ROOT, buildName: null }).map((e) => e.source), ['traceback']);
  });

  test('terminal text, byte sizes and artifact labels', () => {
    assert.equal(toTerminal('a\nb\r\nc'), 'a\r\nb\r\nc');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(20 * 1024 * 1024), '20 MiB');
    assert.equal(artifactLabel('artifacts/out/run_diagnostics_report.json'), 'out/run_diagnostics_report.json');
    assert.equal(artifactLabel('artifacts/a\nb'), 'a b');
  });
});

describe('extension run history', () => {
  const info = (runId: string, startedAt: string): RunInfo => ({
    schema: RUN_SCHEMA, runId, command: 'node', tokenCount: 2, cwd: '/x', startedAt, endedAt: startedAt, durationMs: 1,
    exitCode: 0, signal: null, reportedExitCode: null, outcome: 'success', errorType: null, traceId: '',
  });

  test('ignored by git, newest first, pruned to the size, never touching other folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'bd-ext-hist-'));
    try {
      const runs = ensureHistoryDir(root);
      assert.match(readFileSync(join(root, '.build-diagnostics', '.gitignore'), 'utf8'), /^\*$/m);
      for (let i = 0; i < 5; i++) {
        mkdirSync(join(runs, `r${i}`));
        writeFileSync(join(runs, `r${i}`, 'run.json'), JSON.stringify(info(`r${i}`, `2026-01-0${i + 1}T00:00:00.000Z`)));
      }
      mkdirSync(join(runs, 'not-a-bundle'));
      writeFileSync(join(runs, 'r4', 'report.json'), '{"not":"a report"}');
      assert.deepEqual(listRuns(root).map((e) => e.info.runId), ['r4', 'r3', 'r2', 'r1', 'r0']);
      assert.equal(readReport(join(runs, 'r4')), undefined, 'an invalid report.json is not shown');
      const removed = pruneHistory(root, 2, new Set([join(runs, 'r1')]));
      assert.deepEqual(removed.map((d) => d.slice(-2)).sort(), ['r0', 'r2']);
      assert.deepEqual(listRuns(root).map((e) => e.info.runId), ['r4', 'r3', 'r1']);
      clearHistory(root, new Set([join(runs, 'r3')]));
      assert.deepEqual(listRuns(root).map((e) => e.info.runId), ['r3']);
      assert.ok(existsSync(join(runs, 'not-a-bundle')), 'a folder that is not a bundle was deleted');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
