// Canvas drawing of the timeline. Work per frame is bounded by what is visible: rows outside
// the viewport are skipped, each lane is binary-searched to the window, and runs of spans
// narrower than a pixel are skipped by searching ahead to the next pixel.
import type { SnapSpan } from '../../../src/protocol/schema.js';
import { fmtDuration } from '../format.js';
import type { Palette } from '../theme.js';
import type { TimeAxis } from './axis.js';
import { firstVisible, type Layout } from './layout.js';

export const RULER_H = 26;
export const ROW_H = 18;

export interface Viewport {
  /** Axis-time window. */
  c0: number;
  c1: number;
  scrollTop: number;
  width: number;
  height: number;
}

export interface DrawInput {
  spans: readonly SnapSpan[];
  layout: Layout;
  axis: TimeAxis;
  view: Viewport;
  pal: Palette;
  selected: number;
  /** Search matches (span index → true), or null when not searching. */
  matches: Uint8Array | null;
  stalls: { startMs: number; endMs: number }[];
  heartbeats: number[];
  runStartMs: number;
}

export function xOf(axis: TimeAxis, v: Viewport, t: number): number {
  return ((axis.toAxis(t) - v.c0) / (v.c1 - v.c0)) * v.width;
}

export function realAtX(axis: TimeAxis, v: Viewport, x: number): number {
  return axis.toReal(v.c0 + (x / v.width) * (v.c1 - v.c0));
}

