import { describe, expect, it } from 'vitest';
import { formatMatcher, formatMatchers, matchersFromLabels, matchesLabels, parseMatcher, withOp } from './matchers';

describe('matchersFromLabels', () => {
  it('makes equality matchers, alertname first', () => {
    const ms = matchersFromLabels({ severity: 'critical', alertname: 'Down', instance: 'a:1' });
    expect(ms.map((m) => m.name)).toEqual(['alertname', 'instance', 'severity']);
    expect(ms.every((m) => m.isEqual && !m.isRegex)).toBe(true);
  });
  it('escapes quotes and backslashes when formatting', () => {
    const [m] = matchersFromLabels({ summary: 'say "hi" \\ bye' });
    expect(formatMatcher(m)).toBe('summary="say \\"hi\\" \\\\ bye"');
    expect(parseMatcher(formatMatcher(m))).toEqual(m);
  });
  it('keeps markup as plain text', () => {
    const [m] = matchersFromLabels({ note: '<script>alert(1)</script>' });
    expect(formatMatcher(m)).toBe('note="<script>alert(1)</script>"');
  });
  it('formats operators', () => {
    const m = withOp({ name: 'job', value: 'n.*', isRegex: false, isEqual: true }, '!~');
    expect(formatMatchers([m])).toBe('{job!~"n.*"}');
  });
});

describe('parseMatcher', () => {
  it('parses each operator', () => {
    expect(parseMatcher('a="b"')).toEqual({ name: 'a', value: 'b', isRegex: false, isEqual: true });
    expect(parseMatcher('a != b')).toEqual({ name: 'a', value: 'b', isRegex: false, isEqual: false });
    expect(parseMatcher('a=~"x|y"')).toEqual({ name: 'a', value: 'x|y', isRegex: true, isEqual: true });
    expect(parseMatcher('a!~"x"')).toEqual({ name: 'a', value: 'x', isRegex: true, isEqual: false });
  });
  it('names the problem', () => {
    expect(() => parseMatcher('1a="b"')).toThrow(/expected name/);
    expect(() => parseMatcher('a="b')).toThrow(/unterminated/);
    expect(() => parseMatcher('a="b"c"')).toThrow(/unescaped quote/);
  });
});

describe('matchesLabels', () => {
  it('applies all matchers', () => {
    const labels = { alertname: 'Down', job: 'node' };
    expect(matchesLabels(matchersFromLabels(labels), labels)).toBe(true);
    expect(matchesLabels([parseMatcher('job=~"no.*"')], labels)).toBe(true);
    expect(matchesLabels([parseMatcher('job!~"no.*"')], labels)).toBe(false);
    expect(matchesLabels([parseMatcher('job="x"')], labels)).toBe(false);
    expect(matchesLabels([parseMatcher('job=~"("')], labels)).toBe(false);
  });
});
