import { describe, expect, it } from 'vitest';
import {
  autoStepMs,
  formatAgo,
  formatDuration,
  formatSeconds,
  formatTime,
  parseApiTime,
  parseDuration,
  parseTime,
  parseTimeIn,
} from './time';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);

describe('parseDuration', () => {
  it('parses Prometheus durations', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1w')).toBe(604_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
  });
  it('rejects garbage', () => {
    expect(parseDuration('')).toBeNull();
    expect(parseDuration('5x')).toBeNull();
    expect(parseDuration('m5')).toBeNull();
    expect(parseDuration('5m junk')).toBeNull();
  });
});

describe('parseTime', () => {
  it('parses relative times', () => {
    expect(parseTime('now', now)).toBe(now);
    expect(parseTime('now-6h', now)).toBe(now - 6 * 3_600_000);
    expect(parseTime('now - 1h30m', now)).toBe(now - 5_400_000);
    expect(parseTime('now+5m', now)).toBe(now + 300_000);
    expect(parseTime('NOW-1d', now)).toBe(now - 86_400_000);
  });
  it('parses absolute times', () => {
    expect(parseTime('2026-11-22T01:02:03Z', now)).toBe(Date.UTC(2026, 10, 22, 1, 2, 3));
    expect(parseTime('2026-11-22T01:02:03.456Z', now)).toBe(Date.UTC(2026, 10, 22, 1, 2, 3, 456));
    expect(parseTime('2026-11-22T01:02:03+02:00', now)).toBe(Date.UTC(2026, 10, 21, 23, 2, 3));
    expect(parseTime('1763773323', now)).toBe(1763773323000);
    expect(parseTime('1763773323.5', now)).toBe(1763773323500);
  });
  it('rejects invalid input', () => {
    expect(parseTime('', now)).toBeNull();
    expect(parseTime('yesterday', now)).toBeNull();
    expect(parseTime('now-', now)).toBeNull();
    expect(parseTime('now-5q', now)).toBeNull();
    expect(parseTime('2026-13-45T99:00Z', now)).toBeNull();
  });
  it('reads zone-less times in the chosen zone', () => {
    expect(parseTimeIn('2026-11-22 01:02', now, 'utc')).toBe(Date.UTC(2026, 10, 22, 1, 2));
    expect(parseTimeIn('2026-11-22', now, 'utc')).toBe(Date.UTC(2026, 10, 22));
    expect(parseTimeIn('2026-11-22T01:02', now, 'local')).toBe(new Date(2026, 10, 22, 1, 2).getTime());
    expect(parseTimeIn('now-1h', now, 'utc')).toBe(now - 3_600_000);
  });
});

describe('formatting', () => {
  it('formats in UTC and local time', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    expect(formatTime(t, 'utc')).toBe('2026-01-02 03:04:05Z');
    expect(formatTime(t, 'utc', true)).toBe('2026-01-02 03:04:05.006Z');
    const d = new Date(t);
    expect(formatTime(t, 'local')).toContain(String(d.getFullYear()));
    expect(formatTime(t, 'local').endsWith('Z')).toBe(false);
    expect(formatTime(null)).toBe('—');
  });
  it('round-trips UTC formatting through parseTimeIn', () => {
    const t = Date.UTC(2026, 4, 6, 7, 8, 9);
    expect(parseTimeIn(formatTime(t, 'utc').replace('Z', ''), now, 'utc')).toBe(t);
  });
  it('formats durations', () => {
    expect(formatDuration(90_061_000)).toBe('1d1h1m1s');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(1500)).toBe('1s500ms');
    expect(formatSeconds(123.4)).toBe('2m 3s');
    expect(formatSeconds(0.25)).toBe('250ms');
    expect(formatSeconds(90061)).toBe('1d 1h');
    expect(formatSeconds(null)).toBe('—');
  });
  it('formats relative times', () => {
    expect(formatAgo(now - 180_000, now)).toBe('3m ago');
    expect(formatAgo(now + 7_200_000, now)).toBe('in 2h');
  });
  it('parses API times', () => {
    expect(parseApiTime('2026-11-22T01:02:03.456Z')).toBe(Date.UTC(2026, 10, 22, 1, 2, 3, 456));
    expect(parseApiTime(null)).toBeNull();
    expect(parseApiTime('0001-01-01T00:00:00Z')).toBeNull();
  });
  it('picks a nice auto step', () => {
    expect(autoStepMs(3_600_000)).toBe(15_000);
    expect(autoStepMs(60_000)).toBe(1000);
    expect(autoStepMs(30 * 86_400_000)).toBe(3 * 3_600_000);
  });
});
