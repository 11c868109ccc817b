#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled by esbuild.mjs into dist/cli.js (built by `npm install`'s
// prepare step).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('build-diag: dist/cli.js is missing; run `npm install` (or `npm run build`) first.\n');
  process.exit(2);
}
require(cli);
