// The self-contained HTML report in a real browser (headless Chromium, file:// URL, every
// other request refused): hostile telemetry is shown as text and never runs, and the
// figures on the page are those of the report.json the report was made from.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport } from '../../src/core/report/build.js';
import { ReportSchema, type Report } from '../../src/core/report/schema.js';
import { buildSnapshot } from '../../src/protocol/snapshot.js';
import { writeHtmlReport } from '../../src/bundle/html.js';
import { loadBundle } from '../../src/bundle/reader.js';
import { fmtDuration, fmtInt } from '../../webview-ui/src/format.js';
import { failingRunInfo, ROOT } from '../fixtures/report/failing-run.js';
import { HOSTILE, hostileRunStore } from '../fixtures/panel/hostile-run.js';
import { offlinePage, type OfflinePage } from './html-report-browser.js';
import { browserSuite } from './helpers/browserSuite.js';
import { EXAMPLE, runCli } from './helpers/cli.js';

const suite = browserSuite('bd-html-');
const tmp = suite.tmp;

async function open(file: string): Promise<OfflinePage> {
  const url = pathToFileURL(file).href;
  const p = await offlinePage(suite.browser(), url);
  await p.page.goto(url);
  await p.page.waitForSelector('[data-ready="1"]', { timeout: 20_000 });
  return p;
}

async function figure(p: OfflinePage, name: string): Promise<string> {
  return (await p.page.locator(`[data-figure="${name}"]`).textContent()) ?? '';
}

/** Every figure of the Overview against the report it came from. */
async function assertFigures(p: OfflinePage, r: Report): Promise<void> {
  const t = r.planDiff.tasks;
  const expected: Record<string, string> = {
    outcome: r.run.outcome,
    command: r.run.command,
    duration: fmtDuration(r.run.durationMs),
    exitCode: r.run.signal ? `signal ${r.run.signal}` : fmtInt(r.run.exitCode),
    reportedExitCode: fmtInt(r.run.reportedExitCode),
    stage: r.heartbeats.lastStage ?? '—',
    tasks: `${t.filter((x) => x.status === 'done').length} / ${t.length}`,
    tasksFailed: String(t.filter((x) => x.status === 'failed').length),
    tasksMissing: String(t.filter((x) => x.status === 'missing' || x.status === 'blocked').length),
    problems: String(r.problems.length),
    stalls: String(r.stalls.length),
    readinessIssues: `${r.readiness.issues.length} / ${r.readiness.total}`,
    spans: String(r.telemetry.spans),
    logs: String(r.telemetry.logs),
    heartbeats: String(r.heartbeats.count),
    traces: String(r.run.traceIds.length),
  };
  for (const [name, value] of Object.entries(expected)) assert.equal(await figure(p, name), value, `figure ${name}`);
  assert.equal(await p.page.locator('[data-testid="problems"] > li').count(), Math.min(10, r.problems.length));
  assert.equal(await p.page.locator('[data-testid="stalls"] > li').count(), Math.min(10, r.stalls.length));
  if (r.run.errorType) assert.equal(await figure(p, 'errorType'), r.run.errorType);
}

