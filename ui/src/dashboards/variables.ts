// Template variables: parsing variable queries, resolving options, and substituting values
// into PromQL ($var, ${var}, [[var]], ${var:format}, and the $__interval family).
import { stripRegexSlashes, type Variable } from './model';

export const ALL = '$__all';

// A variable's resolved state: its options and the selected values.
export interface VarState {
  name: string;
  options: string[];
  selected: string[]; // [ALL] when "All" is selected
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  // An interval variable offering "auto": selecting it substitutes the panel's $__interval.
  autoInterval?: boolean;
}

export const AUTO = 'auto';

// Characters RE2 treats specially. Each is escaped with a backslash, written as "\\" because
// the value lands inside a double-quoted PromQL string, where a backslash must be doubled.
const REGEX_SPECIAL = /[\\$^*{}[\]'+?.()|]/g;

export function escapeRegexValue(v: string): string {
  return v.replace(REGEX_SPECIAL, (ch) => (ch === '\\' ? '\\\\\\\\' : `\\\\${ch}`)).replace(/"/g, '\\"');
}

// A value used as a plain string inside a double-quoted PromQL string.
export function escapeStringValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function selectedValues(s: VarState): { values: string[]; all: boolean } {
  if (s.selected.length === 1 && s.selected[0] === ALL) return { values: s.options, all: true };
  return { values: s.selected, all: false };
}

// The text substituted for a variable in a query.
export function formatVariable(s: VarState, format?: string): string {
  const { values, all } = selectedValues(s);
  switch (format) {
    case 'raw':
      return values.join(',');
    case 'csv':
      return values.join(',');
    case 'pipe':
      return values.join('|');
    case 'glob':
      return values.length > 1 ? `{${values.join(',')}}` : (values[0] ?? '');
    case 'regex':
      if (all && s.allValue) return s.allValue;
      return values.length === 1 ? escapeRegexValue(values[0]) : `(${values.map(escapeRegexValue).join('|')})`;
    default:
      if (all) {
        if (s.allValue) return s.allValue;
        if (values.length === 0) return '.*';
        return values.length === 1 ? escapeRegexValue(values[0]) : `(${values.map(escapeRegexValue).join('|')})`;
      }
      if (s.multi || s.includeAll) {
        return values.length === 1 ? escapeRegexValue(values[0]) : `(${values.map(escapeRegexValue).join('|')})`;
      }
      return escapeStringValue(values[0] ?? '');
  }
}

export interface Builtins {
  intervalMs: number;
  rangeMs: number;
  scrapeIntervalMs?: number;
}

// Prometheus duration text for milliseconds: 90000 -> "1m30s", 1500 -> "1500ms".
export function promDuration(ms: number): string {
  const r = Math.max(1, Math.round(ms));
  if (r % 1000 !== 0) return `${r}ms`;
  let s = r / 1000;
  let out = '';
  for (const [u, n] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (s >= n) {
      out += `${Math.floor(s / n)}${u}`;
      s %= n;
    }
  }
  return out;
}

export function builtinValues(b: Builtins): Record<string, string> {
  const scrape = b.scrapeIntervalMs ?? 15000;
  const rate = Math.max(b.intervalMs + scrape, 4 * scrape);
  return {
    __interval: promDuration(b.intervalMs),
    __interval_ms: String(Math.round(b.intervalMs)),
    __rate_interval: promDuration(rate),
    __rate_interval_ms: String(Math.round(rate)),
    __range: promDuration(b.rangeMs),
    __range_s: String(Math.round(b.rangeMs / 1000)),
    __range_ms: String(Math.round(b.rangeMs)),
  };
}

const VAR_RE = /\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)(?::(\w+))?\]\]|\$(\w+)/g;

// Substitutes variables and builtins into `expr`. Unknown names are left as written.
export function interpolate(expr: string, vars: VarState[], builtins?: Record<string, string>): string {
  const byName = new Map(vars.map((v) => [v.name, v]));
  return expr.replace(VAR_RE, (whole, n1?: string, f1?: string, n2?: string, f2?: string, n3?: string) => {
    const name = n1 ?? n2 ?? n3 ?? '';
    const format = f1 ?? f2;
    if (builtins && name in builtins) return builtins[name];
    const s = byName.get(name);
    if (!s) return whole;
    if (s.autoInterval && s.selected.length === 1 && s.selected[0] === AUTO) return builtins?.__interval ?? AUTO;
    return formatVariable(s, format);
  });
}

// Names of variables `query` refers to (for re-evaluating chained variables).
export function referencedVariables(query: string): string[] {
  const out = new Set<string>();
  for (const m of query.matchAll(VAR_RE)) out.add(m[1] ?? m[3] ?? m[5]);
  return [...out];
}

export type VariableQuery =
  | { kind: 'label_values'; label: string; match?: string }
  | { kind: 'query_result'; expr: string }
  | { kind: 'metrics'; regex: string }
  | { kind: 'label_names'; match?: string };

