// Heatmap of classic histogram buckets, drawn on a canvas: time across, buckets up.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatValue } from '../../lib/units';
import { bucketsToHeatmap, heatColor } from '../heatmap';
import { usePanelData } from './data';
import { PanelBody } from './PanelBody';
import type { PanelProps } from './types';

export function HeatmapPanel({ panel, ctx, width, height }: PanelProps) {
  const data = usePanelData(panel, ctx, width);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<string>('');
  const hm = useMemo(() => (data.series.length ? bucketsToHeatmap(data.series) : null), [data.series]);
  const unit = panel.fieldConfig?.unit;
  const axisW = 64;
  const plotH = Math.max(60, height - 24);
  const plotW = Math.max(60, width - axisW);
  useEffect(() => {
    const c = canvasRef.current;
    if (!c || !hm || 'error' in hm) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = plotW * dpr;
    c.height = plotH * dpr;
    const g = c.getContext('2d');
    if (!g) return;
    g.scale(dpr, dpr);
    g.clearRect(0, 0, plotW, plotH);
    const nt = hm.times.length;
    const nb = hm.bounds.length;
    if (!nt || !nb) return;
    // Columns sit at their time within the dashboard's range, one step wide.
    const fromS = ctx.fromMs / 1000;
    const spanS = Math.max(1, (ctx.toMs - ctx.fromMs) / 1000);
    const stepS = nt > 1 ? hm.times[1] - hm.times[0] : spanS / 100;
    const cw = Math.max(1, (stepS / spanS) * plotW);
    const ch = plotH / nb;
    for (let t = 0; t < nt; t++) {
      const x = ((hm.times[t] - fromS) / spanS) * plotW - cw;
      for (let b = 0; b < nb; b++) {
        const col = heatColor(hm.cells[t][b], hm.max);
        if (col === 'transparent') continue;
        g.fillStyle = col;
        g.fillRect(x, plotH - (b + 1) * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
  }, [hm, plotW, plotH, ctx.fromMs, ctx.toMs]);
  const error = data.error ?? (hm && 'error' in hm ? hm.error : undefined);
  const ok = hm && !('error' in hm) ? hm : null;
  const onMove = (e: MouseEvent) => {
    if (!ok || !ok.times.length) return;
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const at = ctx.fromMs / 1000 + ((e.clientX - r.left) / r.width) * ((ctx.toMs - ctx.fromMs) / 1000);
    let t = ok.times.findIndex((x) => x >= at);
    if (t < 0) t = ok.times.length - 1;
    const b = Math.min(ok.bounds.length - 1, Math.floor(((r.bottom - e.clientY) / r.height) * ok.bounds.length));
    if (t < 0 || b < 0) return;
    const lo = b === 0 ? 0 : ok.bounds[b - 1];
    setHover(
      `${new Date(ok.times[t] * 1000).toLocaleTimeString()}  ${formatValue(lo, unit)} – ${formatValue(ok.bounds[b], unit)}: ${formatValue(ok.cells[t][b], 'short')}`,
    );
  };
  return (
    <PanelBody error={error} loading={data.loading && !ok}>
      {ok && (
        <div class="dash-heatmap">
          <div class="dash-heatmap-axis" style={{ width: `${axisW}px`, height: `${plotH}px` }}>
            {ok.bounds.map((b, i) =>
              i % Math.max(1, Math.ceil(ok.bounds.length / Math.max(1, Math.floor(plotH / 16)))) === 0 ? (
                <span key={i} style={{ bottom: `${((i + 0.5) / ok.bounds.length) * 100}%` }}>
                  {formatValue(b, unit)}
                </span>
              ) : null,
            )}
          </div>
          <canvas
            ref={canvasRef}
            style={{ width: `${plotW}px`, height: `${plotH}px` }}
            onMouseMove={onMove}
            onMouseLeave={() => setHover('')}
            aria-label={`Heatmap: ${ok.bounds.length} buckets, ${ok.times.length} time steps`}
            role="img"
          />
        </div>
      )}
      <div class="dash-heatmap-hover">{hover || '\u00a0'}</div>
    </PanelBody>
  );
}
