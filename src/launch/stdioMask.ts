// Masking the build's stdout/stderr bytes line by line before they are stored (stdio.log)
// or turned into log records, so a secret the build prints is kept nowhere. Bytes of a line
// that needs no masking are passed through untouched (ANSI colours, even invalid UTF-8);
// only a masked line is re-encoded. One per stream (a private-key block spans lines).
import { LineMasker, type Redactor } from '../core/safety/redact.js';

const LF = 0x0a;
/** A line longer than this is masked and passed on in pieces (bounded memory); a secret
 * straddling the cut may escape the value rules — LineSplitter caps records at 64 KiB too. */
const MAX_PENDING = 64 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: false });

export class StdioMasker {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly lines: LineMasker;

  constructor(private readonly redactor: Redactor) {
    this.lines = new LineMasker(redactor);
  }

  /** The masked bytes of the complete lines in `chunk` (plus earlier partial data). */
  push(chunk: Buffer): Buffer {
    if (!this.redactor.enabled) return chunk;
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(LF, pos);
      if (nl < 0) {
        this.pending.push(chunk.subarray(pos));
        this.pendingBytes += chunk.length - pos;
        if (this.pendingBytes > MAX_PENDING) out.push(this.takeLine(Buffer.alloc(0), false));
        break;
      }
      out.push(this.takeLine(chunk.subarray(pos, nl + 1), true));
      pos = nl + 1;
    }
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** Whatever partial line is left, masked (end of stream). */
  flush(): Buffer {
    if (this.pendingBytes === 0) return Buffer.alloc(0);
    return this.takeLine(Buffer.alloc(0), false);
  }

  private takeLine(tail: Buffer, endsWithLf: boolean): Buffer {
    const raw = this.pending.length === 0 ? tail : Buffer.concat([...this.pending, tail]);
    this.pending = [];
    this.pendingBytes = 0;
    const body = endsWithLf ? raw.subarray(0, raw.length - 1) : raw;
    const text = decoder.decode(body);
    const masked = this.lines.mask(text);
    if (masked === text) return Buffer.from(raw);
    return Buffer.from(endsWithLf ? masked + '\n' : masked, 'utf8');
  }
}