// Parses "label_values(up{job="x"}, instance)", "label_values(job)", "query_result(expr)",
// "metrics(regex)" and "label_names()". Returns an error message for anything else.
export function parseVariableQuery(q: string): VariableQuery | { error: string } {
  const t = q.trim();
  const m = /^(\w+)\s*\(([\s\S]*)\)$/.exec(t);
  if (!m) return { error: `unsupported variable query "${t}": use label_values(...), query_result(...), metrics(...) or label_names()` };
  const fn = m[1];
  const arg = m[2].trim();
  switch (fn) {
    case 'label_values': {
      // The label is after the last comma outside braces, quotes and parentheses.
      let depth = 0;
      let quote = '';
      let split = -1;
      for (let i = 0; i < arg.length; i++) {
        const ch = arg[i];
        if (quote) {
          if (ch === '\\') i++;
          else if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
        else if (ch === '{' || ch === '(' || ch === '[') depth++;
        else if (ch === '}' || ch === ')' || ch === ']') depth--;
        else if (ch === ',' && depth === 0) split = i;
      }
      const label = (split < 0 ? arg : arg.slice(split + 1)).trim();
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) return { error: `label_values: "${label}" is not a label name` };
      if (split < 0) return { kind: 'label_values', label };
      const match = arg.slice(0, split).trim();
      return { kind: 'label_values', label, match: match || undefined };
    }
    case 'query_result':
      if (!arg) return { error: 'query_result: the query is empty' };
      return { kind: 'query_result', expr: arg };
    case 'metrics':
      return { kind: 'metrics', regex: arg };
    case 'label_names':
      return { kind: 'label_names', match: arg || undefined };
    default:
      return { error: `unsupported variable function "${fn}"` };
  }
}

// Applies a variable's regex to candidate values: with a capture group, the (first or named
// "value") group is the option; without, matching values are kept as they are.
export function applyRegex(values: string[], regex?: string): string[] {
  if (!regex) return values;
  let re: RegExp;
  try {
    re = new RegExp(stripRegexSlashes(regex));
  } catch {
    return values;
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    const m = re.exec(v);
    if (!m) continue;
    const picked = m.groups?.value ?? m.groups?.text ?? (m.length > 1 ? m[1] : m[0]);
    if (picked === undefined || seen.has(picked)) continue;
    seen.add(picked);
    out.push(picked);
  }
  return out;
}

// Splits a custom variable's "a, b, c" (a backslash escapes a comma).
export function splitCustom(q: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < q.length; i++) {
    if (q[i] === '\\' && q[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (q[i] === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += q[i];
  }
  out.push(cur.trim());
  return out.filter((s) => s !== '');
}

// Formats one query_result row as Grafana does: `name{a="b"} 1 1700000000000`.
export function formatQueryResultRow(metric: Record<string, string>, value: [number, string]): string {
  const name = metric.__name__ ?? '';
  const labels = Object.keys(metric)
    .filter((k) => k !== '__name__')
    .map((k) => `${k}="${metric[k]}"`)
    .join(',');
  return `${name}{${labels}} ${value[1]} ${Math.round(value[0] * 1000)}`;
}

// Picks the selection after options change: keep what is still offered, else "All" when it
// was selected or offered, else the first option.
export function reconcileSelection(v: Variable, options: string[], wanted: string[] | undefined): string[] {
  const want = wanted && wanted.length ? wanted : v.current && v.current.length ? v.current : [];
  if (want.length === 1 && want[0] === ALL && v.includeAll) return [ALL];
  const kept = want.filter((w) => options.includes(w));
  if (kept.length) return v.multi ? kept : [kept[0]];
  if (v.includeAll && (want.length === 0 || want.includes(ALL))) return [ALL];
  return options.length ? [options[0]] : [];
}

export interface VariableFetcher {
  labelValues(label: string, match: string | undefined): Promise<string[]>;
  labelNames(match: string | undefined): Promise<string[]>;
  instantQuery(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

// Options of one variable, given the states of the variables before it.
export async function variableOptions(
  v: Variable,
  before: VarState[],
  fetcher: VariableFetcher,
  builtins: Record<string, string>,
): Promise<string[]> {
  switch (v.type) {
    case 'constant':
      return [interpolate(v.query, before, builtins)];
    case 'custom':
      return splitCustom(v.query);
    case 'interval': {
      const list = splitCustom(v.query).filter((x) => x !== AUTO);
      return v.auto ? [AUTO, ...list] : list;
    }
    case 'query': {
      const q = parseVariableQuery(interpolate(v.query, before, builtins));
      if ('error' in q) throw new Error(q.error);
      let raw: string[];
      if (q.kind === 'label_values') raw = await fetcher.labelValues(q.label, q.match);
      else if (q.kind === 'label_names') raw = await fetcher.labelNames(q.match);
      else if (q.kind === 'metrics') {
        const names = await fetcher.labelValues('__name__', undefined);
        raw = q.regex ? applyRegex(names, q.regex) : names;
      } else {
        const rows = await fetcher.instantQuery(q.expr);
        raw = rows.map((r) => formatQueryResultRow(r.metric, r.value));
      }
      const out = applyRegex(raw, v.regex);
      return Array.from(new Set(out));
    }
    default:
      return [];
  }
}

// Resolves every variable in order (each query sees the values of the ones before it): the
// variables bar and the variables editor's preview both use this. `wanted` holds selections
// (from the URL); a variable whose options cannot be loaded gets an entry in `errors`.
export async function resolveVariables(
  variables: Variable[],
  fetcher: VariableFetcher,
  wanted: Record<string, string[]>,
  signal?: AbortSignal,
): Promise<{ states: VarState[]; errors: Record<string, string> }> {
  const states: VarState[] = [];
  const errors: Record<string, string> = {};
  for (const v of variables) {
    let options: string[] = [];
    try {
      options = await variableOptions(v, states, fetcher, {});
    } catch (e) {
      if (signal?.aborted) throw e;
      errors[v.name] = e instanceof Error ? e.message : String(e);
    }
    states.push({
      name: v.name,
      options,
      selected: reconcileSelection(v, options, wanted[v.name]),
      multi: v.multi === true,
      includeAll: v.includeAll === true,
      allValue: v.allValue,
      autoInterval: v.type === 'interval' && v.auto === true ? true : undefined,
    });
  }
  return { states, errors };
}
