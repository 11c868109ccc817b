// Parsers for the stack traces a build prints: Python tracebacks (with `During handling…` /
// `The above exception…` chains) and Node.js `Error.stack` text (with `[cause]:` chains).
// Both produce one shape: a chain of exceptions from the first raised to the last, each with
// frames from the outermost call to the innermost. Input is untrusted text: lines are
// length-capped and nothing here throws or backtracks badly.

export interface StackFrame {
  file: string;
  line: number;
  column: number | null;
  function: string | null;
}

export interface ParsedException {
  type: string;
  message: string;
  /** Outermost call first, innermost (where it was raised) last. */
  frames: StackFrame[];
}

export interface ParsedTraceback {
  kind: 'python' | 'node';
  /** Cause first; the last element is the exception that ended the program/was reported. */
  chain: ParsedException[];
  /** Index of the first and last input line that belongs to this trace. */
  firstLine: number;
  lastLine: number;
}

const MAX_LINE = 4000;
const MAX_FRAMES = 200;
const MAX_CHAIN = 20;
const MAX_MESSAGE_LINES = 10;
const MAX_MESSAGE_CHARS = 2000;

const PY_START = /^\s*(?:Exception Group )?Traceback \(most recent call last\):\s*$/;
const PY_CHAIN = /^\s*(During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)\s*$/;
const PY_FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+?))?\s*$/;
// `pkg.mod.Error: message`, `KeyboardInterrupt`, `ValueError:`. Type names are dotted words.
const PY_EXC = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;
// A line that begins a new log record, so it is not part of a multi-line message:
// `LEVEL:logger:msg` (logging's default format) or `2026-02-01 12:00:00,000 …`.
const LOG_LINE = /^(?:[A-Z]{3,9}:[\w.<>-]*:|\d{4}-\d\d-\d\d[ T]\d\d:\d\d)/;

function cap(line: string): string {
  const l = typeof line === 'string' ? line : String(line);
  return (l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l).replace(/\r$/, '');
}

function capMessage(lines: string[]): string {
  const m = lines.join('\n');
  return m.length > MAX_MESSAGE_CHARS ? `${m.slice(0, MAX_MESSAGE_CHARS - 1)}…` : m;
}

/** Python's exception-group tracebacks prefix lines with `  | `; strip that framing. */
function unframe(line: string): string {
  const m = /^(\s*[|+]\s?(?:-+[^-]*-+)?\s?)+/.exec(line);
  if (!m || !/[|+]/.test(m[0])) return line;
  return line.slice(m[0].length);
}

/** Parse one Python traceback block starting at `i` (a `Traceback …` line). */
function parsePyBlock(lines: string[], i: number): { exc: ParsedException; next: number } | undefined {
  const frames: StackFrame[] = [];
  let j = i + 1;
  for (; j < lines.length; j++) {
    const raw = cap(unframe(lines[j]!));
    const f = PY_FRAME.exec(raw);
    if (f) {
      if (frames.length < MAX_FRAMES) frames.push({ file: f[1]!, line: Number(f[2]), column: null, function: f[3] ?? null });
      continue;
    }
    // Source lines, caret lines (`^^^^`) and `[Previous line repeated N more times]` are
    // indented; the exception line is not.
    if (/^\s/.test(raw) || raw === '') continue;
    break;
  }
  if (j >= lines.length) return frames.length > 0 ? { exc: { type: 'UnknownError', message: '', frames }, next: j } : undefined;
  const excLine = cap(unframe(lines[j]!)).trim();
  const m = PY_EXC.exec(excLine);
  const type = m ? m[1]! : 'UnknownError';
  const msgLines: string[] = [m ? (m[2] ?? '') : excLine];
  let k = j + 1;
  for (; k < lines.length && msgLines.length < MAX_MESSAGE_LINES; k++) {
    const l = cap(lines[k]!);
    if (l.trim() === '' || PY_START.test(l) || PY_CHAIN.test(l) || LOG_LINE.test(l) || PY_FRAME.test(l)) break;
    msgLines.push(l);
  }
  return { exc: { type, message: capMessage(msgLines).trim(), frames }, next: k };
}

