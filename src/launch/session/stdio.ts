// The child's stdout and stderr: passed through raw to the live view (the user's own
// terminal), masked before anything is stored or forwarded, split into lines that become
// trace-correlated log records.
import type { Resource, Scope } from '../../core/model.js';
import { STDIO_SCOPE_NAME } from '../../core/otlp/normalize.js';
import { LineSplitter } from '../lines.js';
import { lineToLogRecord } from '../stdioLogs.js';
import { StdioMasker } from '../stdioMask.js';
import type { RunIngest } from './ingest.js';

type Stream = 'stdout' | 'stderr';
const SCOPE: Scope = { name: STDIO_SCOPE_NAME };

export class StdioCapture {
  private readonly streams = new Map<Stream, { splitter: LineSplitter; masker: StdioMasker }>();

  constructor(
    private readonly ingest: RunIngest,
    private readonly resource: Resource,
    private readonly onOutput?: (stream: Stream, chunk: Buffer) => void,
  ) {}

  attach(stream: Stream, readable: NodeJS.ReadableStream): void {
    const state = { splitter: new LineSplitter(), masker: new StdioMasker(this.ingest.redactor) };
    this.streams.set(stream, state);
    readable.on('data', (chunk: Buffer) => {
      this.onOutput?.(stream, chunk);
      this.store(stream, state.masker.push(chunk));
    });
  }

  /** After exit: what is left of partial lines. */
  flush(): void {
    for (const [stream, { splitter, masker }] of this.streams) {
      this.store(stream, masker.flush());
      this.lines(stream, splitter.flush());
    }
  }

  private store(stream: Stream, masked: Buffer): void {
    if (masked.length === 0) return;
    this.ingest.stdio(masked);
    this.lines(stream, this.streams.get(stream)!.splitter.push(masked));
  }

  private lines(stream: Stream, lines: string[]): void {
    if (lines.length === 0) return;
    const now = BigInt(Date.now()) * 1_000_000n;
    this.ingest.own(
      lines.map((l) => lineToLogRecord(l, stream, now, this.resource, SCOPE)),
      true,
    );
  }
}
