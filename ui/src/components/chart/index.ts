export { TimeSeriesChart } from './TimeSeriesChart';
export type { ChartSeries, Threshold, TimeSeriesChartProps } from './types';
export { fromPromResult, formatLegend, alignSeries, seriesStats, nextVisibility } from './data';
export { resolveColor, seriesColor, thresholdColor } from './colors';
