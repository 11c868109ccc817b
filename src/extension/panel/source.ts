// What the panel needs from the rest of the extension, as a small interface: the wiring
// (commands, RunsModel, RunController) adapts to it, and the panel stays testable.
import type * as vscode from 'vscode';
import type { Report } from '../../core/report/schema.js';
import type { RunInfo } from '../../core/run.js';
import type { RunStore } from '../../core/store.js';
import type { SpanRef } from '../../protocol/messages.js';
import type { RunListEntry } from '../../protocol/schema.js';

export interface PanelRun {
  readonly runId: string;
  /** The run's store (live: still growing; finished: read back from its bundle). */
  readonly store: RunStore;
  /** The run's bundle folder (build artifacts are opened from there). */
  readonly dir?: string;
  /** run.json as it is now (outcome 'running' while live). */
  info(): RunInfo;
  /** report.json for the current state: rebuilt from the store while live, the bundle's
   * report.json when finished. May be called up to once a second on large live runs. */
  report(): Report;
}

export interface PanelRunSource {
  /** The run to show: `runId` when given and known, else the one the extension shows (a
   * new run as it starts; the run picked in the Runs view). */
  current(runId?: string | null): PanelRun | undefined;
  /** Fires when the run to show may have changed (a run started or finished, another run
   * was picked, history changed) and when a live run's figures were refreshed. */
  onDidChange: vscode.Event<void>;
  /** Make `runId` the shown run everywhere (panel, trees, status bar); false when unknown. */
  select?(runId: string): boolean;
  /** Earlier runs of the workspace, newest first (for Compare). */
  listRuns(): RunListEntry[];
  /** The report.json of a run, for Compare. */
  loadReport(runId: string): Report | undefined;
  /** Optional hooks: absent ones are ignored. */
  revealInTree?(task: string | undefined, span: SpanRef | undefined): void;
  stopBuild?(runId: string): void;
}
