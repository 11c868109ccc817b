// A tree refreshes only when what it shows changed: every refresh makes VS Code drop its
// element handles, so needless ones (a heartbeat that moved no task) make reveals and
// expansions race with the re-render ("Data tree node not found").
import * as vscode from 'vscode';
import type { RunsModel } from '../runsModel.js';

export function refreshOnChange(model: RunsModel, signature: () => string): vscode.Event<void> {
  const emitter = model.register(new vscode.EventEmitter<void>());
  let last = signature();
  model.register(
    model.onDidChangeTrees(() => {
      const next = signature();
      if (next === last) return;
      last = next;
      emitter.fire();
    }),
  );
  return emitter.event;
}
