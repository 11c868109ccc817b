// The Timeline section: every span of the run on one compressed time axis, drawn on a
// canvas (DOM nodes per span stop scaling at a few thousand), with zoom, pan, search,
// keyboard control and a details pane for the selected span.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { data, dataVersion, report, revealTick, selectSpan, selected, spanIndexOf, timeFocus } from '../state.js';
import { isoMs } from '../format.js';
import { onThemeChange, palette } from '../theme.js';
import { TimeAxis } from './axis.js';
import { drawTimeline, hitTest, ROW_H, RULER_H, type Viewport } from './draw.js';
import { layoutSpans, type Layout } from './layout.js';
import { SpanDetails } from './details.js';

const BENCH = typeof location !== 'undefined' && location.hash === '#bench';

function useLayout(): Layout {
  const version = dataVersion.value;
  // Large live runs: re-layout at most once a second (deltas come up to 10/s).
  const [state, setState] = useState<{ v: number; layout: Layout }>(() => ({ v: version, layout: layoutSpans(data.spans) }));
  useEffect(() => {
    if (state.v === version) return;
    const delay = data.spans.length > 20_000 ? 1000 : 0;
    const t = setTimeout(() => setState({ v: version, layout: layoutSpans(data.spans) }), delay);
    return () => clearTimeout(t);
  }, [version, state.v]);
  return state.layout;
}

