// A log body as text: ANSI colours become class names on spans; the text itself is always
// a text node (JSX children), so `<script>` in a log line is shown, never run.
import { ansiClasses, parseAnsi } from '../ansi.js';
import type { SnapLog } from '../../../src/protocol/schema.js';

export function LogText({ log, firstLineOnly = false }: { log: SnapLog; firstLineOnly?: boolean }) {
  let body = log.body;
  let more = 0;
  if (firstLineOnly) {
    const nl = body.indexOf('\n');
    if (nl >= 0) {
      more = body.split('\n').length - 1;
      body = body.slice(0, nl);
    }
  }
  const extra = more > 0 ? <span class="muted"> (+{more} lines)</span> : null;
  if (!log.ansi) return <span class="log-text">{body}{extra}</span>;
  return (
    <span class="log-text">
      {parseAnsi(body).map((seg, i) => {
        const cls = ansiClasses(seg.style);
        return cls ? <span key={i} class={cls}>{seg.text}</span> : seg.text;
      })}
      {extra}
    </span>
  );
}
