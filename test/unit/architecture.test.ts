// The dependency rule is the architecture (ARCHITECTURE.md): only src/extension imports
// `vscode`; src/core imports nothing above it; the webview app imports neither node nor
// vscode; nothing below the extension imports the extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports (static imports, re-exports, require, import()). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]!);
  return out;
}

function violations(dir: string, forbidden: (spec: string, file: string) => boolean): string[] {
  return sources(join(ROOT, dir)).flatMap((f) =>
    imports(f)
      .filter((spec) => forbidden(spec, f))
      .map((spec) => `${relative(ROOT, f)} imports ${spec}`),
  );
}

const resolvesInto = (spec: string, file: string, folder: string): boolean =>
  spec.startsWith('.') && resolve(file, '..', spec).startsWith(join(ROOT, folder) + '/');

test('only src/extension imports vscode', () => {
  const bad = sources(join(ROOT, 'src'))
    .filter((f) => !f.startsWith(join(ROOT, 'src', 'extension') + '/'))
    .flatMap((f) => imports(f).filter((s) => s === 'vscode').map(() => relative(ROOT, f)));
  assert.deepEqual(bad, []);
});

test('src/core imports nothing above it', () => {
  const above = ['src/launch', 'src/receiver', 'src/cli', 'src/extension', 'src/protocol', 'src/bundle'];
  assert.deepEqual(violations('src/core', (spec, f) => above.some((d) => resolvesInto(spec, f, d))), []);
});

test('nothing outside src/extension imports the extension', () => {
  const bad = ['src/core', 'src/launch', 'src/receiver', 'src/cli', 'src/bundle', 'src/protocol'].flatMap((d) =>
    violations(d, (spec, f) => resolvesInto(spec, f, 'src/extension')),
  );
  assert.deepEqual(bad, []);
});

test('the webview app imports no node module and no vscode', () => {
  assert.deepEqual(violations('webview-ui/src', (spec) => spec === 'vscode' || spec.startsWith('node:')), []);
});

test('the check itself sees imports (a file that imports vscode is found)', () => {
  const found = imports(join(ROOT, 'src', 'extension', 'extension.ts'));
  assert.ok(found.includes('vscode'), found.join(', '));
});
