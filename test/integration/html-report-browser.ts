// Headless Chromium for the HTML report tests and the panel bench: the same browser the e2e
// harness uses (@sparticuz/chromium, unpacked from the npm package on first use), with
// every network request refused so a report must work from its file alone.
import { chromium, type Browser, type Page } from 'playwright-core';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--no-first-run',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export async function chromiumPath(): Promise<string> {
  if (process.env.E2E_CHROMIUM) return process.env.E2E_CHROMIUM;
  const { default: sparticuz } = await import('@sparticuz/chromium');
  return sparticuz.executablePath();
}

/** `extraArgs`: e.g. the panel bench's `--disable-gpu-vsync --disable-frame-rate-limit`. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath(), headless: true, args: [...ARGS, ...extraArgs] });
}

export interface OfflinePage {
  page: Page;
  /** URLs the page tried to load other than the report file itself. */
  blocked: string[];
  dialogs: string[];
  errors: string[];
}

/** A page that may load only `fileUrl` (and `allow`); everything else is aborted and recorded. */
export async function offlinePage(browser: Browser, fileUrl: string, viewport = { width: 1400, height: 900 }, allow: string[] = []): Promise<OfflinePage> {
  const allowed = new Set([fileUrl, ...allow]);
  const context = await browser.newContext({ viewport, offline: true, serviceWorkers: 'block' });
  const page = await context.newPage();
  const out: OfflinePage = { page, blocked: [], dialogs: [], errors: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed.has(url)) return route.continue();
    out.blocked.push(url);
    return route.abort();
  });
  page.on('request', (req) => {
    const url = req.url();
    if (!allowed.has(url) && !url.startsWith('data:') && !out.blocked.includes(url)) out.blocked.push(url);
  });
  page.on('dialog', (d) => {
    out.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => out.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') out.errors.push(m.text());
  });
  return out;
}
