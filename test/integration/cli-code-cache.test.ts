// The CLI's V8 code cache (src/cli/codeCache.ts): written on a first start, used after, and
// ignored safely when it is corrupt, stale, writable by others or cannot be written at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Script } from 'node:vm';
import { KEEP_CACHE_FILES, readCodeCache, writeCodeCache } from '../../src/cli/codeCache.js';
import { runCli, tempDir } from './helpers/cli.js';

const VERSION = /^build-diag \d+\.\d+\.\d+/;

function scratch(t: { after(fn: () => void): void }): string {
  const d = tempDir('bd-code-cache-');
  t.after(() => d.cleanup());
  return d.path;
}

async function version(cacheDir: string): Promise<void> {
  const r = await runCli(['--version'], { env: { BUILD_DIAG_CODE_CACHE_DIR: cacheDir } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, VERSION);
  assert.equal(r.stderr, '');
}

function onlyCache(dir: string): string {
  const files = readdirSync(dir);
  assert.equal(files.length, 1, files.join(', '));
  return join(dir, files[0]!);
}

test('a first start writes the cache; a corrupt one is ignored and rewritten', { timeout: 60000 }, async (t) => {
  const dir = join(scratch(t), 'v8');
  await version(dir);
  const path = onlyCache(dir);
  const data = readCodeCache(path);
  assert.ok(data && data.length > 100_000, 'a checked payload');
  const before = readFileSync(path);
  await version(dir);
  assert.ok(readFileSync(path).equals(before), 'a valid cache is used, not rewritten');

  const corrupt = Buffer.from(before);
  for (let i = 1000; i < 1100; i++) corrupt[corrupt.length - i] = 0xff - corrupt[corrupt.length - i]!;
  writeFileSync(path, corrupt, { mode: 0o600 });
  assert.equal(readCodeCache(path), undefined, 'the checksum refuses it');
  await version(dir);
  assert.ok(readCodeCache(onlyCache(dir)), 'rewritten after the corrupt one');
});

test('a stale cache (another source) is rejected by V8 and replaced', { timeout: 60000 }, async (t) => {
  const dir = join(scratch(t), 'v8');
  await version(dir);
  const path = onlyCache(dir);
  const stale = new Script('(function () { return 42; })', { filename: 'other.js' }).createCachedData();
  writeCodeCache(path, stale);
  assert.ok(readCodeCache(path)?.equals(stale));
  await version(dir);
  const now = readCodeCache(onlyCache(dir));
  assert.ok(now && !now.equals(stale), 'replaced by a cache of the real bundle');
});

test('a cache writable by others is not used; an unwritable cache directory is no error', { timeout: 60000 }, async (t) => {
  const dir = join(scratch(t), 'v8');
  await version(dir);
  const path = onlyCache(dir);
  chmodSync(path, 0o666);
  assert.equal(readCodeCache(path), undefined);
  await version(dir);

  const blocked = join(scratch(t), 'file');
  writeFileSync(blocked, 'not a directory');
  await version(join(blocked, 'v8'));
  assert.equal(readFileSync(blocked, 'utf8'), 'not a directory');
});

test('old caches of other CLI builds are pruned to the newest few when a cache is written', { timeout: 60000 }, async (t) => {
  const dir = join(scratch(t), 'v8');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const old = Array.from({ length: 7 }, (_, i) => join(dir, `cli-${String(i).padStart(24, '0')}.v8`));
  old.forEach((f, i) => {
    writeFileSync(f, 'stale', { mode: 0o600 });
    const at = new Date(Date.now() - (i + 1) * 86_400_000);
    utimesSync(f, at, at);
  });
  writeFileSync(join(dir, 'notes.txt'), 'not ours');
  await version(dir);
  const left = readdirSync(dir).sort();
  assert.ok(left.includes('notes.txt'), 'other files are left alone');
  const caches = left.filter((f) => f.endsWith('.v8'));
  assert.equal(caches.length, KEEP_CACHE_FILES, caches.join(', '));
  // Ours and the most recent others stay; the oldest went.
  for (const f of old.slice(0, KEEP_CACHE_FILES - 1)) assert.ok(left.includes(basename(f)), `${basename(f)} kept`);
  for (const f of old.slice(KEEP_CACHE_FILES - 1)) assert.ok(!left.includes(basename(f)), `${basename(f)} removed`);
});
