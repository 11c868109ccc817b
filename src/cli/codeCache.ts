// The V8 code cache of the CLI: the `build-diag` entry (entry.ts → dist/cli.js) loads the
// CLI bundle (dist/cli-main.js) through it, so a run does not spend ~30 ms parsing and compiling 1.2 MB of JavaScript
// before it can start the build (docs/performance.md, "Launch overhead"). Only node builtins
// here: this file must stay tiny.
//
// The cache is a file in the user's own cache directory ($XDG_CACHE_HOME or ~/.cache,
// build-diagnostics/v8/, mode 0700; BUILD_DIAG_CODE_CACHE_DIR overrides it, BUILD_DIAG_CODE_CACHE=0
// turns it off), named after the node version, the architecture and the bundle's path, size
// and mtime, and framed with a SHA-256 of its payload. It is used only when it is a regular
// file of ours that nobody else can write and its checksum matches; V8 itself refuses data of
// another source, version or flags (`cachedDataRejected`). Anything else — missing, stale,
// corrupt, unreadable, a read-only disk — means a plain compile, and a new cache is written
// (atomically, at exit, so it also holds the functions the run compiled). Failures of the
// cache never reach the user.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const MAGIC = Buffer.from('BDV8CC01');
const SUM_BYTES = 32;

export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.BUILD_DIAG_CODE_CACHE === '0') return undefined;
  if (env.BUILD_DIAG_CODE_CACHE_DIR) return env.BUILD_DIAG_CODE_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'build-diagnostics', 'v8');
}

function sha256(...parts: (string | Buffer)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function cacheFileFor(dir: string, file: string): string {
  const st = statSync(file);
  const key = sha256([process.version, process.arch, file, st.size, st.mtimeMs, process.execArgv.join(' ')].join('\0'));
  return join(dir, `cli-${key.toString('hex').slice(0, 24)}.v8`);
}

/** The payload of a cache file, or undefined unless it is a regular file of ours, not
 * writable by others, with the right magic and checksum. */
export function readCodeCache(path: string): Buffer | undefined {
  try {
    const st = lstatSync(path);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return undefined;
    const buf = readFileSync(path);
    if (buf.length <= MAGIC.length + SUM_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const data = buf.subarray(MAGIC.length + SUM_BYTES);
    return sha256(data).equals(buf.subarray(MAGIC.length, MAGIC.length + SUM_BYTES)) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Cache files kept in the directory: each CLI build (an upgrade, another install) has its
 * own; the least recently written beyond these are removed when a new one is written. */
export const KEEP_CACHE_FILES = 4;

export function writeCodeCache(path: string, data: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, Buffer.concat([MAGIC, sha256(data), data]), { mode: 0o600 });
    renameSync(tmp, path);
    pruneCodeCaches(dirname(path), path);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // Never written.
    }
  }
}

function pruneCodeCaches(dir: string, keep: string): void {
  const files = readdirSync(dir)
    .filter((f) => /^cli-[0-9a-f]+\.v8$/.test(f))
    .map((f) => join(dir, f))
    .filter((f) => f !== keep)
    .map((f) => ({ f, at: statSync(f).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of files.slice(KEEP_CACHE_FILES - 1)) unlinkSync(f);
}

/** Runs the CommonJS module `file` as `require(file)` would, compiled with the code cache. */
export function loadWithCodeCache(file: string, cacheDir: string | undefined, parent: NodeModule): void {
  let script: Script;
  let cachePath: string | undefined;
  let cachedData: Buffer | undefined;
  try {
    if (cacheDir === undefined) throw new Error('no cache');
    cachePath = cacheFileFor(cacheDir, file);
    cachedData = readCodeCache(cachePath);
    // The bundle is ASCII (scripts/ascii-output.mjs): a latin1 copy, not a UTF-8 decode.
    const bytes = readFileSync(file);
    const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
    // The same wrapper as Node's CommonJS loader, on the first line: line numbers stay.
    script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: file, cachedData });
  } catch {
    parent.require(file);
    return;
  }
  if (cachePath !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    const path = cachePath;
    process.once('exit', () => {
      try {
        writeCodeCache(path, script.createCachedData());
      } catch {
        // No cache this time.
      }
    });
  }
  const mod = new Module(file, parent as Module);
  mod.filename = file;
  mod.paths = parent.paths;
  const fn = script.runInThisContext() as (e: unknown, r: NodeRequire, m: Module, f: string, d: string) => void;
  fn.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
}
