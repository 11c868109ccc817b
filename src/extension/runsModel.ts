// Which run the views show, and the history they list. One source for the Runs, Tasks and
// Blockers trees, the Problems panel, the status bar and the panel: a new run is shown as
// soon as it starts; selecting a run in the Runs view shows it everywhere.
import * as vscode from 'vscode';
import { resolve } from 'node:path';
import type { Report } from '../core/report/schema.js';
import type { RunInfo } from '../core/run.js';
import { listRuns, readReport, type HistoryEntry } from './history.js';
import type { LiveRun, RunController } from './runController.js';
import { Lifetime } from './lifetime.js';

export interface ShownRun {
  dir: string;
  info: RunInfo;
  report: Report | undefined;
  live: LiveRun | undefined;
}

export class RunsModel extends Lifetime {
  private history: HistoryEntry[] = [];
  private shownDir: string | undefined;
  private shownCache: ShownRun | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fired (throttled by the controller) whenever what is shown may have changed. */
  readonly onDidChange = this.changed.event;
  // Trees get a coalesced signal: a refresh clears VS Code's element handles, and several
  // in a row race with the expansion of the previous render ("No tree item with id").
  private readonly treesChanged = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeTrees = this.treesChanged.event;
  private treeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly workspaceRoot: string,
    private readonly controller: RunController,
  ) {
    super();
    this.register(
      controller.onEvent((e) => {
        if (e.type === 'started') this.shownDir = resolve(e.run.bundleDir);
        if (e.type === 'finished') this.refreshHistory(false);
        this.shownCache = undefined;
        this.changed.fire();
      }),
    );
    this.refreshHistory(false);
    this.shownDir = this.history[0] ? resolve(this.history[0].dir) : undefined;
    this.register(
      this.onDidChange(() => {
        this.treeTimer ??= setTimeout(() => {
          this.treeTimer = undefined;
          this.treesChanged.fire();
        }, 250);
      }),
    );
    this.register({ dispose: () => clearTimeout(this.treeTimer) });
  }

  refreshHistory(fire = true): void {
    this.history = listRuns(this.workspaceRoot);
    this.shownCache = undefined;
    if (this.shownDir && !this.liveByDir(this.shownDir) && !this.history.some((h) => resolve(h.dir) === this.shownDir)) {
      this.shownDir = this.history[0] ? resolve(this.history[0].dir) : undefined;
    }
    if (fire) this.changed.fire();
  }

  private liveByDir(dir: string): LiveRun | undefined {
    return this.controller.running().find((r) => resolve(r.bundleDir) === dir);
  }

  /** Live runs first (newest first), then finished ones from disk. */
  runs(): { dir: string; info: RunInfo; live: LiveRun | undefined }[] {
    const live = this.controller.running().sort((a, b) => b.startedAtMs - a.startedAtMs);
    const liveDirs = new Set(live.map((r) => resolve(r.bundleDir)));
    return [
      ...live.map((r) => ({ dir: resolve(r.bundleDir), info: r.session.info, live: r })),
      ...this.history.filter((h) => !liveDirs.has(resolve(h.dir))).map((h) => ({ dir: resolve(h.dir), info: h.info, live: undefined })),
    ];
  }

  liveDirs(): Set<string> {
    return new Set(this.controller.running().map((r) => resolve(r.bundleDir)));
  }

  show(dir: string): void {
    this.shownDir = resolve(dir);
    this.shownCache = undefined;
    this.changed.fire();
  }

  get shown(): ShownRun | undefined {
    if (!this.shownDir) return undefined;
    const live = this.liveByDir(this.shownDir);
    if (live) return { dir: this.shownDir, info: live.session.info, report: live.report, live };
    if (this.shownCache && this.shownCache.dir === this.shownDir) return this.shownCache;
    const entry = this.history.find((h) => resolve(h.dir) === this.shownDir);
    if (!entry) return undefined;
    this.shownCache = { dir: this.shownDir, info: entry.info, report: readReport(entry.dir), live: undefined };
    return this.shownCache;
  }

  notifyUpdate(): void {
    this.changed.fire();
  }
}
