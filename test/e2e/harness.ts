// End-to-end harness: a real VS Code (code-server, VS Code for the browser with the real
// Node extension host) driven in a real headless Chromium through Playwright, the way a
// person uses it: command palette, notifications and their buttons, views, panels.
// Everything comes from the npm registry (see scripts/e2e/setup.mjs and
// /work/shared/docs/testing-in-real-vscode.md); nothing is downloaded at test time.
//
// Start ONE session per test file (the machine has 2 cores; a cold workbench takes tens
// of seconds) and always close() it in an `after` hook. A process 'exit' handler kills
// whatever is left if a test file dies first.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { freePort, hookExit, httpStatus, killGroup, live, OUTPUT_DIR, runToEnd, serverEnv, sleep } from './proc.js';
import { runScript } from './scripts.js';
import { makeSession } from './workbench.js';

export { createWorkspace, OUTPUT_DIR } from './proc.js';

export interface E2ETools {
  /** code-server's entry script (run with this Node). */
  codeServer: string;
  /** Chromium executable. */
  chromium: string;
  /** The freshly built and packaged extension. */
  vsix: string;
}

let prepared: Promise<E2ETools> | undefined;

/**
 * Installs (or finds cached) code-server and Chromium, then builds and packages the
 * extension. First run on a fresh machine: about a minute; after that a few seconds.
 * Memoized per process.
 */
export function prepareE2E(): Promise<E2ETools> {
  prepared ??= (async () => {
    const setupOut = await runScript('scripts/e2e/setup.mjs', ['--json']);
    const tools = JSON.parse(setupOut.trim().split('\n').pop() ?? '{}') as { codeServer: string; chromium: string };
    // E2E_SKIP_BUILD=1 packages the dist/ already there (e.g. while iterating on a test).
    const pkgArgs = process.env.E2E_SKIP_BUILD ? ['--skip-build'] : [];
    const vsix = (await runScript('scripts/e2e/package.mjs', pkgArgs)).trim().split('\n').pop() ?? '';
    if (!existsSync(vsix)) throw new Error(`packaging did not produce a .vsix (got "${vsix}")`);
    return { codeServer: tools.codeServer, chromium: tools.chromium, vsix };
  })();
  return prepared;
}

export interface StartOptions {
  /** Folder opened as the workspace. */
  workspace: string;
  /** The .vsix to install (usually `(await prepareE2E()).vsix`). */
  vsix: string;
  /** User settings, merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Names the log files under test-output/e2e/ (default "vscode"). */
  name?: string;
  /** How long to wait for the workbench (default 180 s). */
  startTimeoutMs?: number;
}

export interface VSCodeSession {
  page: Page;
  /** The code-server URL that the browser shows. */
  url: string;
  /** F1, type the command's title (e.g. "Build Diagnostics: Show Log"), Enter. For a
   * command that opens a quick pick of its own, `thenPick` chooses in it (a list: one
   * label per level, e.g. Run Task → task type → task). */
  runCommand(title: string, opts?: { thenPick?: string | string[] }): Promise<void>;
  /** Clicks the row labelled exactly `label` in the quick pick that is open now. */
  pickQuickItem(label: string, timeoutMs?: number): Promise<void>;
  /** A visible notification toast whose message matches; fails listing what is shown. */
  waitForNotification(text: string | RegExp, timeoutMs?: number): Promise<Locator>;
  clickNotificationButton(notificationText: string | RegExp, button: string): Promise<void>;
  /** Saves test-output/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Opens a view by name through "View: Open View" (e.g. "Problems", "Explorer"). */
  openView(name: string): Promise<void>;
  /** Shows the Problems panel and returns the aria-labels of its rows. */
  openProblemsPanel(): Promise<string[]>;
  /** Texts (aria-labels where set) of the status bar items. */
  readStatusBar(): Promise<string[]>;
  /** Row labels of the tree/list in the view pane titled `viewTitle` (case-insensitive). */
  treeItems(viewTitle: string): Promise<string[]>;
  /** The content frame of the active webview (webviews are nested iframes). */
  webview(): FrameLocator;
  /** The last part of code-server's log, for failure messages. */
  logTail(chars?: number): string;
  /** "[error]" lines of the extension host log (e.g. a failed activation). */
  extensionHostErrors(): string[];
  close(): Promise<void>;
}

