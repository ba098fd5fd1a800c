// Pure data preparation for the chart: alignment, stacking, legend statistics, isolation.
import type { ChartSeries } from './types';

export type AlignedData = [number[], ...(number | null)[][]];

function toSeconds(t: number): number {
  return t > 1e11 ? t / 1000 : t;
}

// Aligns all series on one x array (Unix seconds). The common case, every series sharing the
// step-aligned timestamps of a range query, takes a fast path without any map lookups.
export function alignSeries(series: ChartSeries[]): AlignedData {
  if (series.length === 0) return [[]];
  const first = series[0].points;
  let same = true;
  for (let s = 1; s < series.length && same; s++) {
    const p = series[s].points;
    if (p.length !== first.length) {
      same = false;
      break;
    }
    for (let i = 0; i < p.length; i++) {
      if (p[i][0] !== first[i][0]) {
        same = false;
        break;
      }
    }
  }
  if (same) {
    const xs = first.map((p) => toSeconds(p[0]));
    const ys = series.map((s) => s.points.map((p) => (p[1] === null || Number.isNaN(p[1]) ? null : p[1])));
    return [xs, ...ys];
  }
  const set = new Set<number>();
  for (const s of series) for (const p of s.points) set.add(toSeconds(p[0]));
  const xs = Array.from(set).sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const ys = series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    for (const p of s.points) {
      const v = p[1];
      col[index.get(toSeconds(p[0]))!] = v === null || Number.isNaN(v) ? null : v;
    }
    return col;
  });
  return [xs, ...ys];
}

// Cumulative sums for a stacked chart, hidden series excluded (they contribute nothing).
// A point where a series has no value stacks as 0 on top of the ones below, but stays a gap
// for that series itself.
export function stackData(data: AlignedData, visible: boolean[]): AlignedData {
  const xs = data[0];
  const out: (number | null)[][] = [];
  const acc = new Array<number>(xs.length).fill(0);
  for (let s = 1; s < data.length; s++) {
    const col = data[s] as (number | null)[];
    if (!visible[s - 1]) {
      out.push(col.map(() => null));
      continue;
    }
    const stacked: (number | null)[] = new Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const v = col[i];
      if (v === null || v === undefined) {
        stacked[i] = null;
      } else {
        acc[i] += v;
        stacked[i] = acc[i];
      }
    }
    out.push(stacked);
  }
  return [xs, ...out];
}

export interface SeriesStats {
  min: number | null;
  max: number | null;
  last: number | null;
  mean: number | null;
}

export function seriesStats(values: (number | null)[]): SeriesStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  let last: number | null = null;
  for (const v of values) {
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
    last = v;
  }
  if (n === 0) return { min: null, max: null, last: null, mean: null };
  return { min, max, last, mean: sum / n };
}

// Legend click semantics: a plain click isolates the series, or restores all when it already is
// the only one shown; ctrl/meta-click toggles just that series.
export function nextVisibility(visible: boolean[], idx: number, toggle: boolean): boolean[] {
  if (toggle) {
    const out = visible.slice();
    out[idx] = !out[idx];
    return out;
  }
  const onlyThis = visible.every((v, i) => (i === idx ? v : !v));
  if (onlyThis) return visible.map(() => true);
  return visible.map((_, i) => i === idx);
}

// Series name from Grafana/Prometheus legend syntax: "{{instance}} - {{ mode }}". Without a
// format, the Prometheus series notation: metric{a="b", c="d"}.
export function formatLegend(labels: Record<string, string>, legendFormat?: string): string {
  if (legendFormat && legendFormat !== '__auto') {
    return legendFormat.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  }
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  if (rest.length === 0) return name || '{}';
  return `${name}{${rest.join(', ')}}`;
}

export function parseSampleValue(v: string | number): number | null {
  if (typeof v === 'number') return v;
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  const n = parseFloat(v);
  return Number.isNaN(n) ? null : n;
}

interface PromMatrixEntry {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

// Converts a Prometheus "matrix" (or "vector") result into chart series.
export function fromPromResult(result: PromMatrixEntry[], legendFormat?: string): ChartSeries[] {
  return result.map((r) => {
    const raw = r.values ?? (r.value ? [r.value] : []);
    return {
      name: formatLegend(r.metric, legendFormat),
      labels: r.metric,
      points: raw.map((p) => {
        const v = parseSampleValue(p[1]);
        return [p[0], v !== null && Number.isFinite(v) ? v : null] as [number, number | null];
      }),
    };
  });
}
