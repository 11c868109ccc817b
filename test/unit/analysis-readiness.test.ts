import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDataset, parseDatasetFlag, readinessEvent } from '../../src/core/analysis/datasetCheck.js';
import { readinessSection } from '../../src/core/analysis/readiness.js';
import { asList } from '../../src/core/analysis/jsonList.js';
import { DatasetStateSchema } from '../../src/core/report/schema.js';
import { T0_MS, eventLog, storeWith } from './helpers/telemetry.js';

const opts = { timeout: 30000 };
const NOW = new Date(T0_MS);

describe('parseDatasetFlag', () => {
  test('name=path and a trailing format', opts, () => {
    assert.deepEqual(parseDatasetFlag('ast=data/ast'), { name: 'ast', path: 'data/ast' });
    assert.deepEqual(parseDatasetFlag('ast=data/ast:delta'), { name: 'ast', path: 'data/ast', format: 'delta' });
    assert.deepEqual(parseDatasetFlag('f=x.csv:CSV'), { name: 'f', path: 'x.csv', format: 'csv' });
  });

  test('colons inside paths are not formats', opts, () => {
    assert.deepEqual(parseDatasetFlag('w=C:\\data\\tbl'), { name: 'w', path: 'C:\\data\\tbl' });
    assert.deepEqual(parseDatasetFlag('w=C:\\data\\tbl:parquet'), { name: 'w', path: 'C:\\data\\tbl', format: 'parquet' });
    assert.deepEqual(parseDatasetFlag('r=s3://bucket/key:dir'), { name: 'r', path: 's3://bucket/key', format: 'dir' });
    assert.deepEqual(parseDatasetFlag('r=s3://bucket/a:b'), { name: 'r', path: 's3://bucket/a:b' });
    // `C:csv` is a drive-relative path, not the path "C" in csv format.
    assert.deepEqual(parseDatasetFlag('d=C:csv'), { name: 'd', path: 'C:csv' });
  });

  test('bad input throws a clear error', opts, () => {
    assert.throws(() => parseDatasetFlag('nopath'), /name=path/);
    assert.throws(() => parseDatasetFlag('=x'), /name is empty/);
    assert.throws(() => parseDatasetFlag('a='), /path is empty/);
    assert.throws(() => parseDatasetFlag('a=:delta'), /path is empty/);
    assert.throws(() => parseDatasetFlag('a b=x'), /without spaces/);
  });
});

describe('checkDataset', () => {
  const root = mkdtempSync(join(tmpdir(), 'bd-ready-'));
  const mk = (rel: string, content = 'x') => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  };
  mk('good/_delta_log/00000000000000000000.json');
  mk('good/part-0.parquet');
  mkdirSync(join(root, 'nolog'), { recursive: true });
  mk('nolog/part-0.parquet');
  mkdirSync(join(root, 'emptylog/_delta_log'), { recursive: true });
  mk('emptylog/_delta_log/_last_checkpoint');
  mk('ckpt/_delta_log/00000000000000000010.checkpoint.parquet');
  mk('pq/a/part-1.parquet');
  mk('pq/_SUCCESS');
  mkdirSync(join(root, 'emptydir'), { recursive: true });
  mk('onlyhidden/.keep');
  mk('files.csv', 'a,b\n1,2\n');

  test.after(() => rmSync(root, { recursive: true, force: true }));

  const check = (path: string, format?: 'delta' | 'parquet' | 'csv' | 'dir') =>
    checkDataset({ name: 'd', path, ...(format ? { format } : {}) }, root, 'preflight', NOW);

  test('delta tables', opts, () => {
    const ok = check('good', 'delta');
    assert.equal(ok.status, 'ok');
    assert.equal(ok.deltaLogFileCount, 1);
    assert.equal(ok.fileCount, 1);
    assert.equal(ok.checkedAt, NOW.toISOString());
    assert.equal(ok.required, true);
    assert.equal(ok.source, 'preflight');
    assert.deepEqual([check('nolog', 'delta').status, check('nolog', 'delta').reason], ['missing_delta_log', 'delta_log_missing']);
    assert.deepEqual([check('emptylog', 'delta').status, check('emptylog', 'delta').reason], ['empty_delta_log', 'delta_log_empty']);
    assert.equal(check('ckpt', 'delta').status, 'ok');
    assert.equal(check('files.csv', 'delta').status, 'missing_delta_log');
    // Undeclared format: a folder with _delta_log is read as Delta.
    assert.equal(check('good').format, 'delta');
    assert.equal(check('emptylog').status, 'empty_delta_log');
  });

  test('plain files and folders', opts, () => {
    assert.equal(check('pq', 'parquet').status, 'ok');
    assert.equal(check('pq', 'parquet').fileCount, 1);
    assert.equal(check('pq', 'csv').status, 'empty_path');
    assert.deepEqual([check('emptydir', 'dir').status, check('emptydir', 'dir').reason], ['empty_path', 'no_files_found']);
    assert.equal(check('onlyhidden', 'dir').status, 'empty_path');
    assert.equal(check('files.csv', 'csv').status, 'ok');
    assert.equal(check(join(root, 'files.csv'), 'csv').status, 'ok');
  });

  test('missing, empty and remote locations', opts, () => {
    assert.deepEqual([check('nope', 'delta').status, check('nope', 'delta').reason], ['missing_path', 'path_not_found']);
    assert.deepEqual([check('  ').status, check('').reason], ['missing_location', 'no_dataset_location_configured']);
    for (const p of ['s3://b/k', 'gs://b/k', 'abfss://c@a.dfs.core.windows.net/p', 'https://h/x']) {
      assert.deepEqual([check(p).status, check(p).reason], ['remote_path', 'remote_scheme'], p);
    }
    assert.equal(check('files.csv/inner').status, 'missing_path');
  });

  test('states validate against the report schema and never throw', opts, () => {
    for (const p of ['good', 'nope', '', 's3://x/y', 'files.csv', '\0bad']) {
      const s = check(p, 'delta');
      assert.equal(DatasetStateSchema.safeParse(s).success, true, p);
    }
  });

  test('readinessEvent round-trips through the store as our own source', opts, () => {
    const states = [check('good', 'delta'), check('nolog', 'delta'), { ...check('nope'), source: 'recheck' as const }];
    const records = states.map(readinessEvent);
    assert.equal(records[0]!.severityText, 'INFO');
    assert.equal(records[1]!.severityText, 'WARN');
    assert.equal(records[1]!.attributes['build_diagnostics.source'], 'preflight');
    assert.equal(records[1]!.attributes['delta_log_present'], false);
    const sec = readinessSection(storeWith({ logs: records }));
    // All three are named `d`: the latest (the recheck) wins.
    assert.equal(sec.total, 1);
    assert.equal(sec.datasets[0]!.source, 'recheck');
    assert.equal(sec.datasets[0]!.status, 'missing_path');
    assert.equal(sec.datasets[0]!.required, true);
  });
});

