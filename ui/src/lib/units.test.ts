import { describe, expect, it } from 'vitest';
import { formatValue, unitFromGrafana } from './units';

describe('formatValue', () => {
  it('formats bytes with IEC prefixes', () => {
    expect(formatValue(0, 'bytes')).toBe('0 B');
    expect(formatValue(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatValue(5 * 1024 ** 3, 'bytes')).toBe('5 GiB');
  });
  it('formats percentages', () => {
    expect(formatValue(42.123, 'percent')).toBe('42%');
    expect(formatValue(0.5, 'percentunit')).toBe('50%');
    expect(formatValue(3.25, 'percent', 2)).toBe('3.25%');
  });
  it('formats durations', () => {
    expect(formatValue(0.25, 's')).toBe('250 ms');
    expect(formatValue(90, 's')).toBe('1.5 min');
    expect(formatValue(1500, 'ms')).toBe('1.5 s');
    expect(formatValue(90061, 'dtdurations')).toBe('1d 1h');
  });
  it('formats rates and short numbers', () => {
    expect(formatValue(1234, 'short')).toBe('1.23K');
    expect(formatValue(2_000_000, 'Bps')).toBe('2 MB/s');
    expect(formatValue(8000, 'bps')).toBe('8 Kb/s');
    expect(formatValue(12, 'reqps')).toBe('12 req/s');
  });
  it('handles missing and special values', () => {
    expect(formatValue(null, 'bytes')).toBe('-');
    expect(formatValue(NaN)).toBe('-');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-0.5, 'none')).toBe('-0.5');
  });
  it('keeps unknown units as a suffix', () => {
    expect(formatValue(3, 'widgets')).toBe('3 widgets');
  });
});

describe('unitFromGrafana', () => {
  it('maps known ids and falls back to short', () => {
    expect(unitFromGrafana('bytes')).toBe('bytes');
    expect(unitFromGrafana('percentunit')).toBe('percentunit');
    expect(unitFromGrafana('pps')).toBe('pps');
    expect(unitFromGrafana('currencyUSD')).toBe('short');
    expect(unitFromGrafana(undefined)).toBe('short');
  });
});
