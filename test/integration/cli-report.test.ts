// `build-diag report <bundle>` rebuilds the reports from the bundle alone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-cli-report-');
after(() => tmp.cleanup());

test('report rebuilds report.json with the same content', { timeout: 90_000 }, async () => {
  const out = join(tmp.path, 'run');
  const r = await runCli(['run', '--out', out, '--grace', '1', '--', process.execPath, EXAMPLE, '--scenario', 'fail', '--speed', '0.3']);
  assert.equal(r.code, 1, r.stderr);
  const original = readFileSync(join(out, 'report.json'), 'utf8');
  const originalMd = readFileSync(join(out, 'report.md'), 'utf8');
  rmSync(join(out, 'report.json'));
  rmSync(join(out, 'report.md'));
  const rep = await runCli(['report', '--format', 'json', out]);
  assert.equal(rep.code, 0, rep.stderr);
  const rebuilt = readFileSync(join(out, 'report.json'), 'utf8');
  assert.deepEqual(JSON.parse(rebuilt), JSON.parse(original));
  assert.deepEqual(JSON.parse(rep.stdout), JSON.parse(original));
  assert.equal(readFileSync(join(out, 'report.md'), 'utf8'), originalMd);
  const report = JSON.parse(rebuilt);
  assert.equal(report.run.outcome, 'failure');
  assert.ok(report.problems.length > 0, 'the failure is a problem');
});

test('report --format html writes the self-contained page and prints its path', { timeout: 90_000 }, async () => {
  const out = join(tmp.path, 'html');
  const r = await runCli(['run', '--out', out, '--grace', '0', '--', process.execPath, EXAMPLE, '--scenario', 'ok', '--speed', '0.2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /report: .*report\.html/);
  rmSync(join(out, 'report.html'));
  const rep = await runCli(['report', '--format', 'html', out]);
  assert.equal(rep.code, 0, rep.stderr);
  assert.equal(rep.stdout.trim(), join(out, 'report.html'));
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /<script type="application\/json" id="run-data">/);
  assert.ok(!/<script[^>]+src=/.test(html), 'no external scripts');
});
