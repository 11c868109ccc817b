// The live output of a build started from the palette (Run Build, Rerun Last Build): a
// pseudoterminal per build named "Build Diagnostics: <build>", the child's bytes passed
// through as they come (colours kept, as in a build task's terminal), then one summary
// line. Why a terminal and not an output channel: output channels do not render ANSI
// colours, and a terminal gives Ctrl+C to stop the build. Closing the terminal only stops
// showing the output; the build goes on (stdio.log in the bundle has every byte).
// Lifetime: extension; a build's previous terminal is replaced by its next run's.
import * as vscode from 'vscode';
import { StringDecoder } from 'node:string_decoder';
import type { Launcher } from './launcher.js';
import type { LiveRun } from './runController.js';
import type { BuildSetting } from './settings.js';
import { Lifetime } from './lifetime.js';
import { toTerminal } from './terminalText.js';
import { formatDuration } from './viewModel.js';

/** Output kept for a terminal that has not opened yet (VS Code drops writes before open). */
const MAX_PENDING_CHARS = 1024 * 1024;

class OutputPty implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writer.event;
  private pending: string[] | undefined = [];
  private pendingChars = 0;
  private closed = false;
  private run: LiveRun | undefined;
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(private readonly name: string) {}

  open(): void {
    const p = this.pending ?? [];
    this.pending = undefined;
    for (const s of p) this.writer.fire(s);
  }

  close(): void {
    this.closed = true;
    this.pending = undefined;
    this.writer.dispose();
  }

  handleInput(data: string): void {
    if (data === '\x03' && this.run?.running) {
      this.write('^C stopping…\n');
      void this.run.stop();
    }
  }

  output(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this.write(this.decoders[stream].write(chunk));
  }

  private write(text: string): void {
    if (this.closed || text === '') return;
    const s = toTerminal(text);
    if (!this.pending) {
      this.writer.fire(s);
      return;
    }
    this.pending.push(s);
    this.pendingChars += s.length;
    while (this.pendingChars > MAX_PENDING_CHARS && this.pending.length > 1) this.pendingChars -= this.pending.shift()!.length;
  }

  attach(run: LiveRun): void {
    this.run = run;
    this.write(`\x1b[1mBuild Diagnostics\x1b[0m: running ${this.name} (Ctrl+C stops it)\n`);
    void run.done.then(() => {
      if (run.error) {
        this.write(`\nBuild Diagnostics — ${this.name} did not start: ${run.error.message}\n`);
        return;
      }
      const info = run.result?.info;
      if (!info) return;
      this.write(`\n\x1b[1mBuild Diagnostics\x1b[0m — ${this.name}: ${info.outcome} in ${formatDuration(info.durationMs)}; bundle ${run.bundleDir}\n`);
    });
  }
}

export class RunTerminals extends Lifetime {
  private readonly terminals = new Map<string, vscode.Terminal>();

  constructor() {
    super();
    this.register(
      vscode.window.onDidCloseTerminal((t) => {
        for (const [k, v] of this.terminals) if (v === t) this.terminals.delete(k);
      }),
    );
    this.register({ dispose: () => [...this.terminals.values()].forEach((t) => t.dispose()) });
  }

  /** Starts `b` through the launcher with its output in the build's terminal (shown
   * without taking the focus). Undefined when the launcher refused (it said why). */
  start(launcher: Launcher, b: BuildSetting): LiveRun | undefined {
    const pty = new OutputPty(b.name);
    const run = launcher.start(b, { onOutput: (stream, chunk) => pty.output(stream, chunk) });
    if (!run) return undefined;
    this.terminals.get(b.name)?.dispose();
    const terminal = vscode.window.createTerminal({ name: `Build Diagnostics: ${b.name}`, pty, iconPath: new vscode.ThemeIcon('tools'), isTransient: true });
    this.terminals.set(b.name, terminal);
    pty.attach(run);
    terminal.show(true);
    return run;
  }
}
