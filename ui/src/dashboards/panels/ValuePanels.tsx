// Stat, gauge and bar gauge: one reduced value per series, coloured by thresholds.
import { thresholdColor } from '../../components/chart/colors';
import type { ChartSeries } from '../../components/chart/types';
import { formatValue } from '../../lib/units';
import type { FieldConfig } from '../model';
import { reduceSeries, usePanelData, type Reducer } from './data';
import { PanelBody } from './PanelBody';
import type { PanelProps } from './types';

function reducer(o: Record<string, unknown> | undefined): Reducer {
  const r = o?.reduce;
  return r === 'mean' || r === 'max' || r === 'min' ? r : 'last';
}

function Sparkline({ s, color }: { s: ChartSeries; color: string }) {
  const pts = s.points.filter((p) => p[1] !== null) as [number, number][];
  if (pts.length < 2) return null;
  const t0 = pts[0][0];
  const t1 = pts[pts.length - 1][0];
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pts) {
    lo = Math.min(lo, p[1]);
    hi = Math.max(hi, p[1]);
  }
  if (hi === lo) hi = lo + 1;
  const d = pts
    .map((p, i) => `${i ? 'L' : 'M'}${(((p[0] - t0) / (t1 - t0 || 1)) * 100).toFixed(2)},${(30 - ((p[1] - lo) / (hi - lo)) * 28).toFixed(2)}`)
    .join('');
  return (
    <svg class="dash-sparkline" viewBox="0 0 100 31" preserveAspectRatio="none" aria-hidden="true">
      <path d={`${d}L100,31L0,31Z`} fill={color} fill-opacity="0.15" stroke="none" />
      <path d={d} fill="none" stroke={color} stroke-width="1.5" vector-effect="non-scaling-stroke" />
    </svg>
  );
}

function values(series: ChartSeries[], how: Reducer) {
  return series.map((s) => ({ name: s.name, v: reduceSeries(s, how), s }));
}

// Font size that lets `text` fit a box of w x h pixels (bold digits take about 0.6em, letters
// such as "m" up to 0.9em: 0.78em a character keeps "13h 55m" inside).
export function fitFontPx(text: string, w: number, h: number): number {
  return Math.round(Math.max(11, Math.min(48, h * 0.5, w / (0.78 * Math.max(1, text.length)))));
}

export function StatPanel({ panel, ctx, width, height }: PanelProps) {
  const data = usePanelData(panel, ctx, width);
  const fc: FieldConfig = panel.fieldConfig ?? {};
  const vals = values(data.series, reducer(panel.options));
  const noColor = panel.options?.colorMode === 'none';
  // Values share the panel: side by side when wide, stacked when tall.
  const perRow = Math.max(1, Math.min(vals.length, Math.floor(width / 120)));
  const rows = Math.max(1, Math.ceil(vals.length / perRow));
  const cellW = width / perRow;
  const cellH = height / rows - (vals.length > 1 ? 16 : 0);
  return (
    <PanelBody error={data.error} loading={data.loading && vals.length === 0}>
      <div class="dash-stat-grid">
        {vals.length === 0 && !data.loading && <div class="dash-nodata">No data</div>}
        {vals.map((x, i) => {
          const fg = 'var(--fg, currentColor)';
          const color = noColor ? fg : thresholdColor(x.v, fc.thresholds, fg);
          const text = formatValue(x.v, fc.unit, fc.decimals);
          return (
            <div class="dash-stat" key={i}>
              {panel.options?.sparkline === true && <Sparkline s={x.s} color={color === fg ? '#3b82f6' : color} />}
              <div class="dash-stat-value" style={{ color, fontSize: `${fitFontPx(text, cellW - 8, cellH)}px` }}>
                {text}
              </div>
              {vals.length > 1 && <div class="dash-stat-name">{x.name}</div>}
            </div>
          );
        })}
      </div>
    </PanelBody>
  );
}

