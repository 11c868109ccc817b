// Live progress while a build runs: a redrawn status line on a TTY (phase, tasks, last
// heartbeat, warnings, stall), plain `[build-diag]` lines otherwise (CI logs).
import type { SessionEvent } from '../launch/session.js';
import type { RunStore } from '../core/store.js';
import { StatusLine, sanitizeForTerminal } from './terminal.js';

const REDRAW_MS = 250;

export class LiveView {
  private status: StatusLine | undefined;
  private phase = '';
  private expected = new Set<string>();
  private done = new Set<string>();
  private lastHeartbeatMs: number | undefined;
  private warnings = 0;
  private stall = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly startMs = Date.now();

  constructor(private readonly err: NodeJS.WriteStream, opts: { tty: boolean }) {
    if (opts.tty) {
      this.status = new StatusLine(err);
      this.timer = setInterval(() => this.redraw(), REDRAW_MS);
      this.timer.unref();
    }
  }

  output(target: NodeJS.WritableStream, chunk: Buffer): void {
    if (this.status) this.status.through(target, chunk);
    else target.write(chunk);
  }

  note(text: string): void {
    this.line(text);
  }

  private line(text: string): void {
    this.status?.clear();
    this.err.write(`[build-diag] ${sanitizeForTerminal(text)}\n`);
    this.status?.draw();
  }

  event(e: SessionEvent, _store: RunStore): void {
    switch (e.type) {
      case 'ingest':
        for (const ev of e.delta.events) this.onEvent(ev.name, ev.payload as Record<string, unknown>, e.delta.receivedAtMs);
        break;
      case 'warning':
        this.warnings++;
        this.line(`warning: ${e.message}`);
        break;
      case 'preflight':
        for (const d of e.datasets) if (d.status !== 'ok') this.line(`preflight: dataset ${d.dataset} ${d.status}${d.path ? ` (${d.path})` : ''}`);
        break;
      case 'stall': {
        const s = e.stall;
        if (e.state === 'start') {
          this.stall = `STALLED ${s.gapS.toFixed(0)}s`;
          this.line(`stall: no progress for ${s.gapS.toFixed(1)}s${s.active.length ? ` in ${s.active.join(', ')}` : ''}${s.pendingTasks.length ? `; pending ${s.pendingTasks.slice(0, 5).join(', ')}` : ''}${s.blockers.length ? `; blocked by ${s.blockers.join(', ')}` : ''}${s.cpuBusy === null ? '' : s.cpuBusy ? '; process busy' : '; process idle'}`);
        } else if (e.state === 'update') {
          this.stall = `STALLED ${s.gapS.toFixed(0)}s`;
        } else {
          this.stall = '';
          this.line(`progress resumed after a ${s.gapS.toFixed(1)}s stall`);
        }
        break;
      }
      case 'finished':
        break;
    }
  }

  private onEvent(name: string, p: Record<string, unknown>, atMs: number): void {
    if (name === 'build.phase.start' && typeof p.phase === 'string') this.setPhase(p.phase);
    else if (name === 'engine_spec_summary_v1' && Array.isArray(p.view_names)) {
      for (const v of p.view_names) if (typeof v === 'string') this.expected.add(v);
    } else if (name === 'plan_expected_tasks_v1' && Array.isArray(p.tasks)) {
      for (const v of p.tasks) if (typeof v === 'string') this.expected.add(v);
    } else if (name === 'engine_output_v1' && typeof p.table_name === 'string') this.done.add(p.table_name);
    else if (name === 'build_heartbeat_v1') {
      this.lastHeartbeatMs = atMs;
      if (typeof p.stage === 'string' && p.stage) this.phase = p.stage;
    }
  }

  private setPhase(phase: string): void {
    if (phase === this.phase) return;
    this.phase = phase;
    if (!this.status) this.line(`phase: ${phase}`);
  }

  private redraw(): void {
    if (!this.status) return;
    const elapsed = ((Date.now() - this.startMs) / 1000).toFixed(0);
    const parts = [`build-diag ${elapsed}s`];
    if (this.phase) parts.push(this.phase);
    if (this.expected.size > 0) parts.push(`tasks ${this.done.size}/${this.expected.size}`);
    if (this.lastHeartbeatMs !== undefined) parts.push(`heartbeat ${((Date.now() - this.lastHeartbeatMs) / 1000).toFixed(0)}s ago`);
    if (this.warnings) parts.push(`${this.warnings} warning${this.warnings > 1 ? 's' : ''}`);
    if (this.stall) parts.push(this.stall);
    this.status.set(parts.join(' · '));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.status?.clear();
    this.status = undefined;
  }
}