// Settings that keep the workbench quiet and deterministic for a test.
const DEFAULT_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

// Chromium flags: no sandbox (root), no GPU, and nothing that phones home — on a closed
// network those connection attempts only add noise and delay.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export async function startVSCode(o: StartOptions): Promise<VSCodeSession> {
  const tools = await prepareE2E();
  const name = o.name ?? 'vscode';
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'bd-e2e-'));
  const userData = join(dir, 'user-data');
  const extDir = join(dir, 'extensions');
  const logFile = join(dir, 'code-server.log');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extDir, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...o.settings }, null, 2));

  hookExit();
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let closed = false;
  const entry = { pid: 0, dir };
  const logTail = (chars = 4000) => {
    try { return readFileSync(logFile, 'utf8').slice(-chars); } catch { return ''; }
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    if (browser) await Promise.race([browser.close().catch(() => undefined), sleep(10_000)]);
    if (server?.pid) {
      killGroup(server.pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (server.exitCode === null && server.signalCode === null && Date.now() < deadline) await sleep(100);
      killGroup(server.pid, 'SIGKILL'); // the extension host and helpers share the group
    }
    // Keep the logs for people to read after the run; the rest goes.
    try {
      cpSync(logFile, join(OUTPUT_DIR, `${name}-code-server.log`));
      const logs = join(userData, 'logs');
      if (existsSync(logs)) {
        rmSync(join(OUTPUT_DIR, `${name}-logs`), { recursive: true, force: true });
        cpSync(logs, join(OUTPUT_DIR, `${name}-logs`), { recursive: true });
      }
    } catch { /* best effort */ }
    live.delete(entry);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // Install through the CLI, as a user would: this also checks the package is valid.
    await runToEnd(process.execPath, [tools.codeServer, '--user-data-dir', userData, '--extensions-dir', extDir,
      '--install-extension', o.vsix], logFile, 120_000);

    const port = await freePort();
    const fd = openSync(logFile, 'a');
    server = spawn(process.execPath, [
      tools.codeServer,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', userData,
      '--extensions-dir', extDir,
      '--config', join(dir, 'config.yaml'), // not the user's ~/.config/code-server
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      o.workspace,
    ], { stdio: ['ignore', fd, fd], detached: true, env: serverEnv() });
    closeSync(fd);
    entry.pid = server.pid ?? 0;
    live.add(entry);

    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(o.workspace)}`;
    const startTimeout = o.startTimeoutMs ?? 180_000;
    const t0 = Date.now();
    for (;;) {
      if (server.exitCode !== null) throw new Error(`code-server exited (${server.exitCode}) before serving:\n${logTail()}`);
      const status = await httpStatus(`http://127.0.0.1:${port}/healthz`);
      if (status === 200) break;
      if (Date.now() - t0 > startTimeout) throw new Error(`code-server did not answer on port ${port}:\n${logTail()}`);
      await sleep(250);
    }

    browser = await chromium.launch({ executablePath: tools.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const browserLog = join(OUTPUT_DIR, `${name}-browser.log`);
    writeFileSync(browserLog, '');
    page.on('console', (m) => { if (m.type() === 'error') appendFileSync(browserLog, `${m.text()}\n`); });
    page.on('pageerror', (e) => appendFileSync(browserLog, `pageerror: ${e.message}\n`));

    await page.goto(url, { timeout: startTimeout });
    // The workbench is up once its parts are laid out. Contributed commands and views may
    // arrive a few seconds later (extension host); the session's helpers retry for that.
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: startTimeout });
    await page.locator('.monaco-workbench .part.activitybar, .monaco-workbench .part.sidebar').first()
      .waitFor({ state: 'visible', timeout: startTimeout });

    return makeSession(page, url, userData, logTail, close);
  } catch (err) {
    await close();
    throw err;
  }
}
