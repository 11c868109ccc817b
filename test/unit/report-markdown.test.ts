import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport } from '../../src/core/report/build.js';
import { esc, renderMarkdown } from '../../src/core/report/markdown.js';
import { RunStore } from '../../src/core/store.js';
import { ROOT, failingRunInfo, failingRunStore } from '../fixtures/report/failing-run.js';
import { mkSpan, runInfo, storeWith } from './helpers/telemetry.js';

const T = { timeout: 30_000 };
const GOLDEN = join(__dirname, '../fixtures/golden/report.md');

describe('report.md', () => {
  // Rewrite with UPDATE_GOLDEN=1 after an intended change, and review the diff.
  test('matches the golden file', T, () => {
    const md = renderMarkdown(buildReport({ store: failingRunStore(), run: failingRunInfo(), workspaceRoot: ROOT }));
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, md);
    assert.ok(existsSync(GOLDEN), 'golden file missing: run with UPDATE_GOLDEN=1');
    assert.equal(md, readFileSync(GOLDEN, 'utf8'));
  });

  test('telemetry text cannot inject markdown or HTML', T, () => {
    assert.equal(esc('a|b`c`<script>&'), 'a\\|b\\`c\\`&lt;script&gt;&amp;');
    assert.equal(esc('line1\nline2\r\n## heading'), 'line1 line2 \\#\\# heading');
    assert.equal(esc('[x](javascript:alert(1))'), '\\[x\\](javascript:alert(1))');
    assert.equal(esc('x'.repeat(400)).length, 300);
    const evil = '<img src=x onerror=alert(1)>|`';
    const store = storeWith({ spans: [mkSpan({ name: evil, error: `${evil}: boom`, attributes: { 'code.filepath': 'a.py', 'code.lineno': 1 } })] });
    const md = renderMarkdown(buildReport({ store, run: runInfo({ command: evil, outcome: 'failure' }), workspaceRoot: '/work/repo' }));
    assert.ok(!md.includes('<img'), 'no raw HTML');
    const lines = md.split('\n');
    const header = lines.find((l) => l.startsWith('| Span |'))!;
    const row = lines.find((l) => l.startsWith('| &lt;img'))!;
    const columns = (l: string) => l.split(/(?<!\\)\|/).length;
    assert.ok(row, 'the hostile span name is listed');
    assert.equal(columns(row), columns(header), 'an escaped pipe does not add a column');
  });

  test('an empty report renders every section without crashing', T, () => {
    const md = renderMarkdown(buildReport({ store: new RunStore(), run: runInfo({ outcome: 'running', endedAt: null, durationMs: null }), workspaceRoot: '/', partial: true }));
    for (const h of ['## Problems (0)', '## Dataset readiness', '## Plan vs execution', '## Stalls (0)', '## Heartbeats', '## Execution metrics', '## Slowest spans', '## Time by stage', '## Idle gaps', '## Critical path', '## Logs']) {
      assert.ok(md.includes(h), `missing ${h}`);
    }
    assert.match(md, /\*\*RUNNING\*\* in \? /);
    assert.match(md, /\*\*Partial\*\*/);
  });
});
