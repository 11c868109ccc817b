// The extension's RunController (no vscode) driving the real example build: one run at a
// time per build, Stop, and no listener, timer or process leak across ten consecutive runs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { MARKER_VAR } from '../../src/launch/process.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveBuild } from '../../src/extension/buildSpec.js';
import { AlreadyRunningError, RunController, type RunEvent } from '../../src/extension/runController.js';
import { SETTING_DEFAULTS } from '../../src/extension/settings.js';
import { ensureHistoryDir, listRuns, pruneHistory } from '../../src/extension/history.js';

const PIPELINE = resolve(__dirname, '..', '..', 'examples', 'semantic-pipeline', 'pipeline.mjs');

/** Live processes started by a build of ours: the launcher marks each build's environment
 * (inherited by its whole tree, reparented or not) and the builds run in `root`. */
function buildPids(root: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (!readlinkSync(`/proc/${name}/cwd`).startsWith(root)) continue;
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').some((v) => v.startsWith(`${MARKER_VAR}=`))) out.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

function describePids(pids: number[]): string[] {
  return pids.map((p) => {
    try {
      return `${p}: ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ')} ${readFileSync(`/proc/${p}/stat`, 'utf8')}`;
    } catch {
      return `${p}: gone`;
    }
  });
}

/** Handles that keep the event loop alive (timers, sockets, child pipes). */
function activeHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'FSReqCallback').length;
}

function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'bd-ext-ctl-'));
}

describe('extension RunController with the example build', { timeout: 240_000 }, () => {
  test('ten consecutive ok runs leak no listener, timer or process', { timeout: 200_000 }, async () => {
    const root = workspace();
    try {
      ensureHistoryDir(root);
      const ctl = new RunController({ graceS: 0.2, refreshMs: 100 });
      const events: RunEvent['type'][] = [];
      const sub = ctl.onEvent((e) => events.push(e.type));
      const build = resolveBuild(
        { name: 'ok', command: [process.execPath, PIPELINE, '--scenario', 'ok', '--speed', '0.05', '--heartbeat-ms', '200'] },
        SETTING_DEFAULTS,
        root,
      );
      let baseline: number | undefined;
      for (let i = 0; i < 10; i++) {
        const run = ctl.start(build);
        await run.done;
        assert.equal(run.error, undefined, `run ${i} did not start: ${run.error?.message}`);
        assert.equal(run.result?.info.outcome, 'success', `run ${i}: ${run.result?.info.outcome}`);
        assert.equal(ctl.running().length, 0, `run ${i} is still listed as running`);
        assert.equal(run.session['listeners'].size, 0, `run ${i} left a session listener`);
        assert.deepEqual(describePids(buildPids(root)), [], `run ${i} left child processes`);
        // Let closed sockets and timers settle, then compare with the first run's count.
        await new Promise((r) => setTimeout(r, 300));
        const handles = activeHandles();
        baseline ??= handles;
        assert.ok(handles <= baseline, `run ${i}: ${handles} active handles, first run left ${baseline} (${process.getActiveResourcesInfo().join(',')})`);
      }
      assert.equal(ctl.listenerCount(), 1, 'the controller gained listeners');
      assert.equal(events.filter((t) => t === 'started').length, 10);
      assert.equal(events.filter((t) => t === 'finished').length, 10);
      assert.ok(events.includes('update'), 'no live report update was emitted');
      assert.equal(listRuns(root).length, 10);
      assert.deepEqual(pruneHistory(root, 3).length, 7);
      assert.equal(listRuns(root).length, 3);
      sub.dispose();
      await ctl.dispose();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('one run at a time per build; Stop ends the process and the run is cancelled', { timeout: 60_000 }, async () => {
    const root = workspace();
    try {
      const ctl = new RunController({ graceS: 0.2, refreshMs: 100 });
      const build = resolveBuild(
        { name: 'stall', command: [process.execPath, PIPELINE, '--scenario', 'stall', '--speed', '0.05', '--stall-seconds', '60'] },
        SETTING_DEFAULTS,
        root,
      );
      const run = ctl.start(build);
      assert.throws(() => ctl.start(build), AlreadyRunningError);
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(run.running);
      const pid = run.session.info.pid;
      assert.ok(pid, 'no pid recorded');
      // The detector used by the leak test sees a live build.
      assert.ok(buildPids(root).includes(pid), 'buildPids() does not see the running build');
      await run.stop();
      assert.equal(run.result?.info.outcome, 'cancelled');
      assert.equal(existsSync(`/proc/${pid}`), false, 'the build process is still alive');
      assert.deepEqual(describePids(buildPids(root)), []);
      // Once finished, the same build can start again.
      const again = ctl.start(build);
      await again.stop();
      assert.equal(again.result?.info.outcome, 'cancelled');
      await ctl.dispose();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a build that cannot start reports why and leaves no bundle', { timeout: 30_000 }, async () => {
    const root = workspace();
    try {
      const ctl = new RunController({ graceS: 0.2 });
      const run = ctl.start(resolveBuild({ name: 'bad', command: ['definitely-not-a-command-xyz'] }, SETTING_DEFAULTS, root));
      await run.done;
      assert.match(run.error?.message ?? '', /definitely-not-a-command-xyz/);
      assert.equal(ctl.running().length, 0);
      assert.equal(existsSync(run.bundleDir), false);
      await ctl.dispose();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