// Arc path for a gauge from fraction a to b (0..1) on a 240-degree dial.
function arc(cx: number, cy: number, r: number, a: number, b: number): string {
  const start = (-210 + 240 * a) * (Math.PI / 180);
  const end = (-210 + 240 * b) * (Math.PI / 180);
  const x1 = cx + r * Math.cos(start);
  const y1 = cy + r * Math.sin(start);
  const x2 = cx + r * Math.cos(end);
  const y2 = cy + r * Math.sin(end);
  const large = (b - a) * 240 > 180 ? 1 : 0;
  return `M${x1.toFixed(2)},${y1.toFixed(2)}A${r},${r} 0 ${large} 1 ${x2.toFixed(2)},${y2.toFixed(2)}`;
}

function fraction(v: number | null, min: number, max: number): number {
  if (v === null || max <= min) return 0;
  return Math.max(0, Math.min(1, (v - min) / (max - min)));
}

export function GaugePanel({ panel, ctx, width, height }: PanelProps) {
  const data = usePanelData(panel, ctx, width);
  const fc: FieldConfig = panel.fieldConfig ?? {};
  const min = fc.min ?? 0;
  const max = fc.max ?? 100;
  const vals = values(data.series, reducer(panel.options));
  // Each dial gets an explicit size that fits its share of the panel (viewBox is 100 x 80).
  const perRow = Math.max(1, Math.min(vals.length, Math.floor(width / 110)));
  const rows = Math.max(1, Math.ceil(vals.length / perRow));
  const cellH = height / rows - (vals.length > 1 ? 16 : 0) - 4;
  const dialW = Math.max(40, Math.min(width / perRow - 8, (cellH * 100) / 80));
  return (
    <PanelBody error={data.error} loading={data.loading && vals.length === 0}>
      <div class="dash-stat-grid">
        {vals.length === 0 && !data.loading && <div class="dash-nodata">No data</div>}
        {vals.map((x, i) => {
          const f = fraction(x.v, min, max);
          const color = thresholdColor(x.v, fc.thresholds);
          return (
            <div class="dash-gauge" key={i}>
              <svg viewBox="0 0 100 80" width={dialW} height={(dialW * 80) / 100} role="img" aria-label={`${x.name}: ${formatValue(x.v, fc.unit, fc.decimals)}`}>
                <path d={arc(50, 50, 38, 0, 1)} class="dash-gauge-track" fill="none" stroke-width="10" />
                {f > 0.001 && <path d={arc(50, 50, 38, 0, f)} fill="none" stroke={color} stroke-width="10" />}
                <text x="50" y="56" text-anchor="middle" class="dash-gauge-text" fill={color}>
                  {formatValue(x.v, fc.unit, fc.decimals)}
                </text>
              </svg>
              {vals.length > 1 && <div class="dash-stat-name">{x.name}</div>}
            </div>
          );
        })}
      </div>
    </PanelBody>
  );
}

export function BarGaugePanel({ panel, ctx, width }: PanelProps) {
  const data = usePanelData(panel, ctx, width);
  const fc: FieldConfig = panel.fieldConfig ?? {};
  const vals = values(data.series, reducer(panel.options));
  const min = fc.min ?? 0;
  const max = fc.max ?? Math.max(1, ...vals.map((x) => x.v ?? 0));
  const vertical = panel.options?.orientation === 'vertical';
  return (
    <PanelBody error={data.error} loading={data.loading && vals.length === 0}>
      <div class={vertical ? 'dash-bars dash-bars-v' : 'dash-bars'}>
        {vals.length === 0 && !data.loading && <div class="dash-nodata">No data</div>}
        {vals.map((x, i) => {
          const f = fraction(x.v, min, max);
          const color = thresholdColor(x.v, fc.thresholds);
          return (
            <div class="dash-bar" key={i}>
              <div class="dash-bar-name" title={x.name}>
                {x.name}
              </div>
              <div class="dash-bar-track">
                <div
                  class="dash-bar-fill"
                  style={vertical ? { height: `${f * 100}%`, background: color } : { width: `${f * 100}%`, background: color }}
                />
              </div>
              <div class="dash-bar-value" style={{ color }}>
                {formatValue(x.v, fc.unit, fc.decimals)}
              </div>
            </div>
          );
        })}
      </div>
    </PanelBody>
  );
}
