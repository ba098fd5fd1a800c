import { describe, expect, it } from 'vitest';
import { resolveRange } from './range';
import { defaultState } from './url_state';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);

describe('resolveRange', () => {
  it('resolves relative ranges with an auto step', () => {
    expect(resolveRange({ ...defaultState, range: '1h' }, now)).toEqual({
      startMs: now - 3_600_000,
      endMs: now,
      stepMs: 15_000,
    });
  });
  it('resolves absolute ranges in UTC', () => {
    const r = resolveRange({ ...defaultState, from: '2026-11-22 10:00', end: '2026-11-22 11:00', tz: 'utc', step: '1m' }, now);
    expect(r).toEqual({ startMs: Date.UTC(2026, 10, 22, 10), endMs: Date.UTC(2026, 10, 22, 11), stepMs: 60_000 });
  });
  it('names the bad field', () => {
    expect(() => resolveRange({ ...defaultState, end: 'tomorrow' }, now)).toThrow(/^end "tomorrow"/);
    expect(() => resolveRange({ ...defaultState, range: 'x' }, now)).toThrow(/^range "x"/);
    expect(() => resolveRange({ ...defaultState, step: '0s' }, now)).toThrow(/^step "0s"/);
    expect(() => resolveRange({ ...defaultState, step: '1s', range: '30d' }, now)).toThrow(/11000 points/);
    expect(() => resolveRange({ ...defaultState, from: 'now', end: 'now-1h' }, now)).toThrow(/before end/);
  });
});
