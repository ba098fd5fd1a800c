import { describe, expect, it } from 'vitest';
import { extractErrorPosition, positionToOffset } from './errpos';

describe('extractErrorPosition', () => {
  it('reads Prometheus line:col', () => {
    expect(extractErrorPosition('1:14: parse error: unexpected end of input')).toEqual({ line: 1, col: 14 });
    expect(extractErrorPosition('invalid parameter "query": 2:3: parse error: x')).toEqual({ line: 2, col: 3 });
    expect(extractErrorPosition('parse error at char 7: bad')).toEqual({ line: 1, col: 7 });
  });
  it('returns null without a position', () => {
    expect(extractErrorPosition('query timed out')).toBeNull();
    expect(extractErrorPosition('unknown position: parse error: no expression found in input')).toBeNull();
    expect(extractErrorPosition('at 12:30:00 something')).toBeNull();
  });
});

describe('positionToOffset', () => {
  it('maps line and column to an offset', () => {
    expect(positionToOffset('sum(rate(x[5m])', { line: 1, col: 5 })).toBe(4);
    expect(positionToOffset('a +\nb )', { line: 2, col: 3 })).toBe(6);
  });
  it('clamps past the end', () => {
    expect(positionToOffset('up', { line: 1, col: 99 })).toBe(2);
    expect(positionToOffset('up', { line: 5, col: 1 })).toBeLessThanOrEqual(2);
  });
});
