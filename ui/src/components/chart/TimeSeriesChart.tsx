// uPlot wrapper: time series with a legend table (min/max/last), hover tooltip, click-to-isolate,
// drag-to-zoom, stacking, units on the y axis, thresholds, theme-aware colours and resizing.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';
import { formatValue } from '../../lib/units';
import { resolveColor, seriesColor, withAlpha } from './colors';
import { alignSeries, nextVisibility, seriesStats, stackData, type AlignedData } from './data';
import type { Threshold, TimeSeriesChartProps } from './types';

export type { ChartSeries, Threshold, TimeSeriesChartProps } from './types';

// Bumps when the page theme changes (class/data-theme on <html>, or the OS preference), so the
// canvas, which cannot use CSS variables, is redrawn with the new colours.
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const mo = new MutationObserver(bump);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme', 'style'] });
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    mq?.addEventListener?.('change', bump);
    return () => {
      mo.disconnect();
      mq?.removeEventListener?.('change', bump);
    };
  }, []);
  return version;
}

function drawThresholds(u: uPlot, thresholds: Threshold[], style: 'line' | 'area') {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const steps = thresholds.filter((t) => t.value !== null && Number.isFinite(t.value));
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  if (style === 'area') {
    const all = thresholds.slice();
    for (let i = 0; i < all.length; i++) {
      const lo = all[i].value;
      const hi = i + 1 < all.length ? all[i + 1].value : null;
      const yLo = lo === null ? top + height : u.valToPos(lo, 'y', true);
      const yHi = hi === null ? top : u.valToPos(hi, 'y', true);
      ctx.fillStyle = withAlpha(resolveColor(all[i].color), 0.12);
      ctx.fillRect(left, Math.min(yLo, yHi), width, Math.abs(yLo - yHi));
    }
  } else {
    ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.lineWidth = 1.5 * devicePixelRatio;
    for (const t of steps) {
      const y = Math.round(u.valToPos(t.value as number, 'y', true));
      ctx.strokeStyle = resolveColor(t.color);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
    }
  }
  ctx.restore();
}

