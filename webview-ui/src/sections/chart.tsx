// A small uPlot line chart, themed from the palette and resized with its box.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { onThemeChange, palette } from '../theme.js';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

export function Chart({ title, xs, series, unit }: { title: string; xs: number[]; series: ChartSeries[]; unit?: (v: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || xs.length === 0) return;
    let plot: uPlot | undefined;
    const build = () => {
      plot?.destroy();
      const pal = palette();
      const axis = { stroke: pal.muted, grid: { stroke: pal.border, width: 1 }, ticks: { stroke: pal.border, width: 1 } };
      plot = new uPlot(
        {
          width: Math.max(200, el.clientWidth),
          height: 180,
          series: [
            {},
            ...series.map((s, i) => ({ label: s.label, stroke: pal.series[i % pal.series.length], width: 1.5, spanGaps: true, ...(unit ? { value: (_u: uPlot, v: number | null) => (v === null ? '—' : unit(v)) } : {}) })),
          ],
          axes: [{ ...axis }, { ...axis, ...(unit ? { values: (_u: uPlot, vals: number[]) => vals.map(unit), size: 70 } : {}) }],
          legend: { live: true },
          cursor: { drag: { x: true, y: false } },
        },
        [xs, ...series.map((s) => s.values)] as uPlot.AlignedData,
        el,
      );
    };
    build();
    const ro = new ResizeObserver(() => plot?.setSize({ width: Math.max(200, el.clientWidth), height: 180 }));
    ro.observe(el);
    const off = onThemeChange(build);
    return () => {
      ro.disconnect();
      off();
      plot?.destroy();
    };
  }, [xs, series]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {xs.length === 0 ? <p class="muted">No samples.</p> : <div ref={box} role="img" aria-label={`${title} chart, ${xs.length} samples`} />}
    </figure>
  );
}
