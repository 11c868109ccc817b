// One headless Chromium and one scratch folder for a test file that opens reports or the
// panel in a browser: launched before its tests, closed and removed after them.
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../html-report-browser.js';

export function browserSuite(prefix: string): { tmp: string; browser: () => Browser } {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  return {
    tmp,
    browser: () => {
      if (!browser) throw new Error('the browser is launched in before()');
      return browser;
    },
  };
}
