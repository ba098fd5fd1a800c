import { describe, expect, it } from 'vitest';
import { bucketsToHeatmap, heatColor } from './heatmap';

const b = (le: string, points: [number, number | null][]) => ({ name: le, labels: { le }, points });

describe('bucketsToHeatmap', () => {
  it('de-accumulates cumulative buckets per time column, sorted by le', () => {
    const h = bucketsToHeatmap([
      b('+Inf', [[1, 10], [2, 12]]),
      b('0.1', [[1, 2], [2, 2]]),
      b('1', [[1, 7], [2, 9]]),
    ]);
    if ('error' in h) throw new Error(h.error);
    expect(h.bounds).toEqual([0.1, 1, Infinity]);
    expect(h.times).toEqual([1, 2]);
    expect(h.cells).toEqual([
      [2, 5, 3],
      [2, 7, 3],
    ]);
    expect(h.max).toBe(7);
  });
  it('clamps negative differences and keeps gaps', () => {
    const h = bucketsToHeatmap([b('1', [[1, 5]]), b('2', [[1, 4]]), b('+Inf', [[1, null]])]);
    if ('error' in h) throw new Error(h.error);
    expect(h.cells).toEqual([[5, 0, null]]);
  });
  it('explains series without le or with duplicate le', () => {
    const e1 = bucketsToHeatmap([{ name: 'x', labels: {}, points: [] }]);
    expect('error' in e1 && e1.error).toContain('no "le" label');
    const e2 = bucketsToHeatmap([b('1', []), b('1', [])]);
    expect('error' in e2 && e2.error).toContain('sum by (le)');
  });
  it('colours empty cells transparent', () => {
    expect(heatColor(0, 10)).toBe('transparent');
    expect(heatColor(null, 10)).toBe('transparent');
    expect(heatColor(10, 10)).toMatch(/^hsl/);
  });
});