/** Every Python traceback in `lines` (e.g. consecutive stderr records), chains joined. */
export function parsePythonTracebacks(lines: string[]): ParsedTraceback[] {
  const out: ParsedTraceback[] = [];
  let current: ParsedTraceback | undefined;
  let chained = false;
  let i = 0;
  while (i < lines.length) {
    const line = cap(unframe(lines[i]!));
    if (PY_CHAIN.test(line)) {
      chained = current !== undefined;
      i++;
      continue;
    }
    if (PY_START.test(line)) {
      const parsed = parsePyBlock(lines, i);
      if (!parsed) {
        i++;
        continue;
      }
      if (chained && current && current.chain.length < MAX_CHAIN) {
        current.chain.push(parsed.exc);
        current.lastLine = parsed.next - 1;
      } else {
        current = { kind: 'python', chain: [parsed.exc], firstLine: i, lastLine: parsed.next - 1 };
        out.push(current);
      }
      chained = false;
      i = Math.max(parsed.next, i + 1);
      continue;
    }
    // Blank lines may sit between a chain marker and the next traceback; anything else
    // ends the chain.
    if (line.trim() !== '') {
      if (!chained) current = undefined;
      else if (!/^\s/.test(line)) {
        chained = false;
        current = undefined;
      }
    }
    i++;
  }
  return out;
}

// `    at fn (/path/file.js:10:5)`, `    at /path/file.js:10:5`, `at async fn (file:///x.mjs:1:2)`.
// Node prints an error's own properties after the last frame, opening with ` {`.
const NODE_FRAME = /^\s*at (?:(.*?) \()?((?:file:\/\/)?[^()]*?):(\d+):(\d+)\)?(?: \{)?\s*$/;
const NODE_FRAME_NOLOC = /^\s*at .*\((?:native|<anonymous>|index \d+)\)(?: \{)?\s*$|^\s*at <anonymous>\s*$/;
// `Error: boom`, `TypeError [ERR_X]: msg`, `Uncaught Error: x`, `[cause]: Error: inner`.
const NODE_HEADER = /^\s*(\[cause\]:\s*)?(?:Uncaught\s+)?([A-Za-z_$][\w$.]*)(?:\s\[[^\]]{1,100}\])?(?::\s?(.*))?$/;

function isNodeFrame(l: string): boolean {
  return NODE_FRAME.test(l) || NODE_FRAME_NOLOC.test(l);
}

/** Every Node.js stack in `lines`. A stack is a header line (`Type: message`) followed by
 * `at …` frames (innermost first, as V8 prints them); `[cause]: …` headers chain the cause
 * to the error above it. */
export function parseNodeStacks(lines: string[]): ParsedTraceback[] {
  const out: ParsedTraceback[] = [];
  let current: ParsedTraceback | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = cap(lines[i]!);
    const next = i + 1 < lines.length ? cap(lines[i + 1]!) : '';
    if (line.trim() !== '' && !isNodeFrame(line) && isNodeFrame(next)) {
      // A header that is not `Type: message` (a thrown string, a multi-line message's last
      // line) still names the failure.
      const h = NODE_HEADER.exec(line) ?? [line, undefined, 'Error', line.trim()];
      const frames: StackFrame[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const l = cap(lines[j]!);
        if (!isNodeFrame(l)) {
          if (/^\s*\.\.\. \d+ more lines? matching cause stack trace/.test(l)) continue;
          break;
        }
        const f = NODE_FRAME.exec(l);
        if (f && frames.length < MAX_FRAMES) {
          frames.push({ file: f[2]!, line: Number(f[3]), column: Number(f[4]), function: f[1] ? f[1].replace(/^async /, '') : null });
        }
      }
      frames.reverse(); // V8 prints the innermost frame first
      const exc: ParsedException = { type: h[2]!, message: (h[3] ?? '').trim().slice(0, MAX_MESSAGE_CHARS), frames };
      if (h[1] && current && current.chain.length < MAX_CHAIN) {
        current.chain.unshift(exc); // a cause happened before the error that wraps it
        current.lastLine = j - 1;
      } else if (!h[1]) {
        current = { kind: 'node', chain: [exc], firstLine: i, lastLine: j - 1 };
        out.push(current);
      }
      i = j;
      continue;
    }
    // `    }` / `  code: 'X'` lines of an error's own properties sit between a stack and
    // its `[cause]`; only a new unindented line ends the stack.
    if (line.trim() !== '' && !/^\s/.test(line) && line.trim() !== '}') current = undefined;
    i++;
  }
  return out;
}

/** Both parsers over the same text; each trace once, in order of appearance. */
export function parseStackText(text: string): ParsedTraceback[] {
  const lines = text.length > 1_000_000 ? text.slice(0, 1_000_000).split(/\r?\n/) : text.split(/\r?\n/);
  return [...parsePythonTracebacks(lines), ...parseNodeStacks(lines)].sort((a, b) => a.firstLine - b.firstLine);
}