function fillTooltip(tip: HTMLDivElement, u: uPlot, raw: AlignedData, names: string[], unit?: string, decimals?: number) {
  const idx = u.cursor.idx;
  if (idx === null || idx === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
    tip.style.display = 'none';
    return;
  }
  const rows: { name: string; v: number; color: string }[] = [];
  for (let s = 1; s < raw.length; s++) {
    if (!u.series[s].show) continue;
    const v = (raw[s] as (number | null)[])[idx];
    if (v === null || v === undefined) continue;
    rows.push({ name: names[s - 1], v, color: seriesColor(s - 1) });
  }
  if (rows.length === 0) {
    tip.style.display = 'none';
    return;
  }
  rows.sort((a, b) => b.v - a.v);
  tip.replaceChildren();
  const head = document.createElement('div');
  head.className = 'osp-chart-tip-time';
  head.textContent = new Date(raw[0][idx] * 1000).toLocaleString();
  tip.appendChild(head);
  const max = 15;
  for (const r of rows.slice(0, max)) {
    const row = document.createElement('div');
    row.className = 'osp-chart-tip-row';
    const sw = document.createElement('span');
    sw.className = 'osp-chart-swatch';
    sw.style.background = r.color;
    const name = document.createElement('span');
    name.className = 'osp-chart-tip-name';
    name.textContent = r.name;
    const val = document.createElement('span');
    val.className = 'osp-chart-tip-value';
    val.textContent = formatValue(r.v, unit, decimals);
    row.append(sw, name, val);
    tip.appendChild(row);
  }
  if (rows.length > max) {
    const more = document.createElement('div');
    more.className = 'osp-chart-tip-more';
    more.textContent = `+${rows.length - max} more`;
    tip.appendChild(more);
  }
  tip.style.display = 'block';
  const overW = u.over.clientWidth;
  const left = u.cursor.left + 12;
  const tipW = tip.offsetWidth;
  tip.style.left = `${left + tipW > overW ? Math.max(0, u.cursor.left - tipW - 12) : left}px`;
  tip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 10)}px`;
}

export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { series, stacked = false, unit, decimals, thresholds, onZoom, timeRange, timezone } = props;
  const height = props.height ?? 260;
  const plotRef = useRef<HTMLDivElement>(null);
  const uRef = useRef<uPlot | null>(null);
  const onZoomRef = useRef(onZoom);
  onZoomRef.current = onZoom;
  const onRenderRef = useRef(props.onRender);
  onRenderRef.current = props.onRender;
  const theme = useThemeVersion();
  const [legendMode, setLegendMode] = useState<'table' | 'list' | 'hidden'>(props.legend ?? 'table');
  const [visible, setVisible] = useState<boolean[]>(() => series.map(() => true));
  const visibleRef = useRef(visible);
  visibleRef.current = visible;

  useEffect(() => setLegendMode(props.legend ?? 'table'), [props.legend]);

  const raw = useMemo(() => alignSeries(series), [series]);
  const names = useMemo(() => series.map((s) => s.name), [series]);
  const stats = useMemo(() => raw.slice(1).map((col) => seriesStats(col as (number | null)[])), [raw]);

  // New data with a different series count resets isolation.
  useEffect(() => {
    if (visibleRef.current.length !== series.length) setVisible(series.map(() => true));
  }, [series]);

  useEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    const t0 = performance.now();
    let reported = false;
    const css = getComputedStyle(el);
    const fg = css.getPropertyValue('--chart-axis').trim() || css.color || '#555';
    const grid = css.getPropertyValue('--chart-grid').trim() || withAlpha(css.color || '#808080', 0.15);
    const vis = series.map((_, i) => visibleRef.current[i] ?? true);
    const data = stacked ? stackData(raw, vis) : raw;
    const tip = document.createElement('div');
    tip.className = 'osp-chart-tip';
    tip.style.display = 'none';
    const width = Math.max(100, el.clientWidth || 600);
    const fmt = (v: number) => formatValue(v, unit, decimals);
    const opts: uPlot.Options = {
      width,
      height,
      legend: { show: false },
      cursor: {
        drag: { x: true, y: false, setScale: !onZoomRef.current },
        points: { size: 6 },
      },
      scales: {
        x: {
          time: true,
          // A range function (not min/max) keeps the queried range across setData calls.
          ...(timeRange ? { range: (): uPlot.Range.MinMax => [timeRange.fromMs / 1000, timeRange.toMs / 1000] } : {}),
        },
        y: {
          range: (_u, dmin, dmax) => {
            let lo = props.min ?? (dmin === null || dmin === undefined ? 0 : Math.min(0, dmin));
            let hi = props.max ?? (dmax === null || dmax === undefined ? 1 : dmax);
            if (props.min === undefined || props.min === null) {
              if (dmin !== null && dmin < 0) lo = dmin - Math.abs(dmin) * 0.05;
            }
            if (props.max === undefined || props.max === null) hi = hi === lo ? lo + 1 : hi + Math.abs(hi - lo) * 0.05;
            return [lo, hi];
          },
        },
      },
      axes: [
        { stroke: fg, space: 80, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
        {
          stroke: fg,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          // Wide enough for the longest tick label ("0.25 req/s"), at about 7.5px per character plus the ticks.
          size: (_u, values) => Math.max(40, 20 + 7.5 * Math.max(0, ...(values ?? []).map((v) => String(v ?? '').length))),
          values: (_u, splits) => splits.map((v) => (v === null ? '' : fmt(v))),
        },
      ],
      series: [
        {},
        ...series.map((s, i) => {
          const color = seriesColor(i);
          return {
            label: s.name,
            stroke: color,
            width: 1.25,
            show: vis[i],
            fill: stacked ? withAlpha(color, 0.35) : undefined,
            points: { show: false },
            spanGaps: false,
          } as uPlot.Series;
        }),
      ],
      bands: stacked
        ? series.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] }))
        : undefined,
      hooks: {
        drawClear: [
          (u) => {
            if (thresholds?.length && props.thresholdsStyle === 'area') drawThresholds(u, thresholds, 'area');
          },
        ],
        draw: [
          (u) => {
            if (thresholds?.length && (props.thresholdsStyle ?? 'line') === 'line') drawThresholds(u, thresholds, 'line');
            if (!reported) {
              reported = true;
              onRenderRef.current?.(performance.now() - t0);
              // Visible to tests and the browser's performance tools.
              performance.measure?.('osp-chart-render', { start: t0, detail: { series: series.length, points: raw[0].length } });
            }
          },
        ],
        setCursor: [(u) => fillTooltip(tip, u, raw, names, unit, decimals)],
        setSelect: [
          (u) => {
            const cb = onZoomRef.current;
            if (!cb || u.select.width < 5) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            cb(Math.round(from * 1000), Math.round(to * 1000));
          },
        ],
      },
    };
    if (timezone === 'utc') opts.tzDate = (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');
    const u = new uPlot(opts, data as uPlot.AlignedData, el);
    u.over.appendChild(tip);
    u.over.addEventListener('mouseleave', () => (tip.style.display = 'none'));
    uRef.current = u;
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && Math.abs(w - u.width) > 1) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      uRef.current = null;
    };
    // Visibility is applied incrementally below; everything else rebuilds the plot.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [raw, stacked, unit, decimals, thresholds, props.thresholdsStyle, props.min, props.max, timeRange?.fromMs, timeRange?.toMs, timezone, height, theme]);

  const appliedVisible = useRef(visible);
  useEffect(() => {
    const u = uRef.current;
    if (!u || appliedVisible.current === visible) return;
    appliedVisible.current = visible;
    u.batch(() => {
      if (stacked) u.setData(stackData(raw, visible) as uPlot.AlignedData);
      visible.forEach((v, i) => {
        if (u.series[i + 1] && u.series[i + 1].show !== v) u.setSeries(i + 1, { show: v });
      });
    });
  }, [visible]);

  const onLegendClick = (i: number, e: MouseEvent | KeyboardEvent) => {
    setVisible(nextVisibility(visible.length === series.length ? visible : series.map(() => true), i, e.ctrlKey || e.metaKey));
  };

  const empty = series.length === 0 || raw[0].length === 0;
  return (
    <div class="osp-chart">
      <div class="osp-chart-plot" ref={plotRef} style={{ height: `${height}px` }}>
        {empty && <div class="osp-chart-empty">No data</div>}
      </div>
      {legendMode !== 'hidden' && series.length > 0 && (
        <div class="osp-chart-legend">
          <table>
            {legendMode === 'table' && (
              <thead>
                <tr>
                  <th class="osp-chart-legend-name">
                    <button
                      type="button"
                      class="osp-chart-legend-toggle"
                      title="Hide min/max/last"
                      onClick={() => setLegendMode('list')}
                    >
                      Series
                    </button>
                  </th>
                  <th>Min</th>
                  <th>Max</th>
                  <th>Last</th>
                </tr>
              </thead>
            )}
            <tbody>
              {series.map((s, i) => (
                <tr
                  key={i}
                  class={visible[i] === false ? 'osp-chart-legend-row is-hidden' : 'osp-chart-legend-row'}
                  tabIndex={0}
                  title="Click to isolate, ctrl-click to toggle"
                  onClick={(e) => onLegendClick(i, e)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      onLegendClick(i, e);
                    }
                  }}
                >
                  <td class="osp-chart-legend-name">
                    <span class="osp-chart-swatch" style={{ background: seriesColor(i) }} />
                    {s.name}
                  </td>
                  {legendMode === 'table' && (
                    <>
                      <td>{formatValue(stats[i]?.min, unit, decimals)}</td>
                      <td>{formatValue(stats[i]?.max, unit, decimals)}</td>
                      <td>{formatValue(stats[i]?.last, unit, decimals)}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {legendMode === 'list' && (
            <button type="button" class="osp-chart-legend-toggle" onClick={() => setLegendMode('table')}>
              Show min/max/last
            </button>
          )}
        </div>
      )}
    </div>
  );
}
