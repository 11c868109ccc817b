// The Build Diagnostics panel (the webview app) in a real VS Code (code-server + Chromium,
// see harness.ts), reached as a person would: the command palette, the status bar item,
// a stall notification's Open Panel button; then, inside the webview, the live figures of
// a running build, the stall shading on the timeline, a task revealing its span, the log
// filter and Compare. One code-server for the file; screenshots under test-output/e2e/.
// The app's DOM hooks (data-figure, data-testid, data-stall-count) are in webview-ui/src.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { createWorkspace, prepareE2E, startVSCode, type VSCodeSession } from './harness.js';

const REPO = resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A workspace with a copy of the example build and one build per scenario used here,
 * sped up (the `slow` run is the live one: long enough to watch it grow). */
function makeWorkspace() {
  const ws = createWorkspace({ 'README.md': '# Build Diagnostics panel e2e workspace\n' });
  cpSync(join(REPO, 'examples'), join(ws.path, 'examples'), {
    recursive: true,
    filter: (src) => !src.includes('.build-diagnostics') && !src.includes('node_modules'),
  });
  symlinkSync(join(REPO, 'node_modules'), join(ws.path, 'examples', 'node_modules'), 'dir');
  const pipeline = join(ws.path, 'examples', 'semantic-pipeline', 'pipeline.mjs');
  const build = (name: string, args: string[], extra: Record<string, unknown> = {}) => ({
    name,
    command: ['node', pipeline, '--scenario', name, ...args],
    cwd: 'examples/semantic-pipeline',
    ...extra,
  });
  const settings = {
    'buildDiagnostics.builds': [
      build('ok', ['--speed', '0.5']),
      build('slow', ['--speed', '1', '--heartbeat-ms', '500']),
      build('stall', ['--speed', '0.2', '--stall-seconds', '300'], { stallThresholdSeconds: 2 }),
      // A build that writes a report file of its own, kept as a build artifact.
      {
        name: 'report',
        command: ['node', '-e', "require('fs').mkdirSync('out',{recursive:true});require('fs').writeFileSync('out/summary.txt','all views built\\n')"],
        artifacts: ['out/*.txt'],
      },
    ],
    'buildDiagnostics.defaultBuild': 'ok',
  };
  mkdirSync(join(ws.path, '.vscode'), { recursive: true });
  writeFileSync(join(ws.path, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return ws;
}

let vs: VSCodeSession | undefined;

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, describeLast: () => Promise<string> = async () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) {
      const shot = await vs?.screenshot(`panel-failure-${Date.now()}`).catch(() => '');
      throw new Error(`${what}: not seen within ${timeoutMs} ms; last: ${await describeLast().catch(String)}; screenshot: ${shot}`);
    }
    await sleep(200);
  }
}