describe('HTML report', () => {
  test('hostile telemetry renders as literal text and nothing executes', { timeout: 60_000 }, async () => {
    const store = hostileRunStore();
    const run = failingRunInfo();
    const report = buildReport({ store, run, workspaceRoot: ROOT });
    const { snapshot } = buildSnapshot(store, run, report);
    const dir = join(tmp, 'hostile');
    mkdirSync(dir, { recursive: true });
    const file = writeHtmlReport(dir, snapshot);
    const html = readFileSync(file, 'utf8');
    // Static checks: the data element holds no markup, only our two nonce'd elements run.
    // The data: the head before the app script, the parts after it, each a JSON element.
    const elements = [...html.matchAll(/<script type="application\/json" (?:id="run-data"|data-part="\d+")>([^]*?)<\/script>/g)];
    assert.ok(elements.length >= 3, 'the head, span details and log lines');
    for (const [, json] of elements) assert.ok(!json!.includes('<'), 'no < inside a JSON data element');
    assert.equal((html.match(/<script/g) ?? []).length, elements.length + 1, 'only the data elements and the app script');
    assert.equal((html.match(/<script nonce=/g) ?? []).length, 1, 'one executable script');
    assert.ok(html.indexOf('id="run-data"') < html.indexOf('<script nonce='), 'the head comes before the app');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'/);

    const p = await open(file);
    const { page } = p;
    // Overview, then every section (each renders telemetry text).
    for (const tab of ['Timeline', 'Tasks', 'Readiness', 'Metrics', 'Logs', 'Compare', 'Overview']) {
      await page.getByRole('tab', { name: tab }).click();
    }
    await page.getByRole('tab', { name: 'Readiness' }).click();
    assert.ok((await page.locator('table[aria-label="Datasets"]').textContent())?.includes(HOSTILE.dataset), 'dataset name shown literally');

    // Timeline: find the hostile span by search, its details show name/attributes literally.
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByLabel('Search spans by name').fill('onerror');
    assert.equal(await page.getByTestId('match-count').textContent(), '1 match');
    await page.getByLabel('Search spans by name').press('Enter');
    const details = page.getByTestId('span-details');
    assert.equal(await details.locator('h3').textContent(), HOSTILE.spanName);
    const detailsText = (await details.textContent()) ?? '';
    for (const s of [HOSTILE.attrValue, HOSTILE.attrKey, HOSTILE.eventName, HOSTILE.logBody]) {
      assert.ok(detailsText.includes(s), `details show ${JSON.stringify(s)} literally`);
    }

    // Logs: filter, the ANSI line is coloured by class with the escapes gone, OSC dropped.
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByLabel('Filter log lines by text').fill('red');
    const ansiRow = page.locator('.log-row', { hasText: 'bold?' });
    assert.equal(await ansiRow.count(), 1);
    assert.equal(await ansiRow.locator('.ansi-fg-1').textContent(), 'red <b>bold?</b>');
    assert.ok(!((await ansiRow.textContent()) ?? '').includes('\u001b'), 'no raw escape bytes shown');
    await page.getByLabel('Filter log lines by text').fill('window.__pwned=5');
    assert.equal(await page.locator('.log-row').count(), 1);
    assert.ok(((await page.locator('.log-row').textContent()) ?? '').includes(HOSTILE.logBody));

    // Nothing ran, nothing was injected, nothing was fetched.
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await page.locator('img, iframe, svg[onload], b[onmouseover]').count(), 0, 'no element was created from telemetry');
    assert.deepEqual(p.dialogs, []);
    assert.deepEqual(p.blocked, []);
    assert.deepEqual(p.errors, []);
    await page.context().close();
  });

  test('the figures shown equal report.json (fixture run)', { timeout: 60_000 }, async () => {
    const store = hostileRunStore();
    const run = failingRunInfo();
    const report = buildReport({ store, run, workspaceRoot: ROOT });
    const dir = join(tmp, 'figures');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
    const file = writeHtmlReport(dir, buildSnapshot(store, run, report).snapshot);
    const onDisk = ReportSchema.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
    assert.ok(onDisk.problems.length > 0 && onDisk.stalls.length > 0 && onDisk.run.reportedExitCode === 21, 'fixture has problems, a stall and an exit code mismatch');
    const p = await open(file);
    await assertFigures(p, onDisk);
    // Tasks table rows equal the plan's tasks.
    await p.page.getByRole('tab', { name: 'Tasks' }).click();
    assert.equal(await p.page.locator('table[aria-label="Tasks"] tbody tr').count(), onDisk.planDiff.tasks.length);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.blocked, []);
    await p.page.context().close();
  });

  test('the figures shown equal report.json (a real CLI run of the example, fail scenario)', { timeout: 120_000 }, async () => {
    const out = join(tmp, 'cli-run');
    const r = await runCli(['run', '--out', out, '--grace', '1', '--', process.execPath, EXAMPLE, '--scenario', 'fail', '--speed', '0.3']);
    assert.ok(r.code !== null, r.stderr);
    const onDisk = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    const bundle = loadBundle(out);
    const file = writeHtmlReport(out, buildSnapshot(bundle.store, bundle.run, onDisk).snapshot);
    const p = await open(file);
    await assertFigures(p, onDisk);
    assert.equal(await figure(p, 'outcome'), 'failure');
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.blocked, []);
    await p.page.context().close();
  });
});
