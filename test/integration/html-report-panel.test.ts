// The same app as the VS Code panel sees it: loaded with the panel host's HTML and CSP, a
// stand-in for `acquireVsCodeApi`, and data only by postMessage. Checks the handshake,
// validation of inbound messages, live deltas, state saving, messages to the host — and
// that hostile telemetry arriving this way is shown as text and never runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport } from '../../src/core/report/build.js';
import { RunStore } from '../../src/core/store.js';
import { buildDelta, buildSnapshot, snapshotMessages } from '../../src/protocol/snapshot.js';
import { panelHtml } from '../../src/extension/panel/html.js';
import { webviewAssetDir } from '../../src/bundle/html.js';
import { failingRunBatches, failingRunInfo, ROOT } from '../fixtures/report/failing-run.js';
import { HOSTILE, hostileRunBatches } from '../fixtures/panel/hostile-run.js';
import { offlinePage } from './html-report-browser.js';
import { browserSuite } from './helpers/browserSuite.js';

const suite = browserSuite('bd-panel-');
const tmp = suite.tmp;

// Records what the app sends and keeps its state, as VS Code's webview API does.
const STUB = `window.__posted = []; window.__state = undefined;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});`;

test('panel: handshake, validation, live deltas, state, host messages; hostile text stays text', { timeout: 60_000 }, async () => {
  const assets = webviewAssetDir();
  copyFileSync(join(assets, 'main.js'), join(tmp, 'main.js'));
  copyFileSync(join(assets, 'main.css'), join(tmp, 'main.css'));
  const html = panelHtml({ cspSource: 'file:' }, 'main.js', 'main.css', 'TESTNONCE').replace(
    '<script nonce="TESTNONCE" src=',
    `<script nonce="TESTNONCE">${STUB}</script>\n<script nonce="TESTNONCE" src=`,
  );
  const file = join(tmp, 'panel.html');
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  // The panel loads exactly its two asset files; anything else would be a leak.
  const p = await offlinePage(suite.browser(), url, undefined, [pathToFileURL(join(tmp, 'main.js')).href, pathToFileURL(join(tmp, 'main.css')).href]);
  const { page } = p;
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  const posted = () => page.evaluate(() => (globalThis as unknown as { __posted: { type: string }[] }).__posted);
  const send = (msg: unknown) => page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), msg);

  // Live run: snapshot of the first batches, then the hostile telemetry as a delta.
  const store = new RunStore();
  const batches = failingRunBatches();
  for (const b of batches) store.ingest(b, 0);
  const run = { ...failingRunInfo(), outcome: 'running' as const, endedAt: null, durationMs: null };
  const rep = buildReport({ store, run, workspaceRoot: ROOT });
  const { snapshot, cursor } = buildSnapshot(store, run, rep);

  // As the host posts it: the head, then the parts (small parts here, to have several).
  const [head, ...parts] = snapshotMessages(snapshot, { details: 2, logs: 3 });
  assert.ok(head?.type === 'snapshot' && parts.length > 2);
  await send({ ...head, snapshot: { ...head.snapshot, version: 99 } }); // invalid: ignored
  await send({ type: 'reveal', section: 'nowhere' }); // invalid: ignored
  assert.equal(await page.locator('[data-ready="1"]').count(), 0, 'invalid messages do nothing');
  await send(head);
  for (const m of parts) await send(m);
  await page.waitForSelector('[data-ready="1"]');
  assert.equal(await page.locator('[data-figure="spans"]').textContent(), String(rep.telemetry.spans));
  assert.equal(await page.locator('.badge.live').count(), 1);

  const extra = hostileRunBatches().slice(batches.length);
  for (const b of extra) store.ingest(b, 0);
  const rep2 = buildReport({ store, run, workspaceRoot: ROOT });
  await send({ type: 'delta', delta: buildDelta(store, run, cursor, rep2) });
  await page.locator('[data-figure="spans"]', { hasText: new RegExp(`^${rep2.telemetry.spans}$`) }).waitFor();

  await page.getByRole('tab', { name: 'Timeline' }).click();
  await page.getByLabel('Search spans by name').fill('onerror');
  await page.getByLabel('Search spans by name').press('Enter');
  assert.equal(await page.getByTestId('span-details').locator('h3').textContent(), HOSTILE.spanName);

  // A delta out of sequence: the app asks for a fresh snapshot.
  await send({ type: 'delta', delta: { ...buildDelta(store, run, cursor, null), seq: 42 } });
  await page.waitForFunction(() => (globalThis as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'requestSnapshot'));

  // The host reveals a section; the app saves its state for a reload.
  await send({ type: 'reveal', section: 'logs' });
  await page.waitForSelector('[data-testid="log-list"]');
  const state = await page.evaluate(() => (globalThis as unknown as { __state: { section: string; runId: string } }).__state);
  assert.equal(state.section, 'logs');
  assert.equal(state.runId, run.runId);

  // Messages to the host: stop the build, ask for runs to compare and a comparison.
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByRole('button', { name: 'Stop build' }).click();
  await page.getByRole('tab', { name: 'Compare' }).click();
  await send({ type: 'runs', runs: [{ runId: 'older', startedAt: '2026-02-13T10:00:00.000Z', outcome: 'success', durationMs: 1000, command: 'codeanatomy' }] });
  await page.getByLabel('Earlier run to compare with').selectOption('older');
  const types = (await posted()).map((m) => m.type);
  for (const t of ['ready', 'requestSnapshot', 'stopBuild', 'requestRuns', 'requestCompare']) assert.ok(types.includes(t), `posted ${t}`);

  assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned), undefined);
  assert.equal(await page.locator('img, iframe').count(), 0);
  assert.deepEqual(p.dialogs, []);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.blocked, []);
  await page.context().close();
});
