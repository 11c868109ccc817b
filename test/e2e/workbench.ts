// The workbench side of a session: how a person reaches things in VS Code (command
// palette, notifications, views, panels), expressed as Playwright steps on its DOM.
// Selectors are VS Code's own class names (stable across 1.9x); keep them in this file.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { VSCodeSession } from './harness.js';
import { OUTPUT_DIR, sleep } from './proc.js';

/**
 * Error lines of the extension host's log (activation failures, uncaught errors) under
 * <userData>/logs/<stamp>/exthost*\/remoteexthost.log, so a test failure says why.
 */
export function extensionHostErrors(userData: string, max = 20): string[] {
  const out: string[] = [];
  const logs = join(userData, 'logs');
  if (!existsSync(logs)) return out;
  for (const stamp of readdirSync(logs)) {
    for (const sub of readdirSync(join(logs, stamp))) {
      const file = join(logs, stamp, sub, 'remoteexthost.log');
      if (!sub.startsWith('exthost') || !existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) if (line.includes('[error]')) out.push(line.slice(0, 500));
    }
  }
  return out.slice(-max);
}

export function makeSession(page: Page, url: string, userData: string, logTail: (n?: number) => string, close: () => Promise<void>): VSCodeSession {
  const quickInput = page.locator('.quick-input-widget');
  const quickInputBox = quickInput.locator('.quick-input-box input.input');

  async function openQuickInput(prefix: string): Promise<void> {
    // Close a quick input left open; a bare Escape would also hide notification toasts.
    if (await quickInputBox.isVisible()) await page.keyboard.press('Escape');
    let last: unknown;
    for (const key of ['F1', 'Control+Shift+P', 'F1']) {
      await page.keyboard.press(key);
      try {
        await quickInputBox.waitFor({ state: 'visible', timeout: 5000 });
        await quickInputBox.fill(prefix);
        return;
      } catch (err) {
        last = err; // palette not up yet (workbench still busy): try again
      }
    }
    throw new Error(`the command palette did not open: ${String(last)}`);
  }

  // Types into the quick input and acts on the row whose label is exactly `label`.
  // The list is computed when the text is typed, and contributed commands only appear
  // once the extension host has registered them (seconds after the workbench shows), so
  // a miss re-opens the palette and types again until the deadline. `closes: false` is for
  // a command that opens a quick pick of its own: then the input shows that pick instead.
  async function pick(prefix: string, label: string, timeoutMs = 60_000, closes = true): Promise<void> {
    const rows = quickInput.locator('.quick-input-list .monaco-list-row');
    const wanted = label.toLowerCase();
    const deadline = Date.now() + timeoutMs;
    let labels: string[] = [];
    for (;;) {
      await openQuickInput(`${prefix}${label}`);
      const retypeAt = Math.min(deadline, Date.now() + 3000);
      while (Date.now() < retypeAt) {
        labels = await rows.evaluateAll((els) => els.map((e) =>
          (e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? '').trim()));
        const idx = labels.findIndex((l) => l.toLowerCase() === wanted);
        if (idx >= 0) {
          // Enter accepts the focused row: use it when that is ours, else click ours.
          const focused = await rows.nth(idx).evaluate((e) => e.classList.contains('focused'));
          if (focused) await page.keyboard.press('Enter');
          else await rows.nth(idx).click();
          try {
            if (closes) await quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
            // The command's own pick replaces the palette: its input no longer holds our text.
            else await waitUntil(async () => !(await quickInput.isVisible()) || !(await quickInputBox.inputValue()).startsWith(prefix), 10_000);
          } catch {
            throw new Error(`picked "${label}" but the quick input stayed open; screenshot: ${await failureShot('quick-pick-open')}`);
          }
          return;
        }
        await sleep(200);
      }
      await page.keyboard.press('Escape');
      if (Date.now() >= deadline) {
        const shot = await failureShot('quick-pick');
        throw new Error(`"${label}" not found in the quick pick within ${timeoutMs} ms; it shows: ${JSON.stringify(labels)}; screenshot: ${shot}`);
      }
    }
  }

  // Clicks the row labelled exactly `label` in a quick pick that is open (one a command
  // opened). Such lists may still be filling in (Run Task loads providers progressively),
  // so look again until the deadline.
  async function pickQuickItem(label: string, timeoutMs = 30_000): Promise<void> {
    await quickInput.waitFor({ state: 'visible', timeout: timeoutMs });
    const exact = new RegExp(`^\\s*${escapeRe(label)}\\s*$`);
    const rows = quickInput.locator('.quick-input-list .monaco-list-row');
    const row = rows.filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await row.count()) > 0 && (await row.click({ timeout: 2000 }).then(() => true, () => false))) return;
      if (Date.now() > deadline) {
        const shown = await rows.allInnerTexts().catch(() => []);
        throw new Error(`"${label}" not in the open quick pick within ${timeoutMs} ms; it shows: ${JSON.stringify(shown)}; screenshot: ${await failureShot('quick-pick-item')}`);
      }
      await sleep(200);
    }
  }

  // A picture of the moment something was not found, for the failure message.
  async function failureShot(what: string): Promise<string> {
    const file = join(OUTPUT_DIR, `failure-${what}-${Date.now()}.png`);
    try {
      mkdirSync(dirname(file), { recursive: true });
      await page.screenshot({ path: file, timeout: 10_000 });
      return file;
    } catch {
      return '(screenshot failed)';
    }
  }

  const toasts = page.locator('.notifications-toasts .notification-toast');
  const notificationTexts = () => page.locator('.notification-list-item-message').allInnerTexts();

  async function waitForNotification(text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
    const toast = toasts.filter({ has: page.locator('.notification-list-item-message', { hasText: text }) }).first();
    try {
      await toast.waitFor({ state: 'visible', timeout: timeoutMs });
      return toast;
    } catch {
      const shot = await failureShot('no-notification');
      const errors = extensionHostErrors(userData);
      throw new Error(`no notification matching ${String(text)} within ${timeoutMs} ms; showing: ${JSON.stringify(await notificationTexts())}; screenshot: ${shot}` +
        (errors.length > 0 ? `\nextension host errors:\n${errors.join('\n')}` : ''));
    }
  }

  // A view's rows. A view is either a pane with its own header inside a view container,
  // or (when it is the container's only view) merged into the container, whose title then
  // reads "CONTAINER" or "CONTAINER: VIEW". Titles are matched case-insensitively.
  async function paneRows(viewTitle: string, timeoutMs = 15_000): Promise<string[]> {
    const t = escapeRe(viewTitle.trim());
    const title = new RegExp(`^\\s*(?:.*:\\s*)?${t}\\s*$`, 'i');
    const pane = page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: title }) });
    const part = page.locator('.part').filter({ has: page.locator('.composite.title h2', { hasText: title }) });
    const labels = (l: Locator) => l.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await pane.count() > 0) return labels(pane.first().locator('.pane-body'));
      if (await part.count() > 0) return labels(part.first().locator('.content'));
      if (Date.now() > deadline) {
        const shown = await page.locator('.pane-header h3.title, .part .composite.title h2').allTextContents();
        throw new Error(`no view titled "${viewTitle}"; view titles shown: ${JSON.stringify(shown)}`);
      }
      await sleep(250);
    }
  }

  return {
    page,
    url,
    async runCommand(title, opts = {}) {
      const then = typeof opts.thenPick === 'string' ? [opts.thenPick] : opts.thenPick ?? [];
      await pick('>', title, 60_000, then.length === 0);
      for (const label of then) await pickQuickItem(label);
    },
    pickQuickItem,
    waitForNotification,
    async clickNotificationButton(notificationText, button) {
      const toast = await waitForNotification(notificationText);
      await toast.getByRole('button', { name: button }).click();
    },
    async screenshot(name) {
      const file = join(OUTPUT_DIR, `${name}.png`);
      mkdirSync(dirname(file), { recursive: true });
      // Finish CSS transitions (toasts slide in) so the picture shows the settled UI.
      await page.screenshot({ path: file, animations: 'disabled' });
      return file;
    },
    openView: (name) => pick('view ', name),
    async openProblemsPanel() {
      await pick('view ', 'Problems');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ state: 'visible', timeout: 15_000 });
      return panel.locator('.monaco-list-row').evaluateAll((els) =>
        els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
    },
    readStatusBar: () => page.locator('.part.statusbar .statusbar-item').evaluateAll((els) =>
      els.map((e) => ((e as unknown as { innerText?: string }).innerText || e.getAttribute('aria-label') || '').trim()).filter((s) => s.length > 0)),
    treeItems: paneRows,
    webview: () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame'),
    logTail,
    extensionHostErrors: () => extensionHostErrors(userData),
    close,
  };
}

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(100);
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

