import { describe, expect, it } from 'vitest';
import { validateDashboard, type Variable } from './model';
import { allDraftErrors, draftErrors, draftQuery, fromDraft, newDraft, toDraft, withType, type VariableDraft } from './variableForm';
import { ALL, AUTO, interpolate, resolveVariables, type VariableFetcher } from './variables';

const q = (name: string, query: string, extra: Partial<Variable> = {}): Variable => ({ name, type: 'query', query, ...extra });

describe('variable drafts', () => {
  it('splits label_values and query_result queries into form fields and back', () => {
    const d = toDraft(q('inst', 'label_values(up{job="$job"}, instance)'));
    expect(d).toMatchObject({ mode: 'label_values', metric: 'up{job="$job"}', labelName: 'instance' });
    expect(draftQuery(d)).toBe('label_values(up{job="$job"}, instance)');
    expect(draftQuery({ ...d, metric: ' ' })).toBe('label_values(instance)');
    const r = toDraft(q('top', 'query_result(topk(3, up))'));
    expect(r).toMatchObject({ mode: 'query_result', expr: 'topk(3, up)' });
    expect(fromDraft(r).query).toBe('query_result(topk(3, up))');
    expect(toDraft(q('m', 'metrics(node_.*)')).mode).toBe('raw');
    expect(toDraft(q('m', 'nonsense')).mode).toBe('raw');
  });
  it('drops the fields a type does not use', () => {
    const d = toDraft({ name: 'c', type: 'constant', query: 'x', multi: true, includeAll: true, allValue: '.*', regex: 'a' });
    expect(fromDraft(d)).toEqual({ name: 'c', type: 'constant', query: 'x' });
    const all = fromDraft(toDraft(q('a', 'label_values(job)', { includeAll: false, allValue: '.*' })));
    expect(all.allValue).toBeUndefined();
    const iv = fromDraft(toDraft({ name: 'i', type: 'interval', query: '1m,5m', auto: true }));
    expect(iv).toEqual({ name: 'i', type: 'interval', query: '1m,5m', auto: true });
  });
  it('gives new variables unused names and resets fields on a type change', () => {
    const ds = [toDraft(q('var1', 'label_values(job)')), toDraft(q('var2', 'label_values(job)'))];
    expect(newDraft(ds).variable.name).toBe('var3');
    const c = withType(ds[0], 'custom');
    expect(c.variable).toMatchObject({ name: 'var1', type: 'custom', query: '' });
  });
  it('stored variables round-trip through the form and stay valid', () => {
    const vars: Variable[] = [
      q('job', 'label_values(up, job)', { multi: true, includeAll: true, allValue: '.*', current: [ALL] }),
      q('inst', 'label_values(up{job=~"$job"}, instance)', { regex: '/(.*):\\d+/' }),
      { name: 'iv', type: 'interval', query: '1m,5m', auto: true },
      { name: 'c', type: 'custom', query: 'a, b\\, c', label: 'Custom' },
    ];
    const back = vars.map((v) => fromDraft(toDraft(v)));
    const res = validateDashboard({ title: 't', variables: back });
    expect(res.errors).toEqual([]);
    expect(res.dashboard!.variables.map((v) => v.query)).toEqual(vars.map((v) => v.query));
  });
});

