// Classic histogram buckets -> heatmap cells. Input: one series per `le` bucket (cumulative
// counts or rates, e.g. `sum by (le) (rate(x_bucket[5m]))`); output: per time column, the
// non-cumulative count of each bucket.
import type { ChartSeries } from '../components/chart/types';

export interface Heatmap {
  times: number[]; // Unix seconds
  bounds: number[]; // upper bounds, ascending; the last may be +Inf
  // cells[t][b]: observations in bucket b (between bounds[b-1] and bounds[b]) at times[t].
  cells: (number | null)[][];
  max: number;
}

function parseLe(le: string | undefined): number | null {
  if (le === undefined) return null;
  if (le === '+Inf' || le === 'Inf') return Infinity;
  const n = parseFloat(le);
  return Number.isNaN(n) ? null : n;
}

export function bucketsToHeatmap(series: ChartSeries[]): Heatmap | { error: string } {
  const buckets: { le: number; s: ChartSeries }[] = [];
  const seen = new Set<number>();
  for (const s of series) {
    const le = parseLe(s.labels.le);
    if (le === null) return { error: `series ${s.name} has no "le" label: a heatmap needs histogram buckets, e.g. sum by (le) (rate(x_bucket[5m]))` };
    if (seen.has(le)) return { error: `several series have le="${s.labels.le}": aggregate them, e.g. sum by (le) (...)` };
    seen.add(le);
    buckets.push({ le, s });
  }
  buckets.sort((a, b) => a.le - b.le);
  const timeSet = new Set<number>();
  for (const b of buckets) for (const p of b.s.points) timeSet.add(p[0]);
  const times = Array.from(timeSet).sort((a, b) => a - b);
  const tIndex = new Map(times.map((t, i) => [t, i]));
  const cum: (number | null)[][] = buckets.map((b) => {
    const col = new Array<number | null>(times.length).fill(null);
    for (const p of b.s.points) col[tIndex.get(p[0])!] = p[1];
    return col;
  });
  let max = 0;
  const cells = times.map((_, t) => {
    const row: (number | null)[] = [];
    let prev = 0;
    for (let b = 0; b < buckets.length; b++) {
      const v = cum[b][t];
      if (v === null || v === undefined) {
        row.push(null);
        continue;
      }
      // Counters reset or float noise can make a bucket smaller than the one below.
      const count = Math.max(0, v - prev);
      prev = v;
      row.push(count);
      if (count > max) max = count;
    }
    return row;
  });
  return { times, bounds: buckets.map((b) => b.le), cells, max };
}

// Colour for a cell: 0 -> transparent, max -> the strongest colour (a blue-to-orange scale).
export function heatColor(v: number | null, max: number): string {
  if (v === null || v <= 0 || max <= 0) return 'transparent';
  const f = Math.sqrt(Math.min(1, v / max));
  const hue = 220 - f * 190;
  const light = 70 - f * 25;
  return `hsl(${hue.toFixed(0)}, 85%, ${light.toFixed(0)}%)`;
}