describe('readinessSection', () => {
  test('telemetry events, delta log health, latest wins, issue counts', opts, () => {
    const logs = [
      eventLog('dataset_readiness_v1', { dataset: 'a', path: '/x/a', format: 'delta', status: 'missing_delta_log', reason: 'delta_log_missing', path_exists: true }, { atMs: T0_MS }),
      eventLog('dataset_readiness_v1', { dataset: 'a', path: '/x/a', format: 'delta', status: 'ok', reason: 'ok', delta_log_file_count: 3 }, { atMs: T0_MS + 5000 }),
      eventLog('dataset_readiness_v1', { dataset: 'b', path: '/x/b', status: 'empty_path', reason: 'no_files_found', file_count: 0 }, { atMs: T0_MS }),
      eventLog('dataset_readiness_v1', { dataset: 'r', path: 's3://b/r', status: 'remote_path', reason: 'remote_scheme' }),
      eventLog('delta_log_health_v1', { dataset: 'c', path: '/x/c', delta_log_present: false, delta_log_reason: 'delta_log_missing' }),
      eventLog('delta_log_health_v1', { dataset: 'e', path: '/x/e', delta_log_present: true, delta_log_file_count: 0 }),
      eventLog('delta_log_health_v1', { dataset: 'f', path: '/x/f', delta_log_present: 'true', delta_log_file_count: '4' }),
    ];
    const sec = readinessSection(storeWith({ logs }));
    assert.equal(sec.total, 6);
    assert.deepEqual(sec.datasets.map((d) => `${d.dataset}:${d.status}`), ['a:ok', 'b:empty_path', 'c:missing_delta_log', 'e:empty_delta_log', 'f:ok', 'r:remote_path']);
    assert.deepEqual(sec.issues.map((d) => d.dataset), ['b', 'c', 'e']);
    assert.deepEqual(sec.issueCounts, { empty_path: 1, missing_delta_log: 1, empty_delta_log: 1 });
    assert.ok(sec.datasets.every((d) => d.source === 'telemetry' && d.required === null));
    assert.equal(sec.datasets.find((d) => d.dataset === 'b')!.fileCount, 0);
  });

  test('a log and its span-event copy count once; missing and redacted fields are tolerated', opts, () => {
    const payload = { dataset: 'a', status: 'missing_path' };
    const logs = [
      eventLog('dataset_readiness_v1', payload),
      eventLog('dataset_readiness_v1', payload),
      // Status missing: derived from the reason.
      eventLog('dataset_readiness_v1', { dataset: 'b', reason: 'delta_log_empty' }),
      // Unknown status, no reason.
      eventLog('dataset_readiness_v1', { dataset: 'c', status: 'weird' }),
      // Redacted name falls back to the path; nothing usable → skipped.
      eventLog('dataset_readiness_v1', { dataset: '[redacted]', path: '/p/q', status: 'ok' }),
      eventLog('dataset_readiness_v1', { status: 'ok' }),
      eventLog('delta_log_health_v1', { dataset: 'g' }),
    ];
    const sec = readinessSection(storeWith({ logs }));
    assert.deepEqual(sec.datasets.map((d) => `${d.dataset}:${d.status}`), ['/p/q:ok', 'a:missing_path', 'b:empty_delta_log', 'c:unknown']);
    assert.equal(sec.datasets.find((d) => d.dataset === 'a')!.reason, 'path_not_found');
    assert.equal(sec.issueCounts['unknown'], 1);
  });

  test('empty store', opts, () => {
    assert.deepEqual(readinessSection(storeWith({})), { total: 0, issues: [], issueCounts: {}, datasets: [] });
  });
});

describe('asList (tolerant JSON-string lists)', () => {
  test('spellings', opts, () => {
    assert.deepEqual(asList(['a', 'b', 'a']), ['a', 'b']);
    assert.deepEqual(asList('["a","b"]'), ['a', 'b']);
    assert.deepEqual(asList('["a","b","c'), ['a', 'b']);
    assert.deepEqual(asList('[redacted]'), []);
    assert.deepEqual(asList('raw_symbols'), ['raw_symbols']);
    assert.deepEqual(asList(undefined), []);
    assert.deepEqual(asList(42), []);
    assert.deepEqual(asList('[1, "x", null, ""]'), ['1', 'x']);
  });
});
