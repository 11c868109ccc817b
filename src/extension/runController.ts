// Owns the runs of one workspace: starts BuildSessions, keeps one run at a time per build,
// refreshes each live run's report on a throttle (a busy build must not flood the UI) and
// tells its listeners. Pure node (no `vscode`) so the ten-runs leak test can drive it
// without an editor. Everything a run subscribes to is released when it finishes: that is
// the run lifetime (extension > run > panel, ARCHITECTURE.md).
import type { BuildSession, SessionEvent, SessionOptions, SessionResult } from '../launch/session.js';
import { engine } from './lazyEngine.js';
import type { Report, Stall } from '../core/report/schema.js';
import type { ResolvedBuild } from './buildSpec.js';

export type RunEvent =
  | { type: 'started'; run: LiveRun }
  | { type: 'update'; run: LiveRun }
  | { type: 'stall'; run: LiveRun; stall: Stall; state: 'start' | 'update' | 'end' }
  | { type: 'warning'; run: LiveRun; message: string }
  | { type: 'finished'; run: LiveRun };

export interface RunHooks {
  /** The child's raw output (colours kept), e.g. for a task's pseudoterminal. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
}

export class AlreadyRunningError extends Error {}

export class LiveRun {
  report: Report | undefined;
  result: SessionResult | undefined;
  /** Set when the run could not start (LaunchError, PreflightError, BundleError). */
  error: Error | undefined;
  stall: Stall | undefined;
  readonly startedAtMs = Date.now();
  done!: Promise<void>;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly build: ResolvedBuild,
    readonly session: BuildSession,
  ) {}

  get running(): boolean {
    return this.result === undefined && this.error === undefined;
  }

  get bundleDir(): string {
    return this.session.bundleDir;
  }

  /** Stops the process tree; resolves once the run has finished and written its report. */
  stop(): Promise<void> {
    this.stopping ??= this.cancelWhenSpawned().then(() => this.done);
    return this.stopping;
  }

  // BuildSession.cancel() only reaches a child that exists: a Stop in the first moments of
  // a run (receiver still starting) would be lost. Wait for the spawn (or the end) first.
  private async cancelWhenSpawned(): Promise<void> {
    let finished = false;
    void this.done.then(() => (finished = true));
    while (!finished && !this.session.running) await new Promise((r) => setTimeout(r, 20));
    if (!finished) await this.session.cancel();
  }
}

export interface RunControllerOptions {
  /** How often a live run's report is rebuilt at most (ms). */
  refreshMs?: number;
  /** Seconds to wait after exit for late telemetry (the session's default when unset). */
  graceS?: number;
  /** For tests: construct the session differently. */
  createSession?: (o: SessionOptions) => BuildSession;
}

/** A resolved build → the options of its BuildSession (pure; unit-tested). */
export function sessionOptions(build: ResolvedBuild, hooks: RunHooks = {}, graceS?: number): SessionOptions {
  return {
    ...(build.diagnostics ?? {}),
    argv: build.argv,
    shell: build.shell,
    cwd: build.cwd,
    outDir: build.outDir,
    stallThresholdS: build.stallThresholdS,
    datasets: build.datasets,
    runEnv: build.env,
    buildName: build.name,
    onOutput: hooks.onOutput,
    ...(build.artifactGlobs?.length ? { artifactGlobs: build.artifactGlobs } : {}),
    ...(graceS !== undefined ? { graceS } : {}),
  };
}

export class RunController {
  private readonly listeners = new Set<(e: RunEvent) => void>();
  private readonly live = new Map<string, LiveRun>();
  private disposed = false;
  last: LiveRun | undefined;

  constructor(private readonly opts: RunControllerOptions = {}) {}

  onEvent(listener: (e: RunEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  private emit(e: RunEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a view's bug must not stop the run or the other views
      }
    }
  }

  running(): LiveRun[] {
    return [...this.live.values()];
  }

  runningFor(name: string): LiveRun | undefined {
    return this.live.get(name);
  }

  /** Starts a run. Throws AlreadyRunningError when this build is running. */
  start(build: ResolvedBuild, hooks: RunHooks = {}): LiveRun {
    if (this.disposed) throw new Error('the extension is shutting down');
    if (this.live.has(build.name)) throw new AlreadyRunningError(`build "${build.name}" is already running; stop it first or wait for it to finish`);
    const opts = sessionOptions(build, hooks, this.opts.graceS);
    const session = (this.opts.createSession ?? ((o) => new (engine().BuildSession)(o)))(opts);
    const run = new LiveRun(build, session);
    this.live.set(build.name, run);
    this.last = run;

    let dirty = false;
    const sub = session.on((e: SessionEvent) => {
      switch (e.type) {
        case 'ingest':
        case 'preflight':
          dirty = true;
          break;
        case 'stall':
          run.stall = e.state === 'end' ? undefined : e.stall;
          dirty = true;
          this.emit({ type: 'stall', run, stall: e.stall, state: e.state });
          break;
        case 'warning':
          this.emit({ type: 'warning', run, message: e.message });
          break;
        case 'finished':
          break;
      }
    });
    const refresh = (): void => {
      if (!dirty || !run.running) return;
      dirty = false;
      try {
        run.report = engine().buildReport({ store: session.store, run: session.info, workspaceRoot: session.info.cwd });
      } catch {
        return; // a half-received run may not analyse yet; the next tick tries again
      }
      this.emit({ type: 'update', run });
    };
    const timer = setInterval(refresh, this.opts.refreshMs ?? 750);
    timer.unref();

    const finish = (): void => {
      clearInterval(timer);
      sub.dispose();
      run.stall = undefined;
      if (this.live.get(build.name) === run) this.live.delete(build.name);
      this.emit({ type: 'finished', run });
    };
    run.done = session.run().then(
      (result) => {
        run.result = result;
        run.report = result.report;
        finish();
      },
      (err: unknown) => {
        run.error = err instanceof Error ? err : new Error(String(err));
        finish();
      },
    );
    this.emit({ type: 'started', run });
    return run;
  }

  /** Stops every live run and waits for them (extension deactivation). */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(this.running().map((r) => r.stop()));
    this.listeners.clear();
  }
}
