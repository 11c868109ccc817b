// The CLI's V8 code cache (src/cli/codeCache.ts): written on a first start, used after, and
// ignored safely when it is corrupt, stale, writable by others or cannot be written at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { readCodeCache, writeCodeCache } from '../../src/cli/codeCache.js';
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
