import { describe, expect, it } from 'vitest';
import { addToHistory, loadHistory, saveHistory } from './history';
import { decodeState, defaultState, encodeState } from './url_state';

describe('URL state', () => {
  it('round-trips every field', () => {
    const s = {
      expr: 'sum by (job) (rate(x{a="b&c"}[5m]))',
      tab: 'table' as const,
      range: '6h',
      end: '2026-11-22T01:00:00Z',
      from: '',
      step: '30s',
      stacked: true,
      tz: 'utc' as const,
    };
    expect(decodeState(encodeState(s))).toEqual(s);
  });
  it('keeps defaults out of the URL', () => {
    expect(encodeState(defaultState)).toBe('');
    expect(encodeState({ ...defaultState, expr: 'up' })).toBe('?expr=up');
  });
  it('writes from instead of range for absolute ranges', () => {
    const q = encodeState({ ...defaultState, expr: 'up', from: 'now-2d', range: '6h' });
    expect(q).toBe('?expr=up&from=now-2d');
  });
  it('falls back to defaults on bad values', () => {
    expect(decodeState('?tab=bogus&tz=mars&stacked=nope')).toEqual(defaultState);
  });
});

describe('history', () => {
  it('puts the newest first without duplicates', () => {
    let h: string[] = [];
    h = addToHistory(h, 'up');
    h = addToHistory(h, 'rate(x[5m])');
    h = addToHistory(h, ' up ');
    h = addToHistory(h, '   ');
    expect(h).toEqual(['up', 'rate(x[5m])']);
  });
  it('keeps at most 50 entries', () => {
    let h: string[] = [];
    for (let i = 0; i < 60; i++) h = addToHistory(h, `q${i}`);
    expect(h.length).toBe(50);
    expect(h[0]).toBe('q59');
    expect(h[49]).toBe('q10');
  });
  it('survives corrupt storage', () => {
    localStorage.setItem('osprey.explore.history', '{not json');
    expect(loadHistory()).toEqual([]);
    saveHistory(['a', 'b']);
    expect(loadHistory()).toEqual(['a', 'b']);
    localStorage.setItem('osprey.explore.history', JSON.stringify(['x', 3, 'y']));
    expect(loadHistory()).toEqual(['x', 'y']);
  });
});
