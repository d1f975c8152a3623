/**
 * Arrivals per minute as bars (uPlot): canvas-drawn, cheap to redraw on every push. The y-axis
 * reads compact (5K · 10K · 15K) with room measured from its longest label.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { axisLabels, useFormat } from '../format';

export function ArrivalsChart({ points }: { points: ReadonlyArray<{ t: number; count: number }> }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(points);
  const fmt = useFormat();
  useEffect(() => {
    latest.current = points;
  }, [points]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const style = getComputedStyle(el);
    const accent = style.getPropertyValue('--accent').trim() || '#2563eb';
    const ink = style.getPropertyValue('--muted').trim() || '#666';
    const grid = style.getPropertyValue('--line').trim() || '#ddd';
    const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
    const u = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 220,
        legend: { show: false },
        cursor: { show: true, points: { show: false } },
        // Half a minute either side, and room on the right: the first and last bars whole, the
        // last minute's label not cut at the edge.
        padding: [null, 32, null, null],
        scales: { x: { time: false, range: (_u, min, max) => [min - 30_000, max + 30_000] } },
        axes: [
          {
            stroke: ink,
            grid: { stroke: grid, width: 1 },
            values: (_u, ticks) => ticks.map((t) => fmt.minute(t)),
            space: 70,
            incrs: [
              60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000,
              86_400_000,
            ],
          },
          {
            stroke: ink,
            grid: { stroke: grid, width: 1 },
            // Compact labels (20K, not a clipped "0,000"), and room for the longest of them.
            values: (_u, ticks) => {
              const labels = axisLabels(ticks);
              // Said again for screen readers (and tests): the canvas has no text of its own.
              el.dataset['yLabels'] = labels.join(' · ');
              return labels;
            },
            size: (_u, values) =>
              Math.max(36, 14 + 8 * Math.max(0, ...(values ?? []).map((v) => String(v).length))),
          },
        ],
        series: [
          {},
          {
            label: 'Arrivals/min',
            stroke: accent,
            fill: `${accent}aa`,
            ...(bars ? { paths: bars } : {}),
            points: { show: false },
          },
        ],
      },
      // A plot re-created (new time format) starts with the data already shown, not empty.
      [latest.current.map((p) => p.t), latest.current.map((p) => p.count)],
      el,
    );
    plot.current = u;
    const ro = new ResizeObserver(() =>
      u.setSize({ width: Math.max(300, el.clientWidth), height: 220 }),
    );
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [fmt]);

  useEffect(() => {
    plot.current?.setData([points.map((p) => p.t), points.map((p) => p.count)]);
  }, [points]);

  const total = points.reduce((a, p) => a + p.count, 0);
  return (
    <figure className="chart" data-testid="arrivals-chart" data-total={total}>
      <div
        ref={box}
        className="chart-box"
        role="img"
        aria-label={`Arrivals per minute, ${total} in the period shown`}
      />
    </figure>
  );
}
