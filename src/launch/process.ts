// Spawning the build and stopping its whole process tree.
//
// The child is spawned detached: it calls setsid(), so it leads a new session and process
// group whose ids equal its pid. That lets us signal the group at once (like a terminal's
// Ctrl-C) and keeps our own Ctrl-C from reaching it behind our back. But a group is not a
// tree: a grandchild may call setsid() itself (daemons, `detached: true`), and once its
// parent exits it is re-parented to init and the ppid link is lost. So we also REMEMBER
// every process we have ever seen in the tree (pid + start time, which guards against pid
// reuse), refreshing that set from /proc on a timer while the build runs and at every step
// of a cancellation. A daemon that double-forks faster than that is still found by a marker
// variable we add to the child's environment (BUILD_DIAGNOSTICS_LAUNCH=<random>): processes
// inherit it, and /proc/<pid>/environ shows it for processes started after the root (each
// such process is read once). Only a process that both escapes the tree between two
// refreshes AND scrubs its environment can escape.
//
// Leftovers: when the root exits, whatever of its tree is still alive (e.g. a daemon it
// started) is stopped with SIGTERM, then SIGKILL after `reapGraceMs`; `exited` resolves only
// after that, so once `exited` has resolved no process of the build remains. Pass
// `reapOnExit: false` to leave them running.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { descendantsIn, procAvailable, readProcStat, readProcTable, readSubtree, type ProcStat } from './procstat.js';
import { checkCwd, LaunchError, resolveCommand } from './resolve.js';

export { LaunchError } from './resolve.js';

export interface SpawnBuildOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Run through /bin/sh -c with argv joined by spaces (no quoting is added). Default false. */
  shell?: boolean;
  /** Stop leftover descendants when the root exits (see above). Default true. */
  reapOnExit?: boolean;
  /** SIGTERM → SIGKILL grace for leftovers. Default 1000 ms. */
  reapGraceMs?: number;
  /** How often the remembered tree is refreshed while the build runs. Default 500 ms. */
  trackIntervalMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CancelOptions {
  /** Wait after SIGINT before SIGTERM. Default 3000 ms. */
  intGraceMs?: number;
  /** Wait after SIGTERM before SIGKILL. Default 3000 ms. */
  termGraceMs?: number;
}

export interface SpawnedBuild {
  pid: number;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** Resolves once the root process has exited AND (unless reapOnExit is false) no process
   * of its tree remains. Never rejects. */
  exited: Promise<ExitStatus>;
  /** SIGINT to the tree, then SIGTERM, then SIGKILL; resolves when no process of the tree
   * remains (or, in the pathological case of an unkillable process, 5 s after SIGKILL). */
  cancel(opts?: CancelOptions): Promise<void>;
}

const POLL_MS = 50;
/** Every how many tracking ticks the whole of /proc is scanned (see spawnBuild). */
const FULL_SCAN_EVERY = 4;
/** Environment marker name (see the header comment). */
export const MARKER_VAR = 'BUILD_DIAGNOSTICS_LAUNCH';
const KILL_WAIT_MS = 5000;

interface Phase {
  signal: NodeJS.Signals;
  graceMs: number;
}

