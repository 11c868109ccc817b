#!/usr/bin/env node
// Brings the end-to-end test tools onto a fresh machine that only reaches the npm registry:
// VS Code for the browser (code-server, from npm) and a headless Chromium (from npm).
// Idempotent and cached under .cache/e2e/ (git-ignored), keyed by versions, so a warm
// re-run returns in well under a second.
//
// Why not just `npm install code-server`: its postinstall runs `npm install` in
// lib/vscode, whose shrinkwrap points one package at a git+ssh URL, and a nested package
// downloads a ripgrep binary at install time; both fail without the internet. So we
// install with --ignore-scripts and redo the postinstall's work ourselves (see
// /work/shared/docs/testing-in-real-vscode.md and code-server's postinstall.sh).
//
// Usage: node scripts/e2e/setup.mjs [--json]
//   progress goes to stderr; with --json the result ({ codeServer, chromium }) is
//   printed as one JSON line on stdout, for the test harness.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.96.4';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = join(ROOT, '.cache', 'e2e');
// Native addons are built for this Node ABI, so the ABI is part of the cache key.
const KEY = `code-server-${CODE_SERVER_VERSION}-${process.platform}-${process.arch}-abi${process.versions.modules}`;
const INSTALL_DIR = join(CACHE_DIR, KEY);
const MARKER = join(INSTALL_DIR, '.complete.json');
const CS_DIR = join(INSTALL_DIR, 'node_modules', 'code-server');
const CS_ENTRY = join(CS_DIR, 'out', 'node', 'entry.js');

const log = (msg) => process.stderr.write(`[e2e setup] ${msg}\n`);

/**
 * Environment for nested npm runs. When this runs under `npm test`, npm exports
 * npm_config_local_prefix=<repo> and npm_package_* — the nested installs would then
 * act on the repo instead of their own folder. Keep the user's real npm config
 * (cache, registry, nodedir, userconfig) and drop the per-invocation variables.
 */
function npmEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|command$|config_local_prefix$|config_call$|config_global$|config_save|config_omit|config_include|config_ignore_scripts$|config_production$)/i.test(k)) {
      delete env[k];
    }
  }
  delete env.INIT_CWD;
  return env;
}

/** Runs a command, keeping its output for the error message (npm is very chatty). */
function run(cmd, args, cwd) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (b) => {
      out += b.toString();
      if (out.length > 200_000) out = out.slice(-100_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(out);
      else {
        // npm prints its whole usage text after the real error: show the head and tail.
        const shown = out.length > 8000 ? `${out.slice(0, 4000)}\n...\n${out.slice(-4000)}` : out;
        reject(new Error(`\`${cmd} ${args.join(' ')}\` failed (exit ${code}) in ${cwd}:\n${shown}`));
      }
    });
  });
}

