import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter, stripAnsi, hasAnsi } from '../../src/launch/lines.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

function splitAll(chunks: Buffer[], opts?: { maxLineBytes?: number }): string[] {
  const s = new LineSplitter(opts);
  const out: string[] = [];
  for (const c of chunks) out.push(...s.push(c));
  out.push(...s.flush());
  return out;
}

describe('LineSplitter', () => {
  test('LF and CRLF, empty lines, final partial line on flush', () => {
    assert.deepEqual(splitAll([b('a\r\nb\n\nc\r\nlast')]), ['a', 'b', '', 'c', 'last']);
  });

  test('a partial line waits for the next chunk', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push(b('hel')), []);
    assert.deepEqual(s.push(b('lo\r')), []);
    assert.deepEqual(s.push(b('\nwor')), ['hello']);
    assert.deepEqual(s.flush(), ['wor']);
    assert.deepEqual(s.flush(), []);
  });

  test('a lone CR inside a line is kept', () => {
    assert.deepEqual(splitAll([b('50%\r100%\n')]), ['50%\r100%']);
  });

  test('multi-byte UTF-8 split across chunks decodes', () => {
    const bytes = b('héllo → 𝄞 ok\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(splitAll([bytes.subarray(0, cut), bytes.subarray(cut)]), ['héllo → 𝄞 ok'], `cut at ${cut}`);
    }
  });

  test('byte-by-byte feeding gives the same lines (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }).map((s) => s.replace(/[\r\n\0]/g, '')), { maxLength: 5 }), (lines) => {
        const data = b(lines.map((l) => `${l}\n`).join(''));
        const oneByOne = splitAll([...data].map((x) => Buffer.from([x])));
        assert.deepEqual(oneByOne, lines);
      }),
      { numRuns: 200 },
    );
  });

  test('invalid UTF-8 becomes U+FFFD, NUL is replaced', () => {
    const [line] = splitAll([Buffer.from([0x61, 0xff, 0x62, 0x00, 0x63, 0xc3, 0x0a])]);
    assert.equal(line, 'a\uFFFDb\u2400c\uFFFD');
  });

  test('long line is capped with a marker', () => {
    const out = splitAll([b(`${'x'.repeat(100)}\nshort\n`)], { maxLineBytes: 10 });
    assert.deepEqual(out, [`${'x'.repeat(10)} …[truncated 90 bytes]`, 'short']);
  });

  test('cap never cuts a multi-byte character; CRLF after a truncated line is not counted', () => {
    // 'é' is 2 bytes: 9 'a' + 'é' crosses the 10-byte cap.
    const out = splitAll([b(`${'a'.repeat(9)}é${'b'.repeat(5)}\r\n`)], { maxLineBytes: 10 });
    assert.deepEqual(out, [`${'a'.repeat(9)} …[truncated 7 bytes]`]);
  });

  test('a 10 MB single line is capped without buffering it all', () => {
    const s = new LineSplitter({ maxLineBytes: 64 * 1024 });
    const chunk = Buffer.alloc(64 * 1024, 0x79);
    const heapBefore = process.memoryUsage().arrayBuffers;
    let emitted: string[] = [];
    for (let i = 0; i < 160; i++) emitted = emitted.concat(s.push(chunk)); // 10 MiB
    // The splitter holds at most the cap: internal state is inspectable through its cost.
    const held = (s as unknown as { kept: number }).kept;
    assert.equal(held, 64 * 1024);
    assert.ok(process.memoryUsage().arrayBuffers - heapBefore < 8 * 1024 * 1024);
    emitted = emitted.concat(s.push(b('\nnext\n')));
    assert.equal(emitted.length, 2);
    assert.equal(emitted[0], `${'y'.repeat(64 * 1024)} …[truncated ${160 * 64 * 1024 - 64 * 1024} bytes]`);
    assert.equal(emitted[1], 'next');
  });

  test('the caller may reuse its chunk buffer', () => {
    const s = new LineSplitter();
    const buf = b('abc');
    s.push(buf);
    buf.fill(0x7a);
    assert.deepEqual(s.push(b('\n')), ['abc']);
  });
});

describe('stripAnsi', () => {
  test('removes SGR colours, cursor moves, OSC hyperlinks and titles', () => {
    assert.equal(stripAnsi('\x1b[31mred\x1b[0m plain \x1b[1;32mbold\x1b[m'), 'red plain bold');
    assert.equal(stripAnsi('a\x1b[2K\x1b[1Gb'), 'ab');
    assert.equal(stripAnsi('\x1b]8;;https://x.example\x07link\x1b]8;;\x07'), 'link');
    assert.equal(stripAnsi('\x1b]0;title\x1b\\text'), 'text');
    assert.equal(stripAnsi('\x1b(Bx'), 'x');
  });

  test('leaves text without escapes alone', () => {
    assert.equal(stripAnsi('[31m no escape'), '[31m no escape');
    assert.equal(hasAnsi('plain'), false);
    assert.equal(hasAnsi('\x1b[1mx'), true);
  });
});
