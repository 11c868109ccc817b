// Reading the process table from Linux /proc: the launcher uses it to find every process of
// a build's tree (cancellation, leftover reaping) and to sample the tree's CPU and memory.
// Everything here is best effort: a process may vanish between readdir and read, /proc may
// not exist (macOS, Windows) — then we return undefined / empty, never throw.
// Field layout: proc(5), /proc/[pid]/stat and /proc/[pid]/statm.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Session id. */
  session: number;
  /** One-letter state (R, S, D, Z, T, …). Z = zombie: exited, not yet reaped. */
  state: string;
  /** utime + stime + cutime + cstime, in clock ticks (see sampleProcessTree). */
  cpuTicks: number;
  /** Start time after boot in clock ticks: with the pid, identifies a process (pid reuse). */
  startTime: number;
}

export function procAvailable(): boolean {
  return process.platform === 'linux' && readStatFile('/proc/self/stat') !== undefined;
}

function readStatFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** Parses one /proc/[pid]/stat line. The command name (field 2) is in parentheses and may
 * itself contain spaces and parentheses, so fields are counted from the LAST ')'. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  const open = text.indexOf('(');
  if (close < 0 || open < 0) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // After ')': state(3) ppid(4) pgrp(5) session(6) tty(7) tpgid(8) flags(9) minflt(10)
  // cminflt(11) majflt(12) cmajflt(13) utime(14) stime(15) cutime(16) cstime(17) priority(18)
  // nice(19) num_threads(20) itrealvalue(21) starttime(22) …
  const f = text.slice(close + 1).trim().split(/\s+/);
  const at = (field: number): number => Number(f[field - 3]);
  const state = f[0];
  if (!Number.isInteger(pid) || state === undefined || f.length < 20) return undefined;
  return {
    pid,
    ppid: at(4),
    pgrp: at(5),
    session: at(6),
    state,
    cpuTicks: at(14) + at(15) + at(16) + at(17),
    startTime: at(22),
  };
}

export function readProcStat(pid: number): ProcStat | undefined {
  const text = readStatFile(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseStat(text);
}

/** A snapshot of every process visible in /proc (empty when /proc is unavailable). */
export function readProcTable(): Map<number, ProcStat> {
  const table = new Map<number, ProcStat>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const st = readProcStat(Number(name));
    if (st) table.set(st.pid, st);
  }
  return table;
}

/** Pids reachable from any of `roots` by parent links in `table` (roots excluded). */
export function descendantsIn(table: Map<number, ProcStat>, roots: Iterable<number>): number[] {
  const children = new Map<number, number[]>();
  for (const st of table.values()) {
    const list = children.get(st.ppid);
    if (list) list.push(st.pid);
    else children.set(st.ppid, [st.pid]);
  }
  const seen = new Set<number>(roots);
  const queue = [...seen];
  const out: number[] = [];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

let childrenFiles: boolean | undefined;

/** Whether this kernel has /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN); asked
 * once, on ourselves. */
function hasChildrenFiles(): boolean {
  childrenFiles ??= process.platform === 'linux' && readStatFile(`/proc/self/task/${process.pid}/children`) !== undefined;
  return childrenFiles;
}

/** Child pids of one process, from /proc/<pid>/task/<tid>/children of every thread (a child
 * is listed under the thread that forked it); [] when the process or a thread is gone. */
function childrenOf(pid: number): number[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tids) {
    const text = readStatFile(`/proc/${pid}/task/${tid}/children`);
    if (text === undefined) continue;
    for (const word of text.split(' ')) {
      const child = Number(word);
      if (word !== '' && Number.isInteger(child)) out.push(child);
    }
  }
  return out;
}

/** The stat lines of a subtree: the given roots (when alive) and every process reachable
 * from them by the kernel's children lists — a few files per process of the tree instead of
 * one per process of the machine. undefined when /proc has no children files (use
 * readProcTable then). Processes that are already zombies are kept (callers filter). */
export function readSubtree(roots: Iterable<number>): Map<number, ProcStat> | undefined {
  if (!hasChildrenFiles()) return undefined;
  const table = new Map<number, ProcStat>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (table.has(pid)) continue;
    const st = readProcStat(pid);
    if (!st) continue;
    table.set(pid, st);
    for (const child of childrenOf(pid)) if (!table.has(child)) queue.push(child);
  }
  return table;
}

