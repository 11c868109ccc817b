// ANSI SGR colours in log lines, parsed into styled text segments. The output is data
// (text + class names) that the view renders as text nodes: an escape sequence can change a
// colour, never markup. Other escape sequences (cursor moves, erase line, OSC titles and
// hyperlinks) are dropped. ECMA-48 §8.3.117 for the SGR parameters.

export interface AnsiStyle {
  fg: number | null;
  bg: number | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

const PLAIN: AnsiStyle = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };

// CSI ... final byte, OSC ... (BEL | ST), and lone ESC + one char.
// eslint-disable-next-line no-control-regex
const ESCAPE_RE = /\u001b\[([0-9;:?]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?/g;

function apply(style: AnsiStyle, params: string): AnsiStyle {
  const s = { ...style };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === 0) Object.assign(s, PLAIN);
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = c - 30;
    else if (c >= 90 && c <= 97) s.fg = c - 90 + 8;
    else if (c === 39) s.fg = null;
    else if (c >= 40 && c <= 47) s.bg = c - 40;
    else if (c >= 100 && c <= 107) s.bg = c - 100 + 8;
    else if (c === 49) s.bg = null;
    else if (c === 38 || c === 48) {
      // 256-colour (5;n) keeps the 16 theme colours; true colour (2;r;g;b) and the rest
      // of the 256 palette fall back to the default so the theme stays readable.
      const mode = codes[i + 1];
      if (mode === 5) {
        const n = codes[i + 2] ?? -1;
        if (n >= 0 && n < 16) {
          if (c === 38) s.fg = n;
          else s.bg = n;
        }
        i += 2;
      } else if (mode === 2) i += 4;
    }
  }
  return s;
}

/** Split a line into styled segments; the concatenated texts are the line without escapes. */
export function parseAnsi(input: string): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  let style = PLAIN;
  let last = 0;
  ESCAPE_RE.lastIndex = 0;
  for (let m = ESCAPE_RE.exec(input); m; m = ESCAPE_RE.exec(input)) {
    if (m.index > last) out.push({ text: input.slice(last, m.index), style });
    if (m[2] === 'm') style = apply(style, m[1] ?? '');
    last = ESCAPE_RE.lastIndex;
    if (m[0].length === 0) ESCAPE_RE.lastIndex++;
  }
  if (last < input.length) out.push({ text: input.slice(last), style });
  return out.filter((seg) => seg.text.length > 0);
}

export function stripAnsi(input: string): string {
  return parseAnsi(input).map((s) => s.text).join('');
}

/** CSS classes for a segment (styles.css maps them to the terminal theme colours). */
export function ansiClasses(style: AnsiStyle): string {
  const c: string[] = [];
  if (style.fg !== null) c.push(`ansi-fg-${style.fg}`);
  if (style.bg !== null) c.push(`ansi-bg-${style.bg}`);
  if (style.bold) c.push('ansi-bold');
  if (style.dim) c.push('ansi-dim');
  if (style.italic) c.push('ansi-italic');
  if (style.underline) c.push('ansi-underline');
  return c.join(' ');
}