function niceStep(raw: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-6))));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export function drawTimeline(ctx: CanvasRenderingContext2D, d: DrawInput): void {
  const { spans, layout, axis, view: v, pal } = d;
  ctx.fillStyle = pal.bg;
  ctx.fillRect(0, 0, v.width, v.height);
  ctx.font = `11px ${pal.font}`;
  ctx.textBaseline = 'middle';
  const tStart = realAtX(axis, v, 0);
  const tEnd = realAtX(axis, v, v.width);

  // Compressed idle gaps: a hatched band with its real length.
  for (const g of axis.gaps) {
    const x0 = ((g.c0 - v.c0) / (v.c1 - v.c0)) * v.width;
    const x1 = ((g.c1 - v.c0) / (v.c1 - v.c0)) * v.width;
    if (x1 < 0 || x0 > v.width) continue;
    ctx.fillStyle = pal.headerBg;
    ctx.fillRect(x0, RULER_H, Math.max(2, x1 - x0), v.height - RULER_H);
    ctx.strokeStyle = pal.border;
    ctx.beginPath();
    for (let y = RULER_H; y < v.height; y += 8) {
      ctx.moveTo(x0, y + 8);
      ctx.lineTo(x1, y);
    }
    ctx.stroke();
    ctx.fillStyle = pal.muted;
    ctx.fillText(`idle ${fmtDuration(g.endMs - g.startMs)}`, x0 + 2, RULER_H + 8, Math.max(40, x1 - x0));
  }

  // Stall intervals, shaded across every row.
  ctx.globalAlpha = 0.18;
  ctx.fillStyle = pal.warning;
  for (const s of d.stalls) {
    const x0 = xOf(axis, v, s.startMs);
    const x1 = xOf(axis, v, s.endMs);
    if (x1 < 0 || x0 > v.width) continue;
    ctx.fillRect(x0, RULER_H, Math.max(2, x1 - x0), v.height - RULER_H);
  }
  ctx.globalAlpha = 1;

  const firstRow = Math.max(0, Math.floor(v.scrollTop / ROW_H));
  const lastRow = Math.min(layout.rows.length - 1, Math.floor((v.scrollTop + v.height - RULER_H) / ROW_H));
  let selRect: [number, number, number] | null = null;
  for (let r = firstRow; r <= lastRow; r++) {
    const row = layout.rows[r]!;
    const y = RULER_H + r * ROW_H - v.scrollTop;
    if (row.kind === 'group') {
      ctx.fillStyle = pal.headerBg;
      ctx.fillRect(0, y, v.width, ROW_H);
      ctx.fillStyle = pal.fg;
      const g = layout.groups[row.group]!;
      ctx.fillText(`${row.label}  ·  ${g.spanCount} span${g.spanCount === 1 ? '' : 's'}, ${g.traceCount} trace${g.traceCount === 1 ? '' : 's'}`, 6, y + ROW_H / 2, v.width - 12);
      continue;
    }
    const colour = pal.series[row.group % pal.series.length]!;
    const lane = row.spans;
    let i = firstVisible(spans, lane, tStart);
    let lastPx = -Infinity;
    while (i < lane.length) {
      const si = lane[i]!;
      const s = spans[si]!;
      if (s.startMs > tEnd) break;
      const x0 = xOf(axis, v, s.startMs);
      const x1 = xOf(axis, v, s.endMs);
      const raw = x1 - x0;
      const w = Math.max(1, raw);
      const dim = d.matches !== null && d.matches[si] !== 1;
      if (si === d.selected) selRect = [x0, y, w];
      if (x0 + w > lastPx + 0.5 || s.status === 'error' || si === d.selected) {
        ctx.globalAlpha = dim ? 0.2 : 1;
        ctx.fillStyle = s.status === 'error' ? pal.error : colour;
        ctx.fillRect(x0, y + 2, w, ROW_H - 4);
        if (w > 40) {
          ctx.fillStyle = pal.bg;
          ctx.fillText(s.name, Math.max(x0, 0) + 3, y + ROW_H / 2, Math.min(w, v.width) - 6);
        }
        lastPx = x0 + w;
      }
      i++;
      if (raw < 1 && i < lane.length) {
        // Sub-pixel spans: jump to the first span that ends past this pixel (what ends
        // inside it is already painted over).
        const next = realAtX(axis, v, x0 + 1);
        const j = firstVisible(spans, lane.subarray(i), next) + i;
        if (j > i) i = j;
      }
    }
    ctx.globalAlpha = 1;
  }
  if (selRect) {
    ctx.strokeStyle = pal.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(selRect[0] - 1, selRect[1] + 1, selRect[2] + 2, ROW_H - 2);
    ctx.lineWidth = 1;
  }

  // Ruler: ticks in axis time labelled with real time since the run started.
  ctx.fillStyle = pal.headerBg;
  ctx.fillRect(0, 0, v.width, RULER_H);
  ctx.strokeStyle = pal.border;
  ctx.fillStyle = pal.muted;
  const step = niceStep(((v.c1 - v.c0) / v.width) * 90);
  ctx.beginPath();
  for (let c = Math.ceil(v.c0 / step) * step; c <= v.c1; c += step) {
    const x = ((c - v.c0) / (v.c1 - v.c0)) * v.width;
    ctx.moveTo(x, RULER_H - 6);
    ctx.lineTo(x, RULER_H);
    ctx.fillText(`+${fmtDuration(axis.toReal(c) - d.runStartMs)}`, x + 2, 8, 86);
  }
  ctx.stroke();
  // Heartbeat ticks along the bottom of the ruler.
  ctx.fillStyle = pal.series[1]!;
  for (const t of d.heartbeats) {
    if (t < tStart || t > tEnd) continue;
    ctx.fillRect(xOf(axis, v, t) - 1, RULER_H - 5, 2, 5);
  }
  ctx.fillStyle = pal.warning;
  for (const s of d.stalls) {
    const x = xOf(axis, v, s.startMs);
    if (x >= 0 && x <= v.width) ctx.fillText('stall', x + 2, RULER_H - 8, 40);
  }
}

/** The span under a point, with a few pixels of tolerance for thin spans. */
export function hitTest(d: Pick<DrawInput, 'spans' | 'layout' | 'axis' | 'view'>, x: number, y: number): number {
  if (y < RULER_H) return -1;
  const r = Math.floor((y - RULER_H + d.view.scrollTop) / ROW_H);
  const row = d.layout.rows[r];
  if (!row || row.kind !== 'lane') return -1;
  const t0 = realAtX(d.axis, d.view, x - 3);
  const t1 = realAtX(d.axis, d.view, x + 3);
  const tx = realAtX(d.axis, d.view, x);
  let best = -1;
  let bestDist = Infinity;
  for (let i = firstVisible(d.spans, row.spans, t0); i < row.spans.length; i++) {
    const s = d.spans[row.spans[i]!]!;
    if (s.startMs > t1) break;
    const dist = tx < s.startMs ? s.startMs - tx : tx > s.endMs ? tx - s.endMs : 0;
    if (dist < bestDist) {
      bestDist = dist;
      best = row.spans[i]!;
    }
  }
  return best;
}
