// Stall and failure notifications. A stall is announced once (by its id; a new stall after
// progress resumed has a new id); a failure raises an error; success stays quiet (status
// bar). `buildDiagnostics.notifications`: all | failures | off.
import * as vscode from 'vscode';
import type { RunController, LiveRun } from './runController.js';
import type { Settings } from './settings.js';
import { Lifetime } from './lifetime.js';
import { failureMessage, stallMessage } from './viewModel.js';
import { failureReveal, stallReveal, type PanelReveal } from './panel/reveals.js';

export interface NotificationActions {
  showBlockers(culprit: string | undefined): void;
  /** Opens the panel on `run`, at `reveal` (the stall on the timeline, the failing span). */
  openPanel(run: LiveRun, reveal: PanelReveal): void;
  stop(run: LiveRun): void;
  showProblem(): void;
}

export class Notifications extends Lifetime {
  private readonly announced = new Set<string>();

  constructor(
    controller: RunController,
    private readonly settings: () => Settings,
    private readonly actions: NotificationActions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(
      controller.onEvent((e) => {
        if (e.type === 'stall' && e.state === 'start') this.stall(e.run, e.stall);
        if (e.type === 'warning') log.warn(`${e.run.build.name}: ${e.message}`);
        if (e.type === 'finished') this.finished(e.run);
      }),
    );
  }

  private stall(run: LiveRun, stall: import('../core/report/schema.js').Stall): void {
    const key = `${run.bundleDir}\n${stall.id}`;
    if (this.announced.has(key)) return;
    this.announced.add(key);
    const msg = stallMessage(run.build.name, stall);
    this.log.warn(msg);
    if (this.settings().notifications !== 'all') return;
    void vscode.window.showWarningMessage(msg, 'Show Blockers', 'Open Panel', 'Stop Build').then((pick) => {
      if (pick === 'Show Blockers') this.actions.showBlockers(stall.blockers[0]);
      else if (pick === 'Open Panel') this.actions.openPanel(run, stallReveal(run.report?.stalls.find((s) => s.id === stall.id) ?? stall));
      else if (pick === 'Stop Build') this.actions.stop(run);
    });
  }

  private finished(run: LiveRun): void {
    for (const k of [...this.announced]) if (k.startsWith(`${run.bundleDir}\n`)) this.announced.delete(k);
    if (run.error) {
      // The user asked for this run: always say why it did not start.
      this.log.error(`${run.build.name}: ${run.error.message}`);
      void vscode.window.showErrorMessage(`Build "${run.build.name}" did not start: ${run.error.message}`);
      return;
    }
    const info = run.result?.info;
    if (!info) return;
    this.log.info(`${run.build.name}: ${info.outcome} in ${info.durationMs ?? '?'} ms — ${run.bundleDir}`);
    if (info.outcome !== 'failure' || this.settings().notifications === 'off') return;
    void vscode.window.showErrorMessage(failureMessage(info, run.report), 'Show Problem', 'Open Panel').then((pick) => {
      if (pick === 'Show Problem') this.actions.showProblem();
      else if (pick === 'Open Panel') this.actions.openPanel(run, failureReveal(run.report));
    });
  }
}
