// Hostile output from the build: a 10 MB line, invalid UTF-8, NUL bytes and ANSI junk
// (including a `<script>`), on stdout and stderr. Lines are capped in the model and the
// bundle's telemetry, decoded safely, and never reach the reports as raw control bytes
// or live markup. The build and its telemetry carry on.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, bundleSpans, readTelemetry, runCli, tempDir } from './helpers/cli.js';

const tmp = tempDir('bd-rel-stdio-');
after(() => tmp.cleanup());
const FAULTY = join(REPO, 'test', 'fixtures', 'reliability', 'faulty-build.mjs');
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000\u001b\u009b]/;

test('a 10 MB line, bad UTF-8, NUL and ANSI garbage are capped and shown safely', { timeout: 60_000 }, async () => {
  const out = join(tmp.path, 'bundle');
  const r = await runCli(['run', '--json', '--out', out, '--grace', '0.5', '--', process.execPath, FAULTY, 'garbage']);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  assert.equal(JSON.parse(r.stdout).outcome, 'success');
  assert.ok(bundleSpans(out).some((s) => s.name === 'after-garbage'), 'telemetry after the garbage arrived');

  const bodies: { body: string; attrs: Record<string, string> }[] = [];
  for (const req of readTelemetry(out) as any[]) {
    for (const rl of req.resourceLogs ?? []) {
      if (rl.scopeLogs?.[0]?.scope?.name !== 'build-diagnostics.stdio') continue;
      for (const sl of rl.scopeLogs) {
        for (const l of sl.logRecords ?? []) {
          const attrs: Record<string, string> = {};
          for (const a of l.attributes ?? []) attrs[a.key] = a.value.stringValue;
          bodies.push({ body: l.body?.stringValue ?? '', attrs });
        }
      }
    }
  }
  const huge = bodies.find((b) => b.body.startsWith('aaaa'));
  assert.ok(huge, 'the long line is there');
  const m = / …\[truncated (\d+) bytes\]$/.exec(huge.body);
  assert.ok(m, 'marked as truncated');
  assert.ok(huge.body.length <= 64 * 1024 + 64, `capped (${huge.body.length} chars)`);
  assert.equal(huge.body.length - m[0].length + Number(m[1]), 10 * 1024 * 1024, 'kept + dropped = the whole line');
  assert.ok(statSync(join(out, 'telemetry.otlp.jsonl')).size < 1024 * 1024, 'the telemetry file stays small');

  const bad = bodies.find((b) => b.body.startsWith('bad '));
  assert.ok(bad && bad.body.includes('\uFFFD'), 'invalid UTF-8 becomes U+FFFD');
  const nul = bodies.find((b) => b.body.startsWith('nul'));
  assert.equal(nul?.body, 'nul\u2400inside\u2400line', 'NUL is shown as ␀');
  const ansi = bodies.find((b) => b.body.includes('ERROR: boom'));
  assert.ok(ansi, 'the ANSI line is there');
  assert.doesNotMatch(ansi.body, RAW_CONTROL, 'escape sequences stripped from the body');
  assert.ok(ansi.attrs['log.record.original']?.includes('\x1b[31m'), 'the original (with colours) kept for rendering');
  for (const b of bodies) assert.doesNotMatch(b.body, RAW_CONTROL);

  for (const f of ['report.md', 'report.json', 'run.json']) {
    const text = readFileSync(join(out, f), 'utf8');
    assert.doesNotMatch(text, RAW_CONTROL, `${f} has no raw control bytes`);
    assert.ok(text.length < 256 * 1024, `${f} is small`);
  }
  if (existsSync(join(out, 'report.html'))) {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.ok(!html.includes('<script>alert(1)</script>'), 'markup from the build is never live in the HTML report');
    assert.doesNotMatch(html, /[\u0000\u001b]/);
  }
});
