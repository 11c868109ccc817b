// Smoke test in a real VS Code: the packaged extension installs into code-server, and its
// command, run from the command palette in Chromium, shows its notification.
// The first run on a fresh machine installs code-server and Chromium from npm (about a
// minute, see scripts/e2e/setup.mjs); later runs reuse .cache/e2e/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createWorkspace, prepareE2E, startVSCode, type VSCodeSession } from './harness.js';

describe('e2e smoke: Build Diagnostics in code-server', { timeout: 15 * 60_000 }, () => {
  let vscode: VSCodeSession | undefined;
  const workspace = createWorkspace({ 'README.md': '# e2e workspace\n' });

  before(async () => {
    const { vsix } = await prepareE2E();
    vscode = await startVSCode({ workspace: workspace.path, vsix, name: 'smoke' });
  }, { timeout: 12 * 60_000 });

  after(async () => {
    await vscode?.close();
    workspace.remove();
  });

  test('"Build Diagnostics: Show Log" from the palette shows its notification', { timeout: 120_000 }, async () => {
    assert.ok(vscode, 'VS Code session did not start');
    await vscode.runCommand('Build Diagnostics: Show Log');
    const toast = await vscode.waitForNotification('Build Diagnostics: log opened.', 60_000);
    assert.match(await toast.innerText(), /Build Diagnostics: log opened\./);
    const shot = await vscode.screenshot('smoke-show-log');
    assert.ok(existsSync(shot), `screenshot not written: ${shot}`);
    const ours = vscode.extensionHostErrors().filter((l) => /build-diagnostics/i.test(l));
    assert.deepEqual(ours, [], 'the extension logged errors in the extension host');
  });

  // Keeps the generic harness helpers honest on a workbench whose content we know.
  test('the harness reads the Explorer tree, the status bar and the Problems panel', { timeout: 120_000 }, async () => {
    assert.ok(vscode, 'VS Code session did not start');
    const files = await vscode.treeItems('Explorer');
    assert.ok(files.includes('README.md'), `Explorer shows ${JSON.stringify(files)}`);
    const status = await vscode.readStatusBar();
    assert.ok(status.length > 0, 'status bar is empty');
    const problems = await vscode.openProblemsPanel();
    assert.ok(Array.isArray(problems));
    assert.ok(await vscode.page.locator('.markers-panel').isVisible(), 'Problems panel not shown');
  });
});
