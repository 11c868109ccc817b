// Terminal output helpers. Telemetry is untrusted: strip control characters (escape
// sequences could rewrite the user's terminal) before printing anything that came from it.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function sanitizeForTerminal(s: string): string {
  return s.replace(CONTROL, (c) => (c === '\t' ? ' ' : '\uFFFD'));
}

/** One status line on a TTY, redrawn in place; output written through it clears it first. */
export class StatusLine {
  private text = '';
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  set(text: string): void {
    const cols = this.stream.columns || 100;
    this.text = sanitizeForTerminal(text).slice(0, Math.max(10, cols - 1));
    this.draw();
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  draw(): void {
    if (!this.text) return;
    this.stream.write(`\r\x1b[2K\x1b[2m${this.text}\x1b[0m`);
    this.shown = true;
  }

  /** Write output above the status line. */
  through(target: NodeJS.WritableStream, chunk: Buffer | string): void {
    this.clear();
    target.write(chunk);
    // Only redraw after a complete line so partial lines are not broken by the status.
    const s = typeof chunk === 'string' ? chunk : chunk.toString('utf8', Math.max(0, chunk.length - 1));
    if (s.endsWith('\n')) this.draw();
  }
}