describe('draftErrors', () => {
  const errs = (ds: VariableDraft[], i = 0) => draftErrors(ds, i);
  it('accepts a complete variable', () => {
    expect(errs([toDraft(q('job', 'label_values(up, job)'))])).toEqual({});
  });
  it('checks the name: required, identifier, not reserved, unique', () => {
    expect(errs([toDraft(q('', 'label_values(job)'))]).name).toMatch(/required/);
    expect(errs([toDraft(q('1x', 'label_values(job)'))]).name).toMatch(/letters, digits/);
    expect(errs([toDraft(q('__interval', 'label_values(job)'))]).name).toMatch(/reserved/);
    const dup = [toDraft(q('job', 'label_values(job)')), toDraft(q('job', 'label_values(instance)'))];
    expect(errs(dup, 1).name).toBe('Another variable is already named "job"');
    expect(errs(dup, 0).name).toBe('Another variable is already named "job"');
  });
  it('checks the query fields of each query type', () => {
    const empty = toDraft(q('v', ''));
    expect(errs([empty]).labelName).toBe('A label name is required');
    expect(errs([{ ...empty, labelName: 'a-b' }]).labelName).toBe('"a-b" is not a label name');
    expect(errs([{ ...empty, labelName: 'job', metric: 'up{job="x"' }]).metric).toMatch(/Unbalanced/);
    expect(errs([{ ...empty, mode: 'query_result' }]).expr).toBe('An expression is required');
    expect(errs([{ ...empty, mode: 'raw' }]).query).toBe('A query is required');
    expect(errs([{ ...empty, mode: 'raw', variable: q('v', 'values(x)') }]).query).toMatch(/unsupported variable function/);
  });
  it('reports a bad regex next to the regex field', () => {
    const e = errs([toDraft(q('v', 'label_values(job)', { regex: '/(unclosed/' }))]);
    expect(Object.keys(e)).toEqual(['regex']);
    expect(e.regex).toMatch(/^Not a valid regular expression/);
  });
  it('checks custom values, intervals and constants', () => {
    expect(errs([toDraft({ name: 'c', type: 'custom', query: ' , ' })]).values).toMatch(/at least one/);
    expect(errs([toDraft({ name: 'i', type: 'interval', query: '1m, 5x' })]).intervals).toBe('"5x" is not a duration (like 30s, 5m, 1h)');
    expect(errs([toDraft({ name: 'i', type: 'interval', query: '' })]).intervals).toMatch(/at least one/);
    expect(errs([toDraft({ name: 'i', type: 'interval', query: '', auto: true })])).toEqual({});
    expect(errs([toDraft({ name: 'k', type: 'constant', query: '' })]).constant).toMatch(/required/);
  });
  it('summarises the first problem of each variable', () => {
    const ds = [toDraft(q('ok', 'label_values(job)')), toDraft(q('bad', '')), toDraft(q('ok', 'label_values(x)'))];
    expect(allDraftErrors(ds)).toEqual([
      { index: 0, text: 'variable "ok": Another variable is already named "ok"' },
      { index: 1, text: 'variable "bad": A label name is required' },
      { index: 2, text: 'variable "ok": Another variable is already named "ok"' },
    ]);
  });
});

describe('resolveVariables', () => {
  const fetcher: VariableFetcher = {
    labelValues: async (label, match) => {
      if (label === 'job') return ['api', 'node'];
      if (label === 'instance') return match?.includes('node') ? ['n1:9100', 'n2:9100'] : ['a1:80'];
      throw new Error(`no label ${label}`);
    },
    labelNames: async () => ['job', 'instance'],
    instantQuery: async () => [],
  };
  it('resolves in order, chaining selections, and collects errors per variable', () => {
    const vars: Variable[] = [
      q('job', 'label_values(job)'),
      q('inst', 'label_values(up{job="$job"}, instance)', { multi: true, includeAll: true }),
      q('broken', 'label_values(nope)'),
      { name: 'iv', type: 'interval', query: '5m,1h', auto: true },
    ];
    return resolveVariables(vars, fetcher, { job: ['node'] }).then(({ states, errors }) => {
      expect(states.map((s) => s.options)).toEqual([['api', 'node'], ['n1:9100', 'n2:9100'], [], [AUTO, '5m', '1h']]);
      expect(states[0].selected).toEqual(['node']);
      expect(states[1].selected).toEqual([ALL]);
      expect(errors).toEqual({ broken: 'no label nope' });
      // "auto" stands for each panel's own $__interval.
      expect(states[3].selected).toEqual([AUTO]);
      expect(interpolate('rate(x[$iv])', states, { __interval: '30s' })).toBe('rate(x[30s])');
      expect(interpolate('rate(x[$iv])', [{ ...states[3], selected: ['1h'] }], { __interval: '30s' })).toBe('rate(x[1h])');
    });
  });
});
