// Runs INSIDE a desktop VS Code started by scripts/e2e/electron-run.mjs (npm run
// test:electron; needs the network to download VS Code, so CI does not run it).
// Generic check: the extension activates and registers every command it contributes.
'use strict';
const assert = require('node:assert/strict');
const vscode = require('vscode');

exports.run = async function run() {
  const id = 'build-diagnostics.build-diagnostics';
  const ext = vscode.extensions.getExtension(id);
  assert.ok(ext, `extension ${id} is not loaded`);
  await ext.activate();
  const contributed = (ext.packageJSON.contributes?.commands ?? []).map((c) => c.command);
  const registered = new Set(await vscode.commands.getCommands(true));
  for (const cmd of contributed) assert.ok(registered.has(cmd), `command ${cmd} is contributed but not registered`);
  if (registered.has('buildDiagnostics.showLog')) await vscode.commands.executeCommand('buildDiagnostics.showLog');
  console.log(`electron smoke: ${contributed.length} contributed command(s) registered`);
};