/** Starts the build. Throws LaunchError for a missing/non-executable command or a bad cwd. */
export function spawnBuild(o: SpawnBuildOptions): SpawnedBuild {
  if (o.argv.length === 0 || o.argv[0] === undefined) throw new LaunchError('no command given', 'EEMPTY');
  checkCwd(o.cwd);
  const shell = o.shell === true;
  const markerValue = randomBytes(12).toString('hex');
  const env = { ...o.env, [MARKER_VAR]: markerValue };
  const file = shell ? o.argv.join(' ') : resolveCommand(o.argv[0], o.cwd, o.env.PATH);
  const child = spawn(file, shell ? [] : o.argv.slice(1), {
    cwd: o.cwd,
    env,
    shell,
    detached: true,
    // Keep the name the user typed in the child's argv[0] although we exec the resolved path.
    argv0: shell ? undefined : o.argv[0],
    // In its own session the child has no controlling terminal: reading the user's tty would
    // fail anyway, so stdin is /dev/null.
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  // A spawn failure is also emitted as 'error' on the next tick; without a listener it would
  // crash the host. We report it through the pid check below instead.
  child.on('error', () => {});
  const pid = child.pid;
  if (pid === undefined) {
    // Failed despite the pre-flight checks (a race, or a script whose #! interpreter is missing).
    child.stdout?.destroy();
    child.stderr?.destroy();
    throw new LaunchError(`failed to start ${o.argv[0]} (check that it and its #! interpreter exist)`, 'ESPAWN');
  }

  const tree = new TreeTracker(pid, `${MARKER_VAR}=${markerValue}`, () => child.exitCode === null && child.signalCode === null);
  // Between full scans of /proc (every FULL_SCAN_EVERY ticks) only the remembered tree is
  // walked, through the kernel's children lists: a few files instead of one per process of
  // the machine, while the build competes with us for the CPU. Cancellation and reaping
  // always scan in full.
  let ticks = 0;
  const timer = setInterval(() => tree.refresh(++ticks % FULL_SCAN_EVERY === 0), o.trackIntervalMs ?? 500);
  timer.unref();

  // If the host exits (process.exit, uncaught exception) while the build runs, don't leave a
  // detached build behind: a last synchronous SIGKILL to the tree. Removed once it has exited.
  const onHostExit = (): void => tree.killNow();
  process.once('exit', onHostExit);

  let teardown: Promise<void> | undefined;
  const stopTree = (phases: Phase[]): Promise<void> => {
    teardown ??= tree.stop(phases);
    return teardown;
  };

  const exited = new Promise<ExitStatus>((resolveExit) => {
    child.once('exit', (code, signal) => {
      void (async () => {
        try {
          if (o.reapOnExit !== false) {
            await stopTree([
              { signal: 'SIGTERM', graceMs: o.reapGraceMs ?? 1000 },
              { signal: 'SIGKILL', graceMs: KILL_WAIT_MS },
            ]);
          } else if (teardown) {
            await teardown;
          }
        } finally {
          clearInterval(timer);
          process.removeListener('exit', onHostExit);
          resolveExit({ code, signal });
        }
      })();
    });
  });

  return {
    pid,
    stdout: child.stdout!,
    stderr: child.stderr!,
    exited,
    cancel(opts?: CancelOptions): Promise<void> {
      return stopTree([
        { signal: 'SIGINT', graceMs: opts?.intGraceMs ?? 3000 },
        { signal: 'SIGTERM', graceMs: opts?.termGraceMs ?? 3000 },
        { signal: 'SIGKILL', graceMs: KILL_WAIT_MS },
      ]);
    },
  };
}

function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH (already gone) or EPERM (not ours any more): nothing to do either way.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The remembered set of processes of one build's tree. */
class TreeTracker {
  /** pid → start time (clock ticks after boot). */
  private readonly known = new Map<number, number>();
  /** Processes whose environment was read and lacked the marker: pid → start time. */
  private readonly unmarked = new Map<number, number>();
  private readonly hasProc = procAvailable();
  private readonly rootStart: number;

  constructor(
    private readonly rootPid: number,
    private readonly marker: string,
    private readonly rootRunning: () => boolean,
  ) {
    this.rootStart = readProcStat(rootPid)?.startTime ?? 0;
    // Just spawned: nothing but the tree's own descendants can be in its session yet.
    this.refresh(false);
  }

  /** Whether a process started after the root carries our environment marker. */
  private hasMarker(st: ProcStat): boolean {
    if (st.startTime < this.rootStart || this.unmarked.get(st.pid) === st.startTime) return false;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${st.pid}/environ`);
    } catch {
      // Gone, or not ours to read (then not ours to signal either): don't ask again.
      this.unmarked.set(st.pid, st.startTime);
      return false;
    }
    const found = environ.includes(`\0${this.marker}\0`) || environ.subarray(0, this.marker.length + 1).equals(Buffer.from(`${this.marker}\0`));
    if (!found) this.unmarked.set(st.pid, st.startTime);
    return found;
  }

  /** Re-reads /proc: adds members (same session or group as the root, or a descendant of a
   * remembered member) and forgets the dead. Returns the live non-root members. With
   * `full` false only the descendants of the root and of remembered members are read (when
   * the kernel lists children): that finds no process that has left the tree by
   * re-parenting, which the next full scan does (session, group, marker). */
  refresh(full = true): ProcStat[] {
    if (!this.hasProc) return [];
    const sub = full ? undefined : readSubtree([this.rootPid, ...this.known.keys()]);
    const table = sub ?? readProcTable();
    const isSame = (st: ProcStat | undefined, pid: number): st is ProcStat =>
      st !== undefined && st.startTime === this.known.get(pid) && st.state !== 'Z';
    for (const [pid] of this.known) {
      if (!isSame(table.get(pid), pid)) this.known.delete(pid);
    }
    const roots = [this.rootPid, ...this.known.keys()];
    for (const pid of descendantsIn(table, roots)) this.remember(table.get(pid));
    // The kernel does not reuse a pid while it names a live session or group, so matching on
    // them is safe even after the root has exited.
    for (const st of table.values()) {
      if (st.pid === this.rootPid || this.known.has(st.pid) || st.state === 'Z') continue;
      if (st.session === this.rootPid || st.pgrp === this.rootPid || this.hasMarker(st)) this.remember(st);
    }
    if (!sub) {
      for (const [pid, start] of this.unmarked) {
        if (table.get(pid)?.startTime !== start) this.unmarked.delete(pid);
      }
    }
    this.known.delete(this.rootPid);
    const live: ProcStat[] = [];
    for (const [pid] of this.known) {
      const st = table.get(pid);
      if (isSame(st, pid)) live.push(st);
    }
    return live;
  }

  private remember(st: ProcStat | undefined): void {
    if (st && st.state !== 'Z' && !this.known.has(st.pid)) this.known.set(st.pid, st.startTime);
  }

  private groupExists(): boolean {
    try {
      process.kill(-this.rootPid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Whether anything of the tree is still alive (refreshes). */
  alive(): boolean {
    if (this.rootRunning()) return true;
    if (!this.hasProc) return this.groupExists();
    return this.refresh().length > 0;
  }

  private signalAll(signal: NodeJS.Signals): void {
    const members = this.refresh();
    // Signal the group only while it provably is ours (root still ours, or a member in it):
    // an empty group's id could in principle be taken by an unrelated process later.
    if (!this.hasProc || this.rootRunning() || members.some((m) => m.pgrp === this.rootPid)) {
      trySignal(-this.rootPid, signal);
    }
    if (this.rootRunning()) trySignal(this.rootPid, signal);
    for (const m of members) trySignal(m.pid, signal);
  }

  /** Synchronous last resort (host exiting): SIGKILL to everything we know of. */
  killNow(): void {
    this.signalAll('SIGKILL');
  }

  private async waitGone(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (!this.alive()) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
    }
  }

  /** Signals phase by phase until nothing remains; each phase re-walks the tree first. */
  async stop(phases: Phase[]): Promise<void> {
    for (const phase of phases) {
      if (!this.alive()) return;
      this.signalAll(phase.signal);
      if (await this.waitGone(phase.graceMs)) return;
    }
  }
}
