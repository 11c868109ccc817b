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
  /** run.json as it is now (outcome 'running' while live). */
  info(): RunInfo;
  /** report.json for the current state: rebuilt from the store while live, the bundle's
   * report.json when finished. May be called up to once a second on large live runs. */
  report(): Report;
}

export interface PanelRunSource {
  /** The run to show: `runId` when given and known, else the live run, else the latest. */
  current(runId?: string | null): PanelRun | undefined;
  /** Fires when the run to show changes (a run started or finished, history changed). */
  onDidChange: vscode.Event<void>;
  /** Earlier runs of the workspace, newest first (for Compare). */
  listRuns(): RunListEntry[];
  /** The report.json of a run, for Compare. */
  loadReport(runId: string): Report | undefined;
  /** Optional hooks: absent ones are ignored. */
  revealInTree?(task: string | undefined, span: SpanRef | undefined): void;
  stopBuild?(runId: string): void;
}
