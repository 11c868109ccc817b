// The self-contained HTML report: the panel's own app bundle inlined, the run's data as the
// messages the panel host would post (src/protocol/snapshot.ts snapshotMessages), each in a
// non-executable JSON script element, and a CSP that allows only our nonce'd script and
// style. Opens from the file alone: no network, no other files (fonts are data: URIs).
// Order: the head (report + spans in column form) before the app script, the parts (span
// details, log lines) after it, so the app paints the first screen while the browser is
// still reading the bulk of the file.
import { isAscii } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSnapshot } from '../protocol/schema.js';
import { snapshotMessages } from '../protocol/snapshot.js';
import { REPORT_HTML, writeAtomic } from './writer.js';

export interface HtmlAssets {
  js: string;
  css: string;
}

/** Where the built webview lives: next to dist/cli.js and dist/extension.js when bundled
 * (`dist/webview`), or the repo's dist/webview when running from source (tsx, tests). */
export function webviewAssetDir(): string {
  const candidates = [join(__dirname, 'webview'), join(__dirname, '..', '..', 'dist', 'webview')];
  for (const c of candidates) if (existsSync(join(c, 'main.js'))) return c;
  throw new Error(`the panel app is not built (looked for main.js in ${candidates.join(', ')}); run \`npm run build\``);
}

let cachedAssets: { dir: string; assets: HtmlAssets } | undefined;

/** A file as text: a latin1 copy when it is ASCII (our bundles are), else UTF-8. */
function readText(path: string): string {
  const bytes = readFileSync(path);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** Loads (and prepares for inlining) the app once, ahead of the first report: a run calls this
 * while its build runs, so that writing report.html at the end does not wait for it. */
export function warmHtmlAssets(): void {
  inlined(loadHtmlAssets());
}

/** The assets as inlined in the page (see guardInline), computed once per assets object. */
const inlinedAssets = new WeakMap<HtmlAssets, HtmlAssets>();
function inlined(assets: HtmlAssets): HtmlAssets {
  let out = inlinedAssets.get(assets);
  if (!out) {
    out = { js: guardInline(assets.js, 'script'), css: guardInline(assets.css, 'style') };
    inlinedAssets.set(assets, out);
  }
  return out;
}

export function loadHtmlAssets(dir: string = webviewAssetDir()): HtmlAssets {
  if (cachedAssets?.dir === dir) return cachedAssets.assets;
  // The source map comment would point at a file the report does not carry.
  const js = readText(join(dir, 'main.js')).replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  const css = readText(join(dir, 'main.css')).replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, '');
  const assets = { js, css };
  cachedAssets = { dir, assets };
  return assets;
}

/** JSON that is safe inside a <script type="application/json"> element: no `<` at all
 * (so no `</script>` or `<!--`), and U+2028/2029 escaped too. JSON.parse reads it back. */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for an HTML text context (the title). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Inline code must not close its own element early. esbuild escapes `</script` in string
 * literals; this guards against any that slip through (e.g. in a regex literal). */
function guardInline(code: string, tag: 'script' | 'style'): string {
  const re = new RegExp(`</(${tag})`, 'gi');
  return code.replace(re, tag === 'script' ? '<\\/$1' : '\\3c/$1');
}

export interface RenderOptions {
  assets?: HtmlAssets;
  /** For tests only: a fixed nonce. */
  nonce?: string;
}

export function renderHtmlReport(snapshot: RunSnapshot, opts: RenderOptions = {}): string {
  const assets = inlined(opts.assets ?? loadHtmlAssets());
  const nonce = opts.nonce ?? randomBytes(18).toString('base64');
  const run = snapshot.report.run;
  const title = `Build run ${run.runId} · ${run.command} · ${run.outcome}`;
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    'font-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const [head, ...parts] = snapshotMessages({ ...snapshot, live: false });
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style nonce="${nonce}">${assets.css}</style>`,
    '</head>',
    '<body>',
    '<noscript>This report needs JavaScript to show the run. The same data is in report.json next to it.</noscript>',
    '<div id="root"></div>',
    `<script type="application/json" id="run-data">${jsonForScriptElement(head)}</script>`,
    `<script nonce="${nonce}">${assets.js}</script>`,
    ...parts.map((m, i) => `<script type="application/json" data-part="${i}">${jsonForScriptElement(m)}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Writes report.html into a run bundle (atomically); returns its path. */
export function writeHtmlReport(dir: string, snapshot: RunSnapshot, opts: RenderOptions = {}): string {
  const path = join(dir, REPORT_HTML);
  writeAtomic(path, renderHtmlReport(snapshot, opts));
  return path;
}
