// An esbuild plugin that leaves a node bundle pure ASCII. esbuild (charset: 'ascii') escapes
// non-ASCII characters in code, but keeps some comments as written; a single "—" in one makes
// Node decode the whole 1.2 MB CLI bundle as UTF-8 into a two-byte string (~5 ms at every
// start) where an ASCII file is a straight latin1 copy (src/cli/codeCache.ts). What is left
// is escaped as \uXXXX, which means the same in a comment, a string, a regular expression or
// an identifier.
import { readFileSync, writeFileSync } from 'node:fs';

export const asciiOutput = {
  name: 'ascii-output',
  setup(build) {
    build.onEnd((result) => {
      const out = build.initialOptions.outfile;
      if (result.errors.length > 0 || !out) return;
      const text = readFileSync(out, 'utf8');
      // eslint-disable-next-line no-control-regex
      if (!/[^\x00-\x7f]/.test(text)) return;
      // eslint-disable-next-line no-control-regex
      writeFileSync(out, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
    });
  },
};
