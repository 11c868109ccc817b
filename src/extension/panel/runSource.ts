// The panel's view of the extension's runs (PanelRunSource over RunsModel/RunController):
// a live run is its session's store and run.json as they grow, with the report the
// controller rebuilds on its throttle; a finished run is read back from its bundle
// (telemetry into a fresh store, report.json as written at the end). No `vscode` import
// (only types), so it is unit-tested without an editor.
import type * as vscode from 'vscode';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TELEMETRY_FILE } from '../../bundle/writer.js';
import type { Report } from '../../core/report/schema.js';
import type { RunInfo } from '../../core/run.js';
import type { RunStore } from '../../core/store.js';
import type { SpanRef } from '../../protocol/messages.js';
import type { RunListEntry } from '../../protocol/schema.js';
import { readReport } from '../history.js';
import { engine } from '../lazyEngine.js';
import type { LiveRun } from '../runController.js';
import { formatDuration } from '../viewModel.js';
import type { PanelRun, PanelRunSource } from './source.js';

/** What the source needs from RunsModel (which implements it). */
export interface RunsLike {
  runs(): { dir: string; info: RunInfo; live: LiveRun | undefined }[];
  readonly shown: { dir: string; info: RunInfo; live: LiveRun | undefined } | undefined;
  show(dir: string): void;
  onDidChange: vscode.Event<void>;
}

export interface SourceHooks {
  revealInTree?(task: string | undefined, span: SpanRef | undefined): void;
}

/** A telemetry file bigger than this is not loaded into the panel (reading it would block
 * the extension host for seconds); the panel still shows the run's report.json. */
const MAX_TELEMETRY_BYTES = 256 * 1024 * 1024;
/** Finished runs kept loaded: the shown one and a couple of recent ones. */
const LOADED_RUNS = 3;

function reportFor(store: RunStore, info: RunInfo): Report {
  return engine().buildReport({ store, run: info, workspaceRoot: info.cwd });
}

/** A run in progress (or just finished in this window): everything from memory. */
class LivePanelRun implements PanelRun {
  private fallback: { report: Report; sig: string } | undefined;
  constructor(private readonly live: LiveRun) {}

  get runId(): string {
    return this.live.session.info.runId;
  }

  get store(): RunStore {
    return this.live.session.store;
  }

  get dir(): string {
    return this.live.session.bundleDir;
  }

  info(): RunInfo {
    return this.live.session.info;
  }

  report(): Report {
    // The controller rebuilds the report at most every 750 ms while the run grows and
    // keeps the final one: use it. Before its first tick, build one (once per change).
    if (this.live.report) return this.live.report;
    const s = this.store;
    const sig = `${s.spans.length}/${s.logs.length}/${s.metrics.length}/${s.events.length}/${this.info().outcome}`;
    if (this.fallback?.sig !== sig) this.fallback = { report: reportFor(s, this.info()), sig };
    return this.fallback.report;
  }
}

/** A finished run read back from its bundle. */
class BundlePanelRun implements PanelRun {
  private cached: Report | undefined;
  constructor(
    readonly dir: string,
    private readonly run: RunInfo,
    readonly store: RunStore,
  ) {}

  get runId(): string {
    return this.run.runId;
  }

  info(): RunInfo {
    return this.run;
  }

  report(): Report {
    // The bundle's own report.json is the run's record; an interrupted run has none.
    this.cached ??= readReport(this.dir) ?? reportFor(this.store, this.run);
    return this.cached;
  }
}

function loadFinished(dir: string, fallbackInfo: RunInfo): BundlePanelRun {
  const telemetry = join(dir, TELEMETRY_FILE);
  try {
    if (!existsSync(telemetry) || statSync(telemetry).size <= MAX_TELEMETRY_BYTES) {
      const b = engine().loadBundle(dir);
      return new BundlePanelRun(dir, b.run, b.store);
    }
  } catch {
    // unreadable bundle: show what run.json and report.json say
  }
  return new BundlePanelRun(dir, fallbackInfo, new (engine().RunStore)());
}

export class ExtensionPanelSource implements PanelRunSource {
  private readonly liveRuns = new WeakMap<LiveRun, LivePanelRun>();
  /** Runs that finished in this window, by bundle dir: their stores are still in memory. */
  private readonly finishedLive = new Map<string, LivePanelRun>();
  private readonly loaded = new Map<string, BundlePanelRun>();
  readonly onDidChange: vscode.Event<void>;

  constructor(
    private readonly model: RunsLike,
    private readonly hooks: SourceHooks = {},
  ) {
    this.onDidChange = model.onDidChange;
  }

  private fromLive(live: LiveRun): LivePanelRun {
    let r = this.liveRuns.get(live);
    if (!r) {
      r = new LivePanelRun(live);
      this.liveRuns.set(live, r);
      this.remember(this.finishedLive, resolve(live.bundleDir), r);
    }
    return r;
  }

  private remember<T>(map: Map<string, T>, dir: string, v: T): void {
    map.delete(dir);
    map.set(dir, v);
    while (map.size > LOADED_RUNS) map.delete(map.keys().next().value!);
  }

  private panelRun(entry: { dir: string; info: RunInfo; live: LiveRun | undefined }): PanelRun {
    if (entry.live) return this.fromLive(entry.live);
    const dir = resolve(entry.dir);
    const mem = this.finishedLive.get(dir);
    if (mem) return mem;
    let b = this.loaded.get(dir);
    if (!b) b = loadFinished(dir, entry.info);
    this.remember(this.loaded, dir, b);
    return b;
  }

  private byId(runId: string): { dir: string; info: RunInfo; live: LiveRun | undefined } | undefined {
    return this.model.runs().find((r) => r.info.runId === runId);
  }

  current(runId?: string | null): PanelRun | undefined {
    const entry = (runId ? this.byId(runId) : undefined) ?? this.model.shown;
    return entry ? this.panelRun(entry) : undefined;
  }

  select(runId: string): boolean {
    const entry = this.byId(runId);
    if (!entry) return false;
    if (this.model.shown?.dir !== resolve(entry.dir)) this.model.show(entry.dir);
    return true;
  }

  listRuns(): RunListEntry[] {
    return this.model.runs().map(({ info }) => ({
      runId: info.runId,
      startedAt: info.startedAt,
      outcome: info.outcome,
      durationMs: info.durationMs,
      command: info.command,
      label: runLabel(info),
    }));
  }

  loadReport(runId: string): Report | undefined {
    const entry = this.byId(runId);
    if (!entry) return undefined;
    if (entry.live) return this.fromLive(entry.live).report();
    const dir = resolve(entry.dir);
    return this.finishedLive.get(dir)?.report() ?? this.loaded.get(dir)?.report() ?? readReport(dir);
  }

  revealInTree(task: string | undefined, span: SpanRef | undefined): void {
    this.hooks.revealInTree?.(task, span);
  }

  stopBuild(runId: string): void {
    const live = this.byId(runId)?.live;
    if (live) void live.stop();
  }
}

/** "ok · success · 4.2 s · 2025-06-01 10:31:05" — the build's name first: it is what a
 * person recognises in the Compare picker. Untrusted parts are bounded by the webview. */
export function runLabel(info: RunInfo): string {
  const when = info.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
  const dur = formatDuration(info.durationMs);
  return [info.buildName ?? info.command, info.outcome, dur, when].filter((x) => x !== '').join(' · ');
}
