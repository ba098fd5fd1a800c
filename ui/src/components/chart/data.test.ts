import { describe, expect, it } from 'vitest';
import { alignSeries, formatLegend, fromPromResult, nextVisibility, seriesStats, stackData } from './data';

describe('alignSeries', () => {
  it('uses shared timestamps directly', () => {
    const d = alignSeries([
      { name: 'a', labels: {}, points: [[1, 1], [2, 2]] },
      { name: 'b', labels: {}, points: [[1, 3], [2, null]] },
    ]);
    expect(d).toEqual([[1, 2], [1, 2], [3, null]]);
  });
  it('merges different timestamps with gaps', () => {
    const d = alignSeries([
      { name: 'a', labels: {}, points: [[1, 1], [3, 3]] },
      { name: 'b', labels: {}, points: [[2, 2]] },
    ]);
    expect(d).toEqual([[1, 2, 3], [1, null, 3], [null, 2, null]]);
  });
  it('accepts millisecond timestamps', () => {
    const d = alignSeries([{ name: 'a', labels: {}, points: [[1_700_000_000_000, 1]] }]);
    expect(d[0]).toEqual([1_700_000_000]);
  });
});

describe('stackData', () => {
  it('accumulates visible series only', () => {
    const s = stackData([[1, 2], [1, 2], [10, null], [100, 200]], [true, true, false]);
    expect(s).toEqual([[1, 2], [1, 2], [11, null], [null, null]]);
  });
});

describe('seriesStats', () => {
  it('computes min/max/last/mean ignoring gaps', () => {
    expect(seriesStats([3, null, 1, 5, null])).toEqual({ min: 1, max: 5, last: 5, mean: 3 });
    expect(seriesStats([null])).toEqual({ min: null, max: null, last: null, mean: null });
  });
});

describe('nextVisibility', () => {
  it('isolates, restores and toggles', () => {
    const all = [true, true, true];
    const isolated = nextVisibility(all, 1, false);
    expect(isolated).toEqual([false, true, false]);
    expect(nextVisibility(isolated, 1, false)).toEqual(all);
    expect(nextVisibility(isolated, 2, true)).toEqual([false, true, true]);
    expect(nextVisibility(all, 0, true)).toEqual([false, true, true]);
  });
});

describe('legend', () => {
  it('formats Grafana legend syntax and the default series name', () => {
    expect(formatLegend({ instance: 'a:1', mode: 'idle' }, '{{instance}} - {{ mode }}')).toBe('a:1 - idle');
    expect(formatLegend({ __name__: 'up', job: 'x', instance: 'i' })).toBe('up{instance="i", job="x"}');
    expect(formatLegend({})).toBe('{}');
  });
  it('converts Prometheus results', () => {
    const s = fromPromResult([{ metric: { job: 'x' }, values: [[1, '1.5'], [2, 'NaN'], [3, '+Inf']] }], '{{job}}');
    expect(s).toEqual([{ name: 'x', labels: { job: 'x' }, points: [[1, 1.5], [2, null], [3, null]] }]);
  });
});