export function Timeline() {
  const layout = useLayout();
  const rep = report.value;
  const [compress, setCompress] = useState(true);
  const [query, setQuery] = useState('');
  const [matchPos, setMatchPos] = useState(0);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<Viewport>({ c0: 0, c1: 1, scrollTop: 0, width: 800, height: 400 });
  const frame = useRef(0);
  const sel = selected.value;
  const selIndex = sel ? spanIndexOf(sel.traceId, sel.spanId) ?? -1 : -1;

  const stalls = useMemo(() => {
    const end = isoMs(rep?.run.endedAt) ?? layout.t1;
    // An open stall lasts as long as its gap says (the host's clock, like the telemetry's),
    // even when no span has arrived since: that silence is the stall.
    const openEnd = (s: { lastProgressAt: string | null; gapS: number }) => Math.max(end, (isoMs(s.lastProgressAt) ?? 0) + s.gapS * 1000);
    return (rep?.stalls ?? []).map((s) => ({ startMs: isoMs(s.startedAt) ?? 0, endMs: isoMs(s.endedAt) ?? openEnd(s) }));
  }, [rep, layout]);
  const axis = useMemo(() => {
    const runStart = isoMs(rep?.run.startedAt);
    const t0 = Math.min(layout.t0, runStart ?? layout.t0);
    const t1 = Math.max(layout.t1, isoMs(rep?.run.endedAt) ?? layout.t1, ...stalls.map((s) => s.endMs));
    // A gap that holds a stall stays at full width: the stall is the point of looking.
    const gaps = compress
      ? (rep?.idleGaps ?? [])
          .map((g) => ({ startMs: isoMs(g.startedAt) ?? 0, endMs: isoMs(g.endedAt) ?? 0 }))
          .filter((g) => !stalls.some((s) => s.startMs < g.endMs && s.endMs > g.startMs))
      : [];
    const total = t1 - t0;
    return new TimeAxis(t0, t1, gaps, () => Math.max(total * 0.02, 1));
  }, [layout, rep, compress, stalls]);
  const heartbeats = useMemo(() => (rep?.heartbeats.samples ?? []).map((h) => isoMs(h.at) ?? 0), [rep]);
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (q === '') return null;
    const m = new Uint8Array(data.spans.length);
    const list: number[] = [];
    for (let i = 0; i < data.spans.length; i++) {
      if (data.spans[i]!.name.toLowerCase().includes(q)) {
        m[i] = 1;
        list.push(i);
      }
    }
    list.sort((a, b) => data.spans[a]!.startMs - data.spans[b]!.startMs);
    return { m, list };
  }, [query, layout]);

  const draw = () => {
    frame.current = 0;
    const cv = canvasRef.current;
    if (!cv) return;
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    const v = viewRef.current;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const t = BENCH ? performance.now() : 0;
    drawTimeline(ctx, {
      spans: data.spans, layout, axis, view: v, pal: palette(), selected: selIndex, matches: matches?.m ?? null,
      stalls, heartbeats, runStartMs: isoMs(rep?.run.startedAt) ?? layout.t0,
    });
    if (BENCH) performance.measure('bd:draw', { start: t, end: performance.now() });
  };
  const schedule = () => {
    if (!frame.current) frame.current = requestAnimationFrame(draw);
  };
  const clampScroll = () => {
    const v = viewRef.current;
    const max = Math.max(0, layout.rows.length * ROW_H - (v.height - RULER_H) + ROW_H);
    v.scrollTop = Math.min(Math.max(0, v.scrollTop), max);
  };
  const fit = () => {
    const v = viewRef.current;
    const pad = axis.total * 0.01;
    v.c0 = -pad;
    v.c1 = axis.total + pad;
    schedule();
  };
  const zoom = (factor: number, atX?: number) => {
    const v = viewRef.current;
    const fx = (atX ?? v.width / 2) / v.width;
    const c = v.c0 + fx * (v.c1 - v.c0);
    const w = Math.max((v.c1 - v.c0) * factor, 0.01);
    v.c0 = c - fx * w;
    v.c1 = v.c0 + w;
    schedule();
  };
  const pan = (dxPx: number, dyPx: number) => {
    const v = viewRef.current;
    const dc = (dxPx / v.width) * (v.c1 - v.c0);
    v.c0 -= dc;
    v.c1 -= dc;
    v.scrollTop -= dyPx;
    clampScroll();
    schedule();
  };
  const revealIndex = (i: number) => {
    const s = data.spans[i];
    const row = layout.rowOfSpan[i];
    if (!s || row === undefined || row < 0) return;
    const v = viewRef.current;
    const a0 = axis.toAxis(s.startMs);
    const a1 = axis.toAxis(s.endMs);
    const w = v.c1 - v.c0;
    if (a1 - a0 > w * 0.9 || a0 < v.c0 || a1 > v.c1) {
      const nw = Math.max(w * 0.05, Math.min(Math.max(w, (a1 - a0) * 1.25), axis.total * 1.02));
      v.c0 = (a0 + a1) / 2 - nw / 2;
      v.c1 = v.c0 + nw;
    }
    v.scrollTop = row * ROW_H - (v.height - RULER_H) / 2;
    clampScroll();
    schedule();
  };

  // Size the canvas to its box (device pixels for sharp text).
  useEffect(() => {
    const wrap = wrapRef.current;
    const cv = canvasRef.current;
    if (!wrap || !cv) return;
    const resize = () => {
      const r = wrap.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      const v = viewRef.current;
      v.width = Math.max(100, Math.floor(r.width));
      v.height = Math.max(120, Math.floor(r.height));
      cv.width = v.width * dpr;
      cv.height = v.height * dpr;
      cv.style.width = `${v.width}px`;
      cv.style.height = `${v.height}px`;
      schedule();
    };
    const ro = new ResizeObserver(resize);
    ro.observe(wrap);
    resize();
    const off = onThemeChange(schedule);
    return () => {
      ro.disconnect();
      off();
    };
  }, []);
  useEffect(fit, [axis]);
  useEffect(schedule);
  useEffect(() => {
    const f = timeFocus.value;
    if (f) {
      const v = viewRef.current;
      const a0 = axis.toAxis(f.startMs);
      const a1 = axis.toAxis(f.endMs);
      const pad = Math.max((a1 - a0) * 0.5, axis.total * 0.01);
      v.c0 = a0 - pad;
      v.c1 = a1 + pad;
      schedule();
    } else if (selIndex >= 0) revealIndex(selIndex);
  }, [revealTick.value, layout]);

  // Pointer: drag pans, a click without movement selects.
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const onPointerDown = (e: PointerEvent) => {
    drag.current = { x: e.clientX, y: e.clientY, moved: false };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) < 3) return;
    d.moved = true;
    d.x = e.clientX;
    d.y = e.clientY;
    pan(dx, dy);
  };
  const onPointerUp = (e: PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const r = canvasRef.current!.getBoundingClientRect();
    const i = hitTest({ spans: data.spans, layout, axis, view: viewRef.current }, e.clientX - r.left, e.clientY - r.top);
    const s = data.spans[i];
    selectSpan(s ? { traceId: s.traceId, spanId: s.spanId } : null, false);
  };
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const r = canvasRef.current!.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) zoom(Math.exp(e.deltaY * 0.002), e.clientX - r.left);
    else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) pan(-(e.deltaX || e.deltaY), 0);
    else pan(0, -e.deltaY);
  };
  const gotoMatch = (delta: number) => {
    if (!matches || matches.list.length === 0) return;
    const n = matches.list.length;
    const p = (((matchPos + delta) % n) + n) % n;
    setMatchPos(p);
    const i = matches.list[p]!;
    const s = data.spans[i]!;
    selectSpan({ traceId: s.traceId, spanId: s.spanId }, false);
    revealIndex(i);
  };
  const onKey = (e: KeyboardEvent) => {
    const v = viewRef.current;
    const handled = (() => {
      switch (e.key) {
        case 'ArrowLeft': pan(v.width * 0.1, 0); return true;
        case 'ArrowRight': pan(-v.width * 0.1, 0); return true;
        case 'ArrowUp': pan(0, ROW_H); return true;
        case 'ArrowDown': pan(0, -ROW_H); return true;
        case 'PageUp': pan(0, v.height - RULER_H - ROW_H); return true;
        case 'PageDown': pan(0, -(v.height - RULER_H - ROW_H)); return true;
        case '+': case '=': zoom(0.7); return true;
        case '-': case '_': zoom(1 / 0.7); return true;
        case 'Home': case '0': fit(); return true;
        case 'n': gotoMatch(1); return true;
        case 'N': gotoMatch(-1); return true;
        case 'Escape': selectSpan(null, false); return true;
        default: return false;
      }
    })();
    if (handled) e.preventDefault();
  };

  const sp = selIndex >= 0 ? data.spans[selIndex] : undefined;
  return (
    <div class="timeline">
      <div class="toolbar" role="toolbar" aria-label="Timeline controls">
        <label class="search">
          <span class="codicon codicon-search" aria-hidden="true" />
          <input
            type="search"
            aria-label="Search spans by name"
            placeholder="Search spans by name"
            value={query}
            onInput={(e) => {
              setQuery((e.currentTarget as HTMLInputElement).value);
              setMatchPos(-1);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') gotoMatch(e.shiftKey ? -1 : 1);
            }}
          />
        </label>
        <span class="muted" aria-live="polite" data-testid="match-count">
          {matches ? `${matches.list.length} match${matches.list.length === 1 ? '' : 'es'}` : `${data.spans.length} spans`}
        </span>
        <button type="button" class="icon" aria-label="Previous match" title="Previous match (Shift+Enter)" onClick={() => gotoMatch(-1)} disabled={!matches}>
          <span class="codicon codicon-arrow-up" aria-hidden="true" />
        </button>
        <button type="button" class="icon" aria-label="Next match" title="Next match (Enter)" onClick={() => gotoMatch(1)} disabled={!matches}>
          <span class="codicon codicon-arrow-down" aria-hidden="true" />
        </button>
        <span class="sep" />
        <button type="button" class="icon" aria-label="Zoom in" title="Zoom in (+)" onClick={() => zoom(0.5)}>
          <span class="codicon codicon-zoom-in" aria-hidden="true" />
        </button>
        <button type="button" class="icon" aria-label="Zoom out" title="Zoom out (-)" onClick={() => zoom(2)}>
          <span class="codicon codicon-zoom-out" aria-hidden="true" />
        </button>
        <button type="button" class="icon" aria-label="Fit the whole run" title="Fit (Home)" onClick={fit}>
          <span class="codicon codicon-screen-normal" aria-hidden="true" />
        </button>
        <label class="check">
          <input type="checkbox" checked={compress} onChange={(e) => setCompress((e.currentTarget as HTMLInputElement).checked)} />
          Compress idle gaps{axis.gaps.length > 0 ? ` (${axis.gaps.length})` : ''}
        </label>
        <span class="muted legend">
          <span class="swatch stall" aria-hidden="true" /> stall ({stalls.length}) <span class="swatch beat" aria-hidden="true" /> heartbeat
        </span>
      </div>
      <div class="timeline-body">
        <div class="canvas-wrap" ref={wrapRef}>
          <canvas
            ref={canvasRef}
            tabIndex={0}
            role="img"
            aria-label={`Timeline of ${data.spans.length} spans in ${layout.groups.length} stages. Arrow keys pan, plus and minus zoom, n jumps to the next search match.`}
            data-testid="timeline-canvas"
            data-stall-count={stalls.length}
            data-span-count={data.spans.length}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onWheel={onWheel}
            onKeyDown={onKey}
          />
        </div>
        <aside class="details" aria-label="Span details">
          {sp ? <SpanDetails span={sp} /> : <p class="muted">Select a span (click it, or search and press Enter) to see its attributes, events and logs.</p>}
        </aside>
      </div>
    </div>
  );
}
