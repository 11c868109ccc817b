import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodeStacks, parsePythonTracebacks, parseStackText } from '../../src/core/analysis/tracebacks.js';
import { normalizePath, workspaceRelative } from '../../src/core/analysis/paths.js';

const T = { timeout: 30_000 };

const CHAINED_PY = `ERROR:cli.telemetry:Command execution failed.
Traceback (most recent call last):
  File "/work/repo/src/codeanatomy/extract/scan.py", line 41, in scan_repo
    files = walker.walk(root)
            ^^^^^^^^^^^^^^^^^
  File "/work/repo/.venv/lib/python3.12/site-packages/walker/core.py", line 88, in walk
    raise KeyError(root)
KeyError: '/missing'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/lib/python3.12/runpy.py", line 198, in _run_module_as_main
    return _run_code(code, main_globals, None,
  File "/work/repo/src/codeanatomy/cli/main.py", line 12, in main
    build()
  File "/work/repo/src/codeanatomy/pipeline/build.py", line 230, in build
    raise ExtractionError("repo scan failed") from None
codeanatomy.errors.ExtractionError: repo scan failed
INFO:codeanatomy:shutting down`;

describe('Python tracebacks', () => {
  test('a chained traceback is one trace with the last exception last', T, () => {
    const tbs = parsePythonTracebacks(CHAINED_PY.split('\n'));
    assert.equal(tbs.length, 1);
    const tb = tbs[0]!;
    assert.equal(tb.kind, 'python');
    assert.equal(tb.firstLine, 1);
    assert.deepEqual(tb.chain.map((e) => [e.type, e.message]), [
      ['KeyError', "'/missing'"],
      ['codeanatomy.errors.ExtractionError', 'repo scan failed'],
    ]);
    const last = tb.chain[1]!;
    assert.deepEqual(last.frames.map((f) => `${f.file}:${f.line}:${f.function}`), [
      '/usr/lib/python3.12/runpy.py:198:_run_module_as_main',
      '/work/repo/src/codeanatomy/cli/main.py:12:main',
      '/work/repo/src/codeanatomy/pipeline/build.py:230:build',
    ]);
    assert.equal(tb.chain[0]!.frames.length, 2, 'caret lines are not frames');
  });

  test('"direct cause" chains too; separate tracebacks stay separate', T, () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "a.py", line 1, in <module>',
      'ValueError: inner',
      '',
      'The above exception was the direct cause of the following exception:',
      '',
      'Traceback (most recent call last):',
      '  File "b.py", line 2, in <module>',
      'RuntimeError: outer',
      'some unrelated line',
      'Traceback (most recent call last):',
      '  File "c.py", line 3, in f',
      'KeyboardInterrupt',
    ];
    const tbs = parsePythonTracebacks(text);
    assert.equal(tbs.length, 2);
    assert.deepEqual(tbs[0]!.chain.map((e) => e.type), ['ValueError', 'RuntimeError']);
    assert.deepEqual(tbs[1]!.chain.map((e) => [e.type, e.message]), [['KeyboardInterrupt', '']]);
  });

  test('a multi-line message ends at a blank line or a log line', T, () => {
    const tbs = parsePythonTracebacks(['Traceback (most recent call last):', '  File "x.py", line 5, in f', 'ValueError: first', 'second', 'WARNING:x:next record']);
    assert.equal(tbs[0]!.chain[0]!.message, 'first\nsecond');
  });

  test('garbage and truncated input never throw', T, () => {
    assert.deepEqual(parsePythonTracebacks([]), []);
    assert.doesNotThrow(() => parsePythonTracebacks(['Traceback (most recent call last):']));
    assert.doesNotThrow(() => parsePythonTracebacks(['Traceback (most recent call last):', '  File "x', 'x'.repeat(100_000)]));
    const r = parsePythonTracebacks(['Traceback (most recent call last):', '  File "x.py", line 1, in f']);
    assert.equal(r[0]!.chain[0]!.frames.length, 1);
  });
});

describe('Node stacks', () => {
  const NODE = `/work/repo/examples/pipeline.mjs:44
    throw new Error(\`view \${name} failed\`);
    ^

Error: view cpg_edges failed
    at runView (/work/repo/examples/pipeline.mjs:44:11)
    at async main (file:///work/repo/examples/main.mjs:10:3)
    at node:internal/main/run_main_module:28:49 {
  code: 'E_VIEW',
  [cause]: TypeError: bad input
      at parse (/work/repo/node_modules/lib/index.js:3:9)
      at runView (/work/repo/examples/pipeline.mjs:40:5)
}

Node.js v20.20.2`;

  test('frames outermost first, causes first in the chain', T, () => {
    const st = parseNodeStacks(NODE.split('\n'));
    assert.equal(st.length, 1);
    const [cause, err] = st[0]!.chain;
    assert.equal(err!.type, 'Error');
    assert.equal(err!.message, 'view cpg_edges failed');
    assert.deepEqual(err!.frames.map((f) => `${f.file}:${f.line}:${f.column}:${f.function}`), [
      'node:internal/main/run_main_module:28:49:null',
      'file:///work/repo/examples/main.mjs:10:3:main',
      '/work/repo/examples/pipeline.mjs:44:11:runView',
    ]);
    assert.equal(cause!.type, 'TypeError');
    assert.equal(cause!.frames[1]!.file, '/work/repo/node_modules/lib/index.js');
  });

  test('parseStackText finds either kind', T, () => {
    assert.equal(parseStackText('TypeError: x\n    at f (/a.js:1:2)')[0]!.kind, 'node');
    assert.equal(parseStackText(CHAINED_PY)[0]!.kind, 'python');
  });
});

describe('workspace paths', () => {
  const root = '/work/repo';
  test('inside, relative, outside, vendored', T, () => {
    assert.equal(workspaceRelative('/work/repo/src/a.py', root), 'src/a.py');
    assert.equal(workspaceRelative('src/./x/../a.py', root), 'src/a.py');
    assert.equal(workspaceRelative('file:///work/repo/examples/main.mjs', root), 'examples/main.mjs');
    assert.equal(workspaceRelative('/work/repository/a.py', root), undefined);
    assert.equal(workspaceRelative('/usr/lib/python3.12/runpy.py', root), undefined);
    assert.equal(workspaceRelative('/work/repo/.venv/lib/python3.12/site-packages/x.py', root), undefined);
    assert.equal(workspaceRelative('/work/repo/node_modules/lib/index.js', root), undefined);
    assert.equal(workspaceRelative('<frozen runpy>', root), undefined);
    assert.equal(workspaceRelative('node:internal/x', root), undefined);
    assert.equal(workspaceRelative('../elsewhere.py', root), undefined);
    assert.equal(workspaceRelative('C:\\Repo\\src\\a.py', 'c:\\repo'), 'src/a.py');
    assert.equal(normalizePath('/a/../../b'), '/b');
  });
});
