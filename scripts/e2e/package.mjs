#!/usr/bin/env node
// Builds the extension and packages it into .cache/e2e/build-diagnostics.vsix with vsce,
// exactly as a release would be packaged, so the e2e suite also tests the packaging
// (the .vscodeignore allow-list, `main`, the bundled dist/extension.js).
//
// Works offline: --no-dependencies (dist/ is a self-contained esbuild bundle), and no
// prompts (--allow-missing-repository, --no-rewrite-relative-links; LICENSE is at the root).
//
// Usage: node scripts/e2e/package.mjs [--skip-build]   prints the .vsix path on stdout.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VSIX = join(ROOT, '.cache', 'e2e', 'build-diagnostics.vsix');
const log = (msg) => process.stderr.write(`[e2e package] ${msg}\n`);

function run(cmd, args) {
  return new Promise((resolvePromise, reject) => {
    // stdin closed: any interactive vsce prompt fails instead of hanging the test run.
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`\`${cmd} ${args.join(' ')}\` failed (exit ${code}):\n${out.slice(-6000)}`)));
  });
}

/** File names in a zip archive, read from its central directory (a .vsix is a zip). */
export function zipEntries(file) {
  const buf = readFileSync(file);
  // End of central directory record: signature 0x06054b50, within the last 64 KiB + 22.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip archive`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

export async function packageExtension({ skipBuild = false } = {}) {
  const t0 = Date.now();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  if (!skipBuild) {
    // The shipped build: minified, no source maps in the package (.vscodeignore).
    log('node esbuild.mjs --production');
    await run(process.execPath, ['esbuild.mjs', '--production']);
  }
  mkdirSync(dirname(VSIX), { recursive: true });
  // Package to a private name, then rename: concurrent runs never see a half-written file.
  const tmp = VSIX.replace(/\.vsix$/, `.${process.pid}.vsix`);
  rmSync(tmp, { force: true });
  const vsce = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');
  log(`vsce package -> ${VSIX}`);
  try {
    await run(process.execPath, [
      vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', tmp,
    ]);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  const entries = zipEntries(tmp);
  const main = `extension/${String(pkg.main ?? '').replace(/^\.\//, '')}`;
  // The lazy bundles (dist/lazy/*.js, scripts/lazy-bundles.mjs) are loaded on first use: a
  // package without them activates and then fails at the first run. The session's ingest
  // worker (dist/ingest-worker.js) is started from beside main and beside the packaged CLI.
  const { LAZY } = await import('../lazy-bundles.mjs');
  const lazyFiles = Object.values(LAZY).map((name) => `extension/dist/lazy/${name}.js`);
  for (const needed of ['extension/package.json', main, 'extension/dist/ingest-worker.js', ...lazyFiles]) {
    if (!entries.includes(needed)) {
      rmSync(tmp, { force: true });
      throw new Error(`the .vsix lacks ${needed} (check .vscodeignore and the build). It has:\n${entries.join('\n')}`);
    }
  }
  renameSync(tmp, VSIX);
  log(`${entries.length} entries, main ${main} present; done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return VSIX;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  packageExtension({ skipBuild: process.argv.includes('--skip-build') }).then(
    (file) => process.stdout.write(`${file}\n`),
    (err) => {
      log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
