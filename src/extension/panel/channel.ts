// The host side of the panel protocol without VS Code types, so it can be unit-tested:
// messages wait until the webview says `ready` (its script has loaded and listens), and live
// updates are coalesced into at most one delta per interval (≤ 10 per second by default).
import type { HostMessage } from '../../protocol/messages.js';

export class ReadyQueue {
  private ready = false;
  private queue: HostMessage[] = [];
  constructor(private readonly post: (msg: HostMessage) => void, private readonly maxQueued = 200) {}

  get isReady(): boolean {
    return this.ready;
  }

  send(msg: HostMessage): void {
    if (this.ready) {
      this.post(msg);
      return;
    }
    // While waiting, a newer snapshot makes everything before it (its parts and all deltas) moot.
    if (msg.type === 'snapshot') this.queue = this.queue.filter((m) => m.type !== 'snapshot' && m.type !== 'part' && m.type !== 'delta');
    this.queue.push(msg);
    if (this.queue.length > this.maxQueued) this.queue.splice(0, this.queue.length - this.maxQueued);
  }

  /** The webview (re)loaded: deliver what waited, in order. */
  markReady(): void {
    this.ready = true;
    const q = this.queue;
    this.queue = [];
    for (const m of q) this.post(m);
  }

  /** A snapshot waits to be delivered (built while the webview was loading). */
  get hasQueuedSnapshot(): boolean {
    return this.queue.some((m) => m.type === 'snapshot');
  }

  /** The webview went away (hidden without retained context, or reloading): it will say
   * ready again and get a fresh snapshot then, so run data waiting here is dropped. */
  markNotReady(): void {
    this.ready = false;
    this.queue = this.queue.filter((m) => m.type !== 'delta' && m.type !== 'snapshot' && m.type !== 'part');
  }
}

export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realScheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** Calls `flush` at most once per `intervalMs` after `poke()`; the first poke after a
 * quiet period flushes on the next tick, later ones wait for the interval to pass. */
export class Throttle {
  private timer: unknown;
  private last = -Infinity;
  constructor(private readonly flush: () => void, private readonly intervalMs = 100, private readonly sched: Scheduler = realScheduler) {}

  poke(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.sched.now());
    this.timer = this.sched.setTimeout(() => {
      this.timer = undefined;
      this.last = this.sched.now();
      this.flush();
    }, wait);
  }

  dispose(): void {
    if (this.timer !== undefined) this.sched.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
