// Runs a panel's queries for the dashboard's time range and variables.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fromPromResult } from '../../components/chart/data';
import type { ChartSeries } from '../../components/chart/types';
import { ApiError } from '../../lib/api';
import { autoStepMs } from '../../lib/time';
import { queryInstant, queryRange } from '../api';
import type { Panel } from '../model';
import { builtinValues, interpolate, type VarState } from '../variables';

export interface PanelContext {
  fromMs: number;
  toMs: number;
  vars: VarState[];
  timezone: 'browser' | 'utc';
  // Changes on every refresh (manual or automatic) to re-run queries.
  refreshTick: number;
  onZoom(fromMs: number, toMs: number): void;
}

export interface PanelData {
  // One entry per target, in order; each target's series.
  byTarget: ChartSeries[][];
  series: ChartSeries[];
  error?: string;
  loading: boolean;
}

// Step for a range query: about one point per two pixels, at least 1s, on "nice" values.
export function panelStepMs(rangeMs: number, widthPx: number): number {
  return autoStepMs(rangeMs, Math.max(50, Math.min(1000, Math.round(widthPx / 2))));
}

// Evaluation points end exactly at `end` (the newest data shows even with a long step).
export function alignedStart(startS: number, endS: number, stepS: number): number {
  return endS - Math.floor((endS - startS) / stepS) * stepS;
}

export function expandExpr(expr: string, ctx: Pick<PanelContext, 'fromMs' | 'toMs' | 'vars'>, stepMs: number): string {
  return interpolate(expr, ctx.vars, builtinValues({ intervalMs: stepMs, rangeMs: ctx.toMs - ctx.fromMs }));
}

export function usePanelData(panel: Panel, ctx: PanelContext, widthPx: number, forceInstant = false): PanelData {
  const [state, setState] = useState<PanelData>({ byTarget: [], series: [], loading: true });
  const targets = panel.targets ?? [];
  const maxPoints = typeof panel.options?.maxDataPoints === 'number' ? panel.options.maxDataPoints : undefined;
  // Width is rounded so that small resizes do not re-run queries with a new step.
  const stepWidthPx = Math.max(100, Math.round(widthPx / 100) * 100);
  const exprs = targets.map((t) => {
    const rangeMs = ctx.toMs - ctx.fromMs;
    // options.maxDataPoints overrides the width-derived resolution (Grafana's "Max data points").
    const stepMs = maxPoints && maxPoints > 0 ? autoStepMs(rangeMs, Math.min(11000, maxPoints)) : panelStepMs(rangeMs, stepWidthPx);
    return { expr: expandExpr(t.expr, ctx, stepMs), instant: forceInstant || t.instant === true, legend: t.legendFormat, stepMs };
  });
  const key = JSON.stringify([exprs, ctx.fromMs, ctx.toMs, ctx.refreshTick]);
  const keyRef = useRef('');
  useEffect(() => {
    if (keyRef.current === key) return undefined;
    keyRef.current = key;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const run = exprs.map(async (e) => {
      if (e.expr.trim() === '') return [] as ChartSeries[];
      const startS = ctx.fromMs / 1000;
      const endS = ctx.toMs / 1000;
      const rows = e.instant
        ? await queryInstant(e.expr, endS, ctl.signal)
        : await queryRange(e.expr, alignedStart(startS, endS, e.stepMs / 1000), endS, e.stepMs / 1000, ctl.signal);
      return fromPromResult(rows, e.legend);
    });
    Promise.allSettled(run).then((results) => {
      if (ctl.signal.aborted) return;
      const byTarget: ChartSeries[][] = [];
      const errors: string[] = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') byTarget.push(r.value);
        else {
          byTarget.push([]);
          const msg = r.reason instanceof ApiError ? r.reason.message : String(r.reason);
          errors.push(targets.length > 1 ? `query ${i + 1}: ${msg}` : msg);
        }
      });
      setState({ byTarget, series: byTarget.flat(), error: errors.length ? errors.join('\n') : undefined, loading: false });
    });
    return () => {
      ctl.abort();
      keyRef.current = '';
    };
  }, [key]);
  return state;
}

export type Reducer = 'last' | 'mean' | 'max' | 'min';

export function reduceSeries(s: ChartSeries, how: Reducer): number | null {
  let out: number | null = null;
  let sum = 0;
  let n = 0;
  for (const [, v] of s.points) {
    if (v === null || Number.isNaN(v)) continue;
    n++;
    sum += v;
    if (how === 'last') out = v;
    else if (how === 'max') out = out === null ? v : Math.max(out, v);
    else if (how === 'min') out = out === null ? v : Math.min(out, v);
  }
  if (how === 'mean') return n ? sum / n : null;
  return out;
}
