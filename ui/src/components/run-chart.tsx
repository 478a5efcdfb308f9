import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { JobRun } from '../data/types.js';
import { timeRange, valueRange, valueUnit } from '../model/chart-range.js';
import { runTimePercentiles } from '../model/percentiles.js';
import { plural } from '../model/plural.js';
import { duration } from '../model/time-words.js';

/** Run time per run (by due time) with the 50th, 95th and 99th percentiles as lines. */
export function RunChart({ runs }: { runs: JobRun[] }) {
  const box = useRef<HTMLDivElement>(null);
  const timed = runs.filter((r) => r.runTimeMs !== null).sort((a, b) => a.dueAtMs - b.dueAtMs);
  const p = runTimePercentiles(timed.map((r) => r.runTimeMs!));
  const key = timed.map((r) => `${r.dueAtMs}:${r.runTimeMs}`).join(',');
  // The plot is rebuilt only when the points change (key), from what the last render computed.
  const latest = useRef({ timed, p });
  latest.current = { timed, p };
  useEffect(() => {
    void key;
    const { timed, p } = latest.current;
    const el = box.current;
    if (!el || timed.length === 0) return;
    const xs = timed.map((r) => r.dueAtMs / 1000);
    const unit = valueUnit(timed.map((r) => r.runTimeMs!));
    const ys = timed.map((r) => r.runTimeMs! * unit.perMs);
    const flat = (v: number | undefined) => xs.map(() => (v === undefined ? null : v * unit.perMs));
    const css = getComputedStyle(document.documentElement);
    const color = (name: string) => css.getPropertyValue(name).trim() || '#888';
    const width = Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 220,
        scales: {
          x: { time: true, range: () => timeRange(xs) ?? [0, 1] },
          y: { range: () => valueRange(ys) },
        },
        axes: [
          { stroke: color('--muted'), grid: { stroke: color('--line') } },
          { stroke: color('--muted'), grid: { stroke: color('--line') }, label: `run time (${unit.label})` },
        ],
        series: [
          {},
          {
            label: 'run time',
            stroke: color('--busy'),
            width: 0,
            points: { show: true, size: 7, fill: color('--busy') },
          },
          { label: 'p50', stroke: color('--ok'), dash: [4, 4] },
          { label: 'p95', stroke: color('--wait'), dash: [4, 4] },
          { label: 'p99', stroke: color('--bad'), dash: [4, 4] },
        ],
      },
      [xs, ys, flat(p.p50), flat(p.p95), flat(p.p99)],
      el,
    );
    return () => plot.destroy();
  }, [key]);
  if (timed.length === 0) return <p className="muted">No finished run yet: the chart fills as runs end.</p>;
  return (
    <div>
      <div ref={box} className="chart" data-points={timed.length} aria-label="Run time per run" role="img" />
      <p className="muted" data-testid="percentiles">
        p50 {duration(p.p50)} · p95 {duration(p.p95)} · p99 {duration(p.p99)} over{' '}
        {plural(timed.length, 'run')}
      </p>
    </div>
  );
}
