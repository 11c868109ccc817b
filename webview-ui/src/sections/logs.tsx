// The Logs section: every log line of the run (OTLP records and the child's stdout/stderr),
// virtualized, with a severity floor, text search, tail mode and links to spans.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { data, dataVersion, logFilter, logFocus, logsVersion, selectSpan, spanIndexOf } from '../state.js';
import { SEVERITY_RANK } from '../state.js';
import { fmtClock } from '../format.js';
import { stripAnsi } from '../ansi.js';
import { useVirtualList } from '../virtual.js';
import { LogText } from './logtext.js';
import type { Severity } from '../../../src/protocol/schema.js';

const ROW_H = 20;
const LEVELS: Severity[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

export function Logs() {
  const version = logsVersion.value;
  dataVersion.value; // spans arriving turn lines into links
  const f = logFilter.value;
  const focus = logFocus.value;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [chosen, setChosen] = useState<number | null>(null);

  // Lines arrive by source (stdout, OTLP batches) rather than by time: show them by time,
  // arrival order breaking ties.
  const order = useMemo(() => {
    const idx = Array.from({ length: data.logs.length }, (_, i) => i);
    return idx.sort((a, b) => data.logs[a]!.timeMs - data.logs[b]!.timeMs || a - b);
  }, [version]);
  const rows = useMemo(() => {
    const q = f.text.trim().toLowerCase();
    const floor = SEVERITY_RANK[f.minSeverity];
    const out: number[] = [];
    for (const i of order) {
      const l = data.logs[i]!;
      if (SEVERITY_RANK[l.severity] < floor) continue;
      if (q !== '' && !(l.ansi ? stripAnsi(l.body) : l.body).toLowerCase().includes(q)) continue;
      out.push(i);
    }
    // A focused line (from a span's details) stays visible whatever the filter.
    if (focus !== null && focus < data.logs.length && !out.includes(focus)) {
      out.push(focus);
      out.sort((a, b) => data.logs[a]!.timeMs - data.logs[b]!.timeMs || a - b);
    }
    return out;
  }, [order, f.text, f.minSeverity, focus]);

  const virt = useVirtualList(rows.length, ROW_H, () => scrollRef.current);
  useEffect(() => {
    if (f.tail && rows.length > 0) virt.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [rows, f.tail]);
  useEffect(() => {
    if (focus === null) return;
    const pos = rows.indexOf(focus);
    if (pos >= 0) virt.scrollToIndex(pos, { align: 'center' });
    setChosen(focus);
  }, [focus, rows]);

  const set = (patch: Partial<typeof f>) => (logFilter.value = { ...f, ...patch });
  const detail = chosen !== null ? data.logs[chosen] : undefined;
  return (
    <div class="logs">
      <div class="toolbar" role="toolbar" aria-label="Log filters">
        <label class="search">
          <span class="codicon codicon-filter" aria-hidden="true" />
          <input type="search" aria-label="Filter log lines by text" placeholder="Filter by text" value={f.text} onInput={(e) => set({ text: (e.currentTarget as HTMLInputElement).value })} />
        </label>
        <label>
          Severity at least{' '}
          <select aria-label="Minimum severity" value={f.minSeverity} onChange={(e) => set({ minSeverity: (e.currentTarget as HTMLSelectElement).value as Severity })}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>{l}</option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={f.tail} onChange={(e) => set({ tail: (e.currentTarget as HTMLInputElement).checked })} /> Tail
        </label>
        <span class="muted" aria-live="polite" data-testid="log-count">
          {rows.length} of {data.logs.length} lines{data.pending.logs > 0 ? ` (loading ${data.pending.logs} more)` : ''}{data.omitted.logs > 0 ? ` (${data.omitted.logs} not loaded)` : ''}
        </span>
      </div>
      <div class="log-scroll" ref={scrollRef} role="list" aria-label="Log lines" tabIndex={0} data-testid="log-list">
        <div style={{ height: `${virt.getTotalSize()}px`, position: 'relative' }}>
          {virt.getVirtualItems().map((item) => {
            const li = rows[item.index]!;
            const l = data.logs[li]!;
            const linked = l.traceId && l.spanId && spanIndexOf(l.traceId, l.spanId) !== undefined;
            return (
              <div
                key={li}
                role="listitem"
                class={`log-row${li === chosen ? ' chosen' : ''} sevrow-${l.severity}`}
                style={{ transform: `translateY(${item.start}px)`, height: `${ROW_H}px` }}
                onClick={() => setChosen(li)}
              >
                <span class="log-time">{fmtClock(l.timeMs)}</span>
                <span class={`sev sev-${l.severity}`}>{l.severity === 'UNSPECIFIED' ? '' : l.severity}</span>
                <span class="log-stream muted">{l.stream}</span>
                {linked ? (
                  <button type="button" class="link span-link" aria-label="Show the span of this line" title="Show span in timeline" onClick={(e) => {
                    e.stopPropagation();
                    selectSpan({ traceId: l.traceId!, spanId: l.spanId! });
                  }}>
                    <span class="codicon codicon-debug-stackframe" aria-hidden="true" />
                  </button>
                ) : (
                  <span class="span-link" />
                )}
                <LogText log={l} firstLineOnly />
              </div>
            );
          })}
        </div>
      </div>
      {detail ? (
        <div class="log-detail" aria-label="Selected log line">
          <pre><LogText log={detail} /></pre>
        </div>
      ) : null}
    </div>
  );
}
