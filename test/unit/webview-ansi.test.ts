// ANSI SGR parsing for the log view: colours become class names, every escape is removed,
// and nothing in a line can turn into markup (the view renders segments as text nodes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ansiClasses, parseAnsi, stripAnsi } from '../../webview-ui/src/ansi.js';

test('SGR colours and attributes become classes', () => {
  const segs = parseAnsi('\u001b[1;31merror\u001b[0m: \u001b[92mok\u001b[39m done');
  assert.deepEqual(segs.map((s) => [s.text, ansiClasses(s.style)]), [
    ['error', 'ansi-fg-1 ansi-bold'],
    [': ', ''],
    ['ok', 'ansi-fg-10'],
    [' done', ''],
  ]);
});

test('256-colour codes keep the 16 theme colours, true colour falls back to default', () => {
  assert.equal(ansiClasses(parseAnsi('\u001b[38;5;4mx')[0]!.style), 'ansi-fg-4');
  assert.equal(ansiClasses(parseAnsi('\u001b[38;5;200mx')[0]!.style), '');
  const tc = parseAnsi('\u001b[38;2;255;0;0;1mx')[0]!;
  assert.equal(ansiClasses(tc.style), 'ansi-bold', 'the parameters after r;g;b still apply');
});

test('cursor moves, erase-line and OSC hyperlinks are dropped, text kept', () => {
  const line = '\u001b[2K\u001b[1Gprogress \u001b]8;;javascript:alert(1)\u0007link\u001b]8;;\u0007 <b>x</b>\u001b';
  assert.equal(stripAnsi(line), 'progress link <b>x</b>');
});

test('no escape byte survives any input', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('\u001b', '\u001b[', '\u001b[31m', '\u001b]8;;', '\u0007', ';', 'm', '[')), { maxLength: 30 }), (parts) => {
      const s = parts.join('');
      const segs = parseAnsi(s);
      for (const seg of segs) assert.ok(!seg.text.includes('\u001b'));
    }),
  );
});

test('text without escapes comes back unchanged', () => {
  fc.assert(
    fc.property(fc.string().filter((s) => !s.includes('\u001b')), (s) => {
      assert.equal(stripAnsi(s), s);
    }),
  );
});