/** Every live descendant of rootPid (children, grandchildren, …), by ppid links. A process
 * whose parent already exited was re-parented (to init or a subreaper) and is NOT found
 * here: the launcher keeps its own remembered set for that (see process.ts). */
export function listDescendants(rootPid: number): number[] {
  return descendantsIn(readProcTable(), [rootPid]);
}

let sysconfCache: { clkTck: number; pageSize: number } | undefined;

/** AT_PAGESZ and AT_CLKTCK from our own ELF auxiliary vector (/proc/self/auxv: pairs of
 * native words, type then value, ending with AT_NULL) — what sysconf() itself returns, read
 * without starting a process. undefined when unreadable or implausible. */
export function auxvSysconf(auxv: Buffer, wordBytes: number): { clkTck: number; pageSize: number } | undefined {
  const AT_PAGESZ = 6;
  const AT_CLKTCK = 17;
  const word = (at: number): number => (wordBytes === 8 ? Number(auxv.readBigUInt64LE(at)) : auxv.readUInt32LE(at));
  let clkTck = 0;
  let pageSize = 0;
  for (let at = 0; at + 2 * wordBytes <= auxv.length; at += 2 * wordBytes) {
    const type = word(at);
    if (type === 0) break;
    if (type === AT_PAGESZ) pageSize = word(at + wordBytes);
    if (type === AT_CLKTCK) clkTck = word(at + wordBytes);
  }
  const plausible = (v: number, max: number): boolean => Number.isSafeInteger(v) && v > 0 && v <= max;
  return plausible(clkTck, 100_000) && plausible(pageSize, 1 << 30) && (pageSize & (pageSize - 1)) === 0 ? { clkTck, pageSize } : undefined;
}

/** CLK_TCK and the page size, read once: from the auxiliary vector (little-endian 64-bit
 * Linux), else getconf, else Linux defaults (100, 4096). Both are constant for the life of
 * the machine. */
function sysconf(): { clkTck: number; pageSize: number } {
  if (sysconfCache) return sysconfCache;
  if (['x64', 'arm64', 'riscv64', 'loong64'].includes(process.arch)) {
    try {
      sysconfCache = auxvSysconf(readFileSync('/proc/self/auxv'), 8);
    } catch {
      // Fall through to getconf.
    }
    if (sysconfCache) return sysconfCache;
  }
  const read = (name: string, fallback: number): number => {
    try {
      const v = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 2000 }).trim());
      return Number.isFinite(v) && v > 0 ? v : fallback;
    } catch {
      return fallback;
    }
  };
  sysconfCache = { clkTck: read('CLK_TCK', 100), pageSize: read('PAGESIZE', 4096) };
  return sysconfCache;
}

function rssPages(pid: number): number {
  const text = readStatFile(`/proc/${pid}/statm`);
  const resident = Number(text?.split(/\s+/)[1]);
  return Number.isFinite(resident) ? resident : 0;
}

export interface TreeSample {
  pids: number[];
  /** CPU time of the live tree, including children it has already waited for (cutime,
   * cstime): so work done by short-lived, reaped subprocesses is counted, once. */
  cpuSeconds: number;
  /** Sum of resident set sizes (shared pages are counted once per process). */
  rssBytes: number;
}

/** CPU and memory of rootPid and its live descendants; undefined off Linux or when the
 * root is gone (or a zombie). Never throws. */
export function sampleProcessTree(rootPid: number): TreeSample | undefined {
  try {
    if (process.platform !== 'linux') return undefined;
    const table = readSubtree([rootPid]) ?? readProcTable();
    const root = table.get(rootPid);
    if (!root || root.state === 'Z') return undefined;
    const pids = [rootPid, ...descendantsIn(table, [rootPid])];
    const { clkTck, pageSize } = sysconf();
    let ticks = 0;
    let pages = 0;
    for (const pid of pids) {
      const st = table.get(pid);
      if (st && Number.isFinite(st.cpuTicks)) ticks += st.cpuTicks;
      pages += rssPages(pid);
    }
    return { pids, cpuSeconds: ticks / clkTck, rssBytes: pages * pageSize };
  } catch {
    return undefined;
  }
}
