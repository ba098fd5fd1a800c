import { describe, expect, it } from 'vitest';
import type { Variable } from './model';
import { parseViewState, serializeViewState } from './url';
import {
  ALL,
  applyRegex,
  builtinValues,
  escapeRegexValue,
  interpolate,
  parseVariableQuery,
  reconcileSelection,
  referencedVariables,
  splitCustom,
  variableOptions,
  type VarState,
  type VariableFetcher,
} from './variables';

const st = (name: string, selected: string[], options: string[], multi = false, includeAll = false): VarState => ({
  name,
  selected,
  options,
  multi,
  includeAll,
});

describe('interpolate', () => {
  it('substitutes all syntaxes', () => {
    const vars = [st('job', ['node'], ['node', 'osprey'])];
    expect(interpolate('up{job="$job"}', vars)).toBe('up{job="node"}');
    expect(interpolate('up{job="${job}"}', vars)).toBe('up{job="node"}');
    expect(interpolate('up{job="[[job]]"}', vars)).toBe('up{job="node"}');
    expect(interpolate('up{job=~"${job:regex}"}', [st('job', ['a.b'], ['a.b'])])).toBe('up{job=~"a\\\\.b"}');
  });
  it('leaves unknown variables alone and does not confuse prefixes', () => {
    const vars = [st('job', ['x'], ['x']), st('jobname', ['y'], ['y'])];
    expect(interpolate('$jobname $job $other', vars)).toBe('y x $other');
  });
  it('joins multi values as an escaped regex alternation', () => {
    const vars = [st('inst', ['a:9100', 'b.c:9100'], ['a:9100', 'b.c:9100'], true)];
    expect(interpolate('up{instance=~"$inst"}', vars)).toBe('up{instance=~"(a:9100|b\\\\.c:9100)"}');
  });
  it('expands All to the joined options or the custom all value', () => {
    const vars = [st('job', [ALL], ['a', 'b'], true, true)];
    expect(interpolate('up{job=~"$job"}', vars)).toBe('up{job=~"(a|b)"}');
    expect(interpolate('up{job=~"$job"}', [{ ...vars[0], allValue: '.*' }])).toBe('up{job=~".*"}');
    expect(interpolate('up{job=~"$job"}', [st('job', [ALL], [], true, true)])).toBe('up{job=~".*"}');
  });
  it('escapes quotes and backslashes of single values', () => {
    expect(interpolate('up{a="$v"}', [st('v', ['x"y\\z'], [])])).toBe('up{a="x\\"y\\\\z"}');
  });
  it('substitutes builtins', () => {
    const b = builtinValues({ intervalMs: 30000, rangeMs: 6 * 3600_000 });
    expect(interpolate('rate(x[$__rate_interval]) [$__interval] $__range ${__range_s}', [], b)).toBe(
      'rate(x[1m]) [30s] 6h 21600',
    );
    expect(builtinValues({ intervalMs: 120000, rangeMs: 1000 }).__rate_interval).toBe('2m15s');
  });
  it('finds referenced variables', () => {
    expect(referencedVariables('label_values(up{job="$job", x="${env}"}, [[inst]])').sort()).toEqual(['env', 'inst', 'job']);
  });
});

describe('escapeRegexValue', () => {
  it('escapes every RE2 metacharacter for a PromQL string', () => {
    expect(escapeRegexValue('a.b*c+d?(e)[f]{g}|h^$i')).toBe(
      'a\\\\.b\\\\*c\\\\+d\\\\?\\\\(e\\\\)\\\\[f\\\\]\\\\{g\\\\}\\\\|h\\\\^\\\\$i',
    );
    expect(escapeRegexValue('back\\slash')).toBe('back\\\\\\\\slash');
  });
});

describe('variable queries', () => {
  it('parses label_values, query_result, metrics', () => {
    expect(parseVariableQuery('label_values(job)')).toEqual({ kind: 'label_values', label: 'job' });
    expect(parseVariableQuery('label_values(node_uname_info{job="$job", x=~"a,b"}, instance)')).toEqual({
      kind: 'label_values',
      label: 'instance',
      match: 'node_uname_info{job="$job", x=~"a,b"}',
    });
    expect(parseVariableQuery('query_result(topk(5, up))')).toEqual({ kind: 'query_result', expr: 'topk(5, up)' });
    expect(parseVariableQuery('metrics(node_.*)')).toEqual({ kind: 'metrics', regex: 'node_.*' });
    expect('error' in parseVariableQuery('label_values(up, "bad")')).toBe(true);
    expect('error' in parseVariableQuery('up')).toBe(true);
  });
  it('applies a regex with and without capture groups', () => {
    expect(applyRegex(['a:9100', 'b:9100', 'c'], '/(.*):9100/')).toEqual(['a', 'b']);
    expect(applyRegex(['x1', 'y2'], 'x.*')).toEqual(['x1']);
    expect(applyRegex(['k="v1"', 'k="v2"'], 'k="(?<value>[^"]+)"')).toEqual(['v1', 'v2']);
  });
  it('splits custom lists', () => {
    expect(splitCustom('a, b ,c\\,d,')).toEqual(['a', 'b', 'c,d']);
  });
  it('keeps valid selections and falls back', () => {
    const v: Variable = { name: 'x', type: 'query', query: '', multi: true, includeAll: true };
    expect(reconcileSelection(v, ['a', 'b'], ['b', 'zz'])).toEqual(['b']);
    expect(reconcileSelection(v, ['a', 'b'], [ALL])).toEqual([ALL]);
    expect(reconcileSelection(v, ['a', 'b'], undefined)).toEqual([ALL]);
    expect(reconcileSelection({ ...v, includeAll: false }, ['a', 'b'], ['zz'])).toEqual(['a']);
  });
  it('evaluates chained variables with the values before them', async () => {
    const calls: string[] = [];
    const fetcher: VariableFetcher = {
      labelValues: async (label, match) => {
        calls.push(`${label}|${match ?? ''}`);
        return label === 'job' ? ['node', 'osprey'] : ['i1:9100', 'i2:9100'];
      },
      labelNames: async () => [],
      instantQuery: async () => [{ metric: { __name__: 'up', instance: 'i3' }, value: [1, '1'] }],
    };
    const job: VarState = st('job', ['osprey'], ['node', 'osprey']);
    const opts = await variableOptions(
      { name: 'inst', type: 'query', query: 'label_values(up{job="$job"}, instance)', regex: '/(.*):9100/' },
      [job],
      fetcher,
      {},
    );
    expect(opts).toEqual(['i1', 'i2']);
    expect(calls).toEqual(['instance|up{job="osprey"}']);
    const qr = await variableOptions({ name: 'q', type: 'query', query: 'query_result(up)', regex: '/instance="([^"]+)"/' }, [], fetcher, {});
    expect(qr).toEqual(['i3']);
    expect(await variableOptions({ name: 'c', type: 'custom', query: 'a,b' }, [], fetcher, {})).toEqual(['a', 'b']);
    await expect(variableOptions({ name: 'e', type: 'query', query: 'nonsense' }, [], fetcher, {})).rejects.toThrow(/unsupported/);
  });
});

describe('URL state', () => {
  it('round-trips time, refresh and multi-valued variables', () => {
    const s = parseViewState('?from=now-1h&to=now&refresh=30s&var-job=a&var-job=b&var-env=%24__all');
    expect(s).toEqual({ from: 'now-1h', to: 'now', refresh: '30s', vars: { job: ['a', 'b'], env: [ALL] } });
    expect(parseViewState(serializeViewState(s))).toEqual(s);
  });
});