async function step(name, fn) {
  const t0 = Date.now();
  log(`${name} ...`);
  await fn();
  log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

async function installCodeServer() {
  rmSync(INSTALL_DIR, { recursive: true, force: true });
  mkdirSync(INSTALL_DIR, { recursive: true });
  // A package.json of its own so npm treats this folder as the project root.
  writeFileSync(join(INSTALL_DIR, 'package.json'), JSON.stringify({ name: 'e2e-code-server', private: true }, null, 2));
  const npm = 'npm';
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];

  await step(`npm install code-server@${CODE_SERVER_VERSION} --ignore-scripts`, () =>
    run(npm, ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', '--save-exact', ...quiet], INSTALL_DIR));

  const vscodeDir = join(CS_DIR, 'lib', 'vscode');
  // lib/vscode's shrinkwrap resolves @vscode/proxy-agent to a git+ssh commit. Its
  // recorded integrity is that of the 0.27.0 tarball on the npm registry, so point the
  // entry there and keep every other pin: the install stays exact and offline-safe.
  await step('pin lib/vscode shrinkwrap to registry tarballs', async () => {
    const file = join(vscodeDir, 'npm-shrinkwrap.json');
    const lock = JSON.parse(readFileSync(file, 'utf8'));
    let patched = 0;
    for (const [path, entry] of Object.entries(lock.packages ?? {})) {
      if (typeof entry.resolved === 'string' && entry.resolved.startsWith('git')) {
        const name = path.replace(/^.*node_modules\//, '');
        const base = name.split('/').pop();
        entry.resolved = `https://registry.npmjs.org/${name}/-/${base}-${entry.version}.tgz`;
        patched++;
      }
    }
    renameSync(file, `${file}.orig`);
    writeFileSync(file, JSON.stringify(lock, null, 2));
    log(`  patched ${patched} git-resolved entr${patched === 1 ? 'y' : 'ies'}`);
  });
  // `npm install` rather than `npm ci`: the shipped shrinkwraps are slightly out of sync
  // with their package.json (npm ci refuses); install keeps every pin it can.
  await step('npm install --omit=dev --ignore-scripts in lib/vscode', () =>
    run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], vscodeDir));
  await step('npm install --omit=dev --ignore-scripts in lib/vscode/extensions', () =>
    run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], join(vscodeDir, 'extensions')));

  await step('symlinks (node_modules.asar, remote-cli, helpers)', async () => {
    // VS Code looks up some modules through node_modules.asar; code-server's
    // postinstall makes the same links.
    const link = (target, at) => {
      rmSync(at, { recursive: true, force: true });
      symlinkSync(target, at);
    };
    link('node_modules', join(vscodeDir, 'node_modules.asar'));
    if (existsSync(join(vscodeDir, 'bin', 'remote-cli', 'code-linux.sh'))) {
      link('code-linux.sh', join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
    }
    if (existsSync(join(vscodeDir, 'bin', 'helpers', 'browser-linux.sh'))) {
      link('browser-linux.sh', join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
    }
  });

  // Native addons, built with the machine's g++/python3 against Node's own headers.
  // (kerberos also lives here; it fails to build and nothing we use needs it.)
  await step('npm rebuild native addons in lib/vscode', () =>
    run(npm, ['rebuild', 'node-pty', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog', '--foreground-scripts'], vscodeDir));
  await step('npm rebuild argon2', () => run(npm, ['rebuild', 'argon2', '--foreground-scripts'], INSTALL_DIR));

  await step('check native addons and that code-server starts (--version)', async () => {
    for (const f of ['node-pty/build/Release/pty.node', '@vscode/spdlog/build/Release/spdlog.node', 'native-watchdog/build/Release/watchdog.node']) {
      if (!existsSync(join(vscodeDir, 'node_modules', f))) throw new Error(`native addon missing after npm rebuild: ${f}`);
    }
    const out = await run(process.execPath, [CS_ENTRY, '--version'], INSTALL_DIR);
    if (!out.includes(CODE_SERVER_VERSION)) throw new Error(`unexpected --version output:\n${out}`);
  });
  writeFileSync(MARKER, JSON.stringify({ version: CODE_SERVER_VERSION, node: process.version, at: new Date().toISOString() }, null, 2));
}

async function chromiumPath() {
  if (process.env.E2E_CHROMIUM) return process.env.E2E_CHROMIUM;
  // @sparticuz/chromium ships a brotli-packed Chromium inside the npm package and
  // unpacks it to the temp dir on first use (a few seconds; cached after that).
  const { default: chromium } = await import('@sparticuz/chromium');
  return chromium.executablePath();
}

/**
 * Only one installer at a time (two e2e test files may start together on a cold cache).
 * The lock is a folder holding the owner's pid; a lock whose owner is gone is stale.
 */
async function withInstallLock(fn) {
  const lock = `${INSTALL_DIR}.lock`;
  mkdirSync(CACHE_DIR, { recursive: true });
  const t0 = Date.now();
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = 0;
      try { owner = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being written */ }
      let alive = true;
      if (owner > 0) { try { process.kill(owner, 0); } catch { alive = false; } }
      if (!alive) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() - t0 > 20 * 60_000) throw new Error(`gave up waiting for ${lock} (held by pid ${owner})`);
      if (!said) { log(`waiting for another setup (pid ${owner || '?'}) to finish`); said = true; }
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const installed = () => existsSync(MARKER) && existsSync(CS_ENTRY);

export async function setup() {
  const t0 = Date.now();
  if (installed()) {
    log(`code-server ${CODE_SERVER_VERSION} cached in ${INSTALL_DIR}`);
  } else {
    await withInstallLock(async () => {
      if (installed()) return; // another process finished it while we waited
      log(`installing code-server ${CODE_SERVER_VERSION} into ${INSTALL_DIR} (first run: about a minute)`);
      await installCodeServer();
    });
  }
  let chromium;
  await step('chromium executable', async () => {
    chromium = await chromiumPath();
  });
  if (!chromium || !existsSync(chromium)) throw new Error(`no Chromium executable at ${chromium}`);
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { codeServer: CS_ENTRY, chromium, cacheDir: CACHE_DIR };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  setup().then(
    (res) => {
      if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(res)}\n`);
    },
    (err) => {
      log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
      log('The e2e suite needs npm registry access and g++/python3/make for native addons (node-gyp).');
      process.exit(1);
    },
  );
}
