// Shapes shared by the chart, the dashboard panels and Explore.

// One series: `points` are [time, value] pairs sorted by time. Time is in Unix seconds as the
// Prometheus API returns it (milliseconds are detected and accepted too); a null value is a gap.
export interface ChartSeries {
  name: string;
  labels: Record<string, string>;
  points: [number, number | null][];
}

// A threshold step: `value` null is the base step (from -Inf). Colours are CSS colours or
// Grafana's named colours ("green", "dark-red", "semi-dark-orange").
export interface Threshold {
  value: number | null;
  color: string;
}

export interface TimeSeriesChartProps {
  series: ChartSeries[];
  stacked?: boolean;
  unit?: string;
  decimals?: number;
  min?: number | null;
  max?: number | null;
  thresholds?: Threshold[];
  // "line" (default): dashed lines at each threshold; "area": coloured bands; "off".
  thresholdsStyle?: 'line' | 'area' | 'off';
  // Called with the selected range after a drag on the plot. Without it, drag zooms locally.
  onZoom?(fromMs: number, toMs: number): void;
  // Fixes the x scale to the queried range (ms) so gaps at the ends stay visible.
  timeRange?: { fromMs: number; toMs: number };
  timezone?: 'browser' | 'local' | 'utc';
  // Plot height in pixels (the legend is added below); default 260.
  height?: number;
  // Legend: "table" with min/max/last, "list" (names only), "hidden". Default "table".
  legend?: 'table' | 'list' | 'hidden';
  // Called once per plot build with the time it took (ms), for measurements.
  onRender?(ms: number): void;
}