describe('e2e: the Build Diagnostics panel in a real VS Code', { timeout: 15 * 60_000 }, () => {
  const ws = makeWorkspace();
  const t0 = Date.now();
  const stamp = (what: string) => console.log(`[e2e panel] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  before(async () => {
    const { vsix } = await prepareE2E();
    vs = await startVSCode({ workspace: ws.path, vsix, name: 'panel-webview' });
    stamp('workbench up');
  }, { timeout: 12 * 60_000 });

  after(async () => {
    stamp('done');
    await vs?.close();
    ws.remove();
  });

  const session = () => {
    assert.ok(vs, 'VS Code did not start');
    return vs;
  };
  const app = (): FrameLocator => session().webview();
  const figure = (name: string) => app().locator(`[data-figure="${name}"]`).first();
  const statusBar = () => session().readStatusBar();
  const statusWith = (re: RegExp, timeoutMs: number) =>
    until(`status bar ${re}`, async () => (await statusBar()).find((s) => re.test(s)), timeoutMs, async () => JSON.stringify(await statusBar()));
  const tab = async (name: string) => {
    await app().getByRole('tab', { name }).click();
    await app().locator(`[role=tab][aria-selected=true]`, { hasText: name }).waitFor({ timeout: 10_000 });
  };
  const runBuild = (name: string) => session().runCommand('Build Diagnostics: Run Build', { thenPick: name });
  /** The app has data (a snapshot arrived). */
  const ready = () => app().locator('[data-ready="1"]').waitFor({ timeout: 60_000 });

  test('opens from the palette on the shown run, and from the status bar item', { timeout: 180_000 }, async () => {
    const vs = session();
    await runBuild('ok');
    await statusWith(/^ok success/, 90_000);
    stamp('ok finished');

    await vs.runCommand('Build Diagnostics: Open Panel');
    await ready();
    assert.equal(await figure('outcome').textContent(), 'success');
    assert.equal(await figure('tasks').textContent(), '5 / 5');
    await vs.screenshot('panel-01-palette');

    // Closed, then back through the status bar item (its click runs Open Panel).
    await vs.runCommand('View: Close All Editors');
    await until('the panel closed', async () => (await vs.page.locator('iframe.webview.ready').count()) === 0, 15_000);
    await vs.page.locator('.part.statusbar .statusbar-item', { hasText: /ok success/ }).first().click();
    await ready();
    assert.equal(await figure('outcome').textContent(), 'success');
    await vs.screenshot('panel-02-status-bar');
  });

  test('follows a live run: the figures grow while "slow" runs', { timeout: 180_000 }, async () => {
    const vs = session();
    await tab('Overview');
    await runBuild('slow');
    // The panel switches to the new run as it starts and marks it live.
    await until('the live badge', async () => (await app().locator('.badge.live').count()) > 0, 30_000);
    const spans = async () => Number(await figure('spans').textContent());
    const first = await until('a first span', async () => ((await spans()) > 0 ? spans() : undefined), 30_000);
    await vs.screenshot('panel-03-live');
    const later = await until(`more spans than ${first} while live`, async () => {
      const n = await spans();
      return n > first && (await app().locator('.badge.live').count()) > 0 ? n : undefined;
    }, 60_000, async () => `spans ${await spans()}`);
    assert.ok(later > first);
    await until('the run finished in the panel', async () => (await figure('outcome').textContent()) === 'success', 90_000,
      async () => `outcome ${await figure('outcome').textContent()}`);
    assert.equal(await app().locator('.badge.live').count(), 0);
    assert.equal(await figure('tasks').textContent(), '6 / 6');
    stamp('slow finished');
    await vs.screenshot('panel-04-live-finished');
  });

  test('selecting a task reveals its span', { timeout: 60_000 }, async () => {
    const vs = session();
    await tab('Tasks');
    assert.match((await app().getByTestId('task-count').textContent()) ?? '', /^6 of 6 tasks/);
    await app().locator('[data-task="cpg_edges"]').click();
    await app().locator('[role=tab][aria-selected=true]', { hasText: 'Timeline' }).waitFor({ timeout: 10_000 });
    const details = app().getByTestId('span-details');
    await details.waitFor({ timeout: 10_000 });
    // The task's span (the engine's execute span of that view) with its attributes.
    assert.match((await details.textContent()) ?? '', /cpg_edges/);
    await vs.screenshot('panel-05-task-span');
  });

  test('Reveal in Panel on a task of the Tasks view opens its span', { timeout: 60_000 }, async () => {
    const vs = session();
    await tab('Overview');
    await vs.openView('Tasks');
    const pane = vs.page.locator('.pane').filter({ has: vs.page.locator('.pane-header h3.title', { hasText: /^\s*Tasks\s*$/i }) });
    const row = pane.locator('.monaco-list-row').filter({ hasText: /^\s*cpg_nodes/ }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click({ button: 'right' });
    // The workbench's context menu (VS Code for the web draws it in the page). It ignores
    // a click that comes too soon after it opened; Enter acts on the highlighted item.
    const item = vs.page.locator('.context-view').getByRole('menuitem', { name: 'Reveal in Panel' });
    await item.hover();
    await sleep(300);
    await item.click();
    if (await item.isVisible().catch(() => false)) await vs.page.keyboard.press('Enter');
    await until('the timeline shown', async () => (await app().locator('[role=tab][aria-selected=true]', { hasText: 'Timeline' }).count()) > 0, 15_000);
    const details = app().getByTestId('span-details');
    await until('the task\'s span in the details', async () => /cpg_nodes/.test((await details.textContent()) ?? '') || undefined, 15_000,
      async () => String(await details.textContent().catch(() => 'no details')));
    await vs.screenshot('panel-05b-tree-reveal');
  });

  test('the log filter narrows the lines', { timeout: 60_000 }, async () => {
    const vs = session();
    await tab('Logs');
    const count = app().getByTestId('log-count');
    const parse = async () => {
      const m = /^(\d+) of (\d+) lines/.exec((await count.textContent()) ?? '');
      return m ? { shown: Number(m[1]), total: Number(m[2]) } : undefined;
    };
    const all = await until('log lines', async () => {
      const c = await parse();
      return c && c.total > 0 ? c : undefined;
    }, 15_000);
    assert.equal(all.shown, all.total);
    await app().getByRole('searchbox', { name: 'Filter log lines by text' }).fill('cpg_edges');
    const filtered = await until('fewer lines after the filter', async () => {
      const c = await parse();
      return c && c.shown < all.total ? c : undefined;
    }, 10_000, async () => String(await count.textContent()));
    assert.ok(filtered.shown > 0, 'some lines mention cpg_edges');
    const rows = await app().getByTestId('log-list').locator('[role=listitem]').allInnerTexts();
    assert.ok(rows.length > 0 && rows.every((r) => /cpg_edges/.test(r)), JSON.stringify(rows.slice(0, 5)));
    await vs.screenshot('panel-06-logs-filtered');
    await app().getByRole('searchbox', { name: 'Filter log lines by text' }).fill('');
    await until('all lines again', async () => (await parse())?.shown === all.total, 10_000);
  });

  test('Compare shows what changed between the "ok" and the "slow" run', { timeout: 60_000 }, async () => {
    const vs = session();
    await tab('Compare');
    const select = app().getByRole('combobox', { name: 'Earlier run to compare with' });
    const options = () => select.locator('option').evaluateAll((os) => os.map((o) => {
      const opt = o as unknown as { value: string; textContent: string | null };
      return { value: opt.value, text: opt.textContent ?? '' };
    }));
    const okValue = await until('the ok run in the Compare picker', async () => (await options()).find((o) => /^ok · success/.test(o.text))?.value, 15_000,
      async () => JSON.stringify(await options()));
    await select.selectOption(okValue);
    const summary = app().getByTestId('compare-summary');
    await summary.waitFor({ timeout: 15_000 });
    assert.match((await app().getByTestId('compare-duration-delta').textContent()) ?? '', /^\+/, 'slow took longer');
    const changes = await app().getByTestId('compare-tasks').locator('tbody tr').allInnerTexts();
    assert.ok(changes.some((r) => /cpg_props_docstrings\s+new/.test(r)), JSON.stringify(changes));
    assert.ok(changes.some((r) => /slower/.test(r)), JSON.stringify(changes));
    await vs.screenshot('panel-07-compare');
  });

  test('a window reload brings the panel back on the same run and section', { timeout: 120_000 }, async () => {
    const vs = session();
    await tab('Tasks');
    const runId = await app().locator('.app-header h1 .mono').textContent();
    // As a person would: the command flushes the workbench state before it reloads.
    await vs.runCommand('Developer: Reload Window');
    await vs.page.waitForEvent('load', { timeout: 60_000 });
    await vs.page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    // The serializer (onWebviewPanel activation) revives it; the app restores its state.
    await ready();
    assert.equal(await app().locator('.app-header h1 .mono').textContent(), runId);
    const selectedTab = app().locator('[role=tab][aria-selected=true]');
    await until('the Tasks section restored', async () => /Tasks/.test((await selectedTab.textContent()) ?? '') || undefined, 15_000,
      async () => String(await selectedTab.textContent()));
    assert.match((await app().getByTestId('task-count').textContent()) ?? '', /^6 of 6 tasks/);
    await vs.screenshot('panel-07b-after-reload');
  });

  test('"stall": Open Panel on the notification shows the stall shaded on the timeline', { timeout: 180_000 }, async () => {
    const vs = session();
    await runBuild('stall');
    const toast = await vs.waitForNotification(/stalled: no progress/, 90_000);
    stamp('stall notified');
    await toast.getByRole('button', { name: 'Open Panel' }).click();
    await app().locator('[role=tab][aria-selected=true]', { hasText: 'Timeline' }).waitFor({ timeout: 15_000 });
    const canvas = app().getByTestId('timeline-canvas');
    const stalls = await until('a stall interval on the timeline', async () => {
      const n = Number(await canvas.getAttribute('data-stall-count'));
      return n > 0 ? n : undefined;
    }, 30_000, async () => `data-stall-count=${await canvas.getAttribute('data-stall-count')}`);
    assert.ok(stalls >= 1);
    assert.match((await app().locator('.legend').textContent()) ?? '', /stall \([1-9]/);
    await vs.screenshot('panel-08-stall-timeline');

    await vs.runCommand('Build Diagnostics: Stop Build');
    await statusWith(/^stall cancelled/, 60_000);
    await until('the panel shows the run cancelled', async () => {
      await tab('Overview');
      return (await figure('outcome').textContent()) === 'cancelled';
    }, 30_000);
    await vs.screenshot('panel-09-stall-stopped');
    // Anything our extension logged as an error is a bug (VS Code's harmless tree-refresh
    // message aside).
    const ours = vs.extensionHostErrors().filter((l) => /buildDiagnostics|build-diagnostics\.build-diagnostics|Build Diagnostics/.test(l) && !/No tree item with id/.test(l));
    assert.deepEqual(ours, []);
  });

  test('the Runs view lists a run\'s build artifacts; a click opens the copy in the bundle', { timeout: 120_000 }, async () => {
    const vs = session();
    await runBuild('report');
    await statusWith(/^report success/, 60_000);
    await vs.openView('Runs');
    const pane = vs.page.locator('.pane').filter({ has: vs.page.locator('.pane-header h3.title', { hasText: /^\s*Runs\s*$/i }) });
    const row = (label: RegExp) => pane.locator('.monaco-list-row').filter({ hasText: label }).first();
    await until('the report run in the Runs view', async () => (await row(/^report/).count()) > 0, 30_000, async () => JSON.stringify(await vs.treeItems('Runs')));
    await row(/^report/).locator('.monaco-tl-twistie').click();
    await until('the Build artifacts node', async () => (await row(/Build artifacts/).count()) > 0, 15_000, async () => JSON.stringify(await vs.treeItems('Runs')));
    await row(/Build artifacts/).locator('.monaco-tl-twistie').click();
    const items = await until('the artifact with its size', async () => {
      const r = await vs.treeItems('Runs');
      return r.some((x) => /^out\/summary\.txt\s+16 B/.test(x)) ? r : undefined;
    }, 15_000, async () => JSON.stringify(await vs.treeItems('Runs')));
    assert.ok(items.some((x) => /Build artifacts/.test(x)), JSON.stringify(items));
    await vs.screenshot('panel-10-artifacts');
    await row(/summary\.txt/).click();
    const active = vs.page.locator('.tabs-container .tab.active');
    await until('the artifact opened', async () => /summary\.txt/.test((await active.getAttribute('aria-label')) ?? '') || undefined, 15_000,
      async () => String(await active.getAttribute('aria-label')));
    await until('its text in the editor', async () => (await vs.page.locator('.monaco-editor .view-lines', { hasText: 'all views built' }).count()) > 0 || undefined, 15_000);
    // The breadcrumbs show where the file is: the copy in the run bundle.
    const crumbs = await vs.page.locator('.breadcrumbs-control').first().innerText();
    assert.match(crumbs.replace(/\s+/g, ' '), /\.build-diagnostics.*runs.*artifacts.*out.*summary\.txt/);
    // The copy in the bundle, not the build's own file (which may be cleaned away).
    const runs = join(ws.path, '.build-diagnostics', 'runs');
    assert.ok(readdirSync(runs).some((id) => existsSync(join(runs, id, 'artifacts', 'out', 'summary.txt'))));
    await vs.screenshot('panel-11-artifact-open');

    // The panel lists them too, and a click there opens the same copy.
    await vs.runCommand('View: Close All Editors');
    await vs.runCommand('Build Diagnostics: Open Panel');
    await ready();
    await tab('Overview');
    const list = app().locator('[data-testid=artifacts]');
    await list.locator('summary').click();
    await list.getByRole('button', { name: 'artifacts/out/summary.txt' }).click();
    await until('the artifact opened from the panel', async () => /summary\.txt/.test((await active.getAttribute('aria-label')) ?? '') || undefined, 15_000,
      async () => String(await active.getAttribute('aria-label')));
    await vs.screenshot('panel-12-artifact-from-panel');
  });
});
