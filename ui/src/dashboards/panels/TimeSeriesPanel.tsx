import { TimeSeriesChart } from '../../components/chart/TimeSeriesChart';
import type { PanelProps } from './types';
import { usePanelData } from './data';
import { PanelBody } from './PanelBody';

export function TimeSeriesPanel({ panel, ctx, width, height }: PanelProps) {
  const data = usePanelData(panel, ctx, width);
  const fc = panel.fieldConfig ?? {};
  const o = panel.options ?? {};
  const legend = o.legend === 'hidden' || o.legend === 'list' || o.legend === 'table' ? o.legend : 'table';
  const legendRows = legend === 'hidden' ? 0 : Math.min(data.series.length, 4) * 18 + (legend === 'table' ? 20 : 0);
  return (
    <PanelBody error={data.error} loading={data.loading && data.series.length === 0}>
      <TimeSeriesChart
        series={data.series}
        stacked={fc.stacked}
        unit={fc.unit}
        decimals={fc.decimals}
        min={fc.min}
        max={fc.max}
        thresholds={fc.thresholds}
        thresholdsStyle={o.thresholdsStyle === 'area' || o.thresholdsStyle === 'off' ? o.thresholdsStyle : 'line'}
        onZoom={ctx.onZoom}
        timeRange={{ fromMs: ctx.fromMs, toMs: ctx.toMs }}
        timezone={ctx.timezone}
        height={Math.max(80, height - legendRows)}
        legend={legend}
      />
    </PanelBody>
  );
}
