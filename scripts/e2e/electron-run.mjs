#!/usr/bin/env node
// `npm run test:electron`: the same extension in a desktop VS Code, for machines WITH
// internet access (@vscode/test-electron downloads VS Code from Microsoft's update
// servers). CI has only the npm registry and runs the code-server suite instead
// (test/e2e/*.test.ts). On Linux without a display, run it under xvfb-run.
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const build = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const workspace = mkdtempSync(join(tmpdir(), 'bd-electron-ws-'));
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.96.4',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'test', 'e2e', 'electron', 'index.cjs'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (err) {
  console.error(`test:electron failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
