// The variables editor's form model: a variable as the form shows it (a query split into its
// parts), conversion to and from the stored Variable, and per-field validation messages.
import { parseDuration } from '../lib/time';
import { stripRegexSlashes, type Variable, type VariableType } from './model';
import { AUTO, parseVariableQuery, splitCustom } from './variables';

// How a query variable's query is written: label_values(...), query_result(...), or as typed.
export type QueryMode = 'label_values' | 'query_result' | 'raw';

export interface VariableDraft {
  variable: Variable;
  mode: QueryMode;
  metric: string; // label_values: optional metric name or series selector
  labelName: string; // label_values: the label whose values are the options
  expr: string; // query_result: the PromQL expression
}

export type DraftField =
  | 'name'
  | 'metric'
  | 'labelName'
  | 'expr'
  | 'query'
  | 'regex'
  | 'values'
  | 'intervals'
  | 'constant';

export type FieldErrors = Partial<Record<DraftField, string>>;

const IDENT = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function toDraft(v: Variable): VariableDraft {
  const d: VariableDraft = { variable: { ...v }, mode: 'label_values', metric: '', labelName: '', expr: '' };
  if (v.type !== 'query') return d;
  if (v.query.trim() === '') return d;
  const q = parseVariableQuery(v.query);
  if ('error' in q) return { ...d, mode: 'raw' };
  if (q.kind === 'label_values') return { ...d, mode: 'label_values', metric: q.match ?? '', labelName: q.label };
  if (q.kind === 'query_result') return { ...d, mode: 'query_result', expr: q.expr };
  return { ...d, mode: 'raw' };
}

// The query text the form's parts stand for.
export function draftQuery(d: VariableDraft): string {
  if (d.variable.type !== 'query' || d.mode === 'raw') return d.variable.query;
  if (d.mode === 'query_result') return `query_result(${d.expr.trim()})`;
  const metric = d.metric.trim();
  const label = d.labelName.trim();
  return metric ? `label_values(${metric}, ${label})` : `label_values(${label})`;
}

// The stored variable, without the fields its type does not use.
export function fromDraft(d: VariableDraft): Variable {
  const v = d.variable;
  const out: Variable = { name: v.name.trim(), type: v.type, query: draftQuery(d) };
  if (v.label && v.label.trim()) out.label = v.label.trim();
  if (v.type === 'query' && v.regex) out.regex = v.regex;
  if (v.type === 'query' || v.type === 'custom') {
    out.multi = v.multi === true;
    out.includeAll = v.includeAll === true;
    if (out.includeAll && v.allValue) out.allValue = v.allValue;
  }
  if (v.type === 'interval' && v.auto) out.auto = true;
  if (v.current && v.current.length) out.current = v.current;
  if (v.hide) out.hide = true;
  return out;
}

// A new query variable with a name no other variable has.
export function newDraft(existing: VariableDraft[]): VariableDraft {
  const names = new Set(existing.map((d) => d.variable.name));
  let n = existing.length + 1;
  while (names.has(`var${n}`)) n++;
  return toDraft({ name: `var${n}`, type: 'query', query: '', multi: false, includeAll: false });
}

// Changing the type keeps the name and label and starts the type's own fields empty.
export function withType(d: VariableDraft, type: VariableType): VariableDraft {
  const v = d.variable;
  const base: Variable = { name: v.name, label: v.label, type, query: '', hide: v.hide };
  if (type === 'interval') base.query = '1m,5m,15m,1h';
  return toDraft(base);
}

// Braces, brackets, parentheses and quotes of a selector balance.
function unbalanced(s: string): boolean {
  const stack: string[] = [];
  const close: Record<string, string> = { '}': '{', ']': '[', ')': '(' };
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '{' || ch === '[' || ch === '(') stack.push(ch);
    else if (ch in close && stack.pop() !== close[ch]) return true;
  }
  return quote !== '' || stack.length > 0;
}

export function regexError(regex: string | undefined): string | undefined {
  if (!regex) return undefined;
  try {
    new RegExp(stripRegexSlashes(regex));
    return undefined;
  } catch (e) {
    return `Not a valid regular expression: ${(e as Error).message}`;
  }
}

// What is wrong with variable `i`, by field (empty when it can be saved).
export function draftErrors(drafts: VariableDraft[], i: number): FieldErrors {
  const d = drafts[i];
  const v = d.variable;
  const e: FieldErrors = {};
  const name = v.name.trim();
  if (name === '') e.name = 'A name is required';
  else if (!IDENT.test(name)) e.name = 'Use letters, digits and _, not starting with a digit';
  else if (name.startsWith('__')) e.name = 'Names starting with __ are reserved for built-in variables';
  else if (drafts.some((o, j) => j !== i && o.variable.name.trim() === name)) e.name = `Another variable is already named "${name}"`;
  switch (v.type) {
    case 'query': {
      if (d.mode === 'label_values') {
        const label = d.labelName.trim();
        if (label === '') e.labelName = 'A label name is required';
        else if (!IDENT.test(label)) e.labelName = `"${label}" is not a label name`;
        if (unbalanced(d.metric)) e.metric = 'Unbalanced braces or quotes';
      } else if (d.mode === 'query_result') {
        if (d.expr.trim() === '') e.expr = 'An expression is required';
        else if (unbalanced(d.expr)) e.expr = 'Unbalanced braces, parentheses or quotes';
      } else if (v.query.trim() === '') e.query = 'A query is required';
      else {
        const q = parseVariableQuery(v.query);
        if ('error' in q) e.query = q.error;
      }
      const re = regexError(v.regex);
      if (re) e.regex = re;
      break;
    }
    case 'custom':
      if (splitCustom(v.query).length === 0) e.values = 'Give at least one value';
      break;
    case 'interval': {
      const list = splitCustom(v.query).filter((x) => x !== AUTO);
      const bad = list.find((x) => parseDuration(x) === null);
      if (bad !== undefined) e.intervals = `"${bad}" is not a duration (like 30s, 5m, 1h)`;
      else if (list.length === 0 && !v.auto) e.intervals = 'Give at least one interval or offer auto';
      break;
    }
    case 'constant':
      if (v.query.trim() === '') e.constant = 'A value is required';
      break;
  }
  return e;
}

// The first problem of every variable, as "variable \"x\": message" lines.
export function allDraftErrors(drafts: VariableDraft[]): { index: number; text: string }[] {
  const out: { index: number; text: string }[] = [];
  drafts.forEach((d, i) => {
    const first = Object.values(draftErrors(drafts, i))[0];
    if (first) out.push({ index: i, text: `variable "${d.variable.name || `#${i + 1}`}": ${first}` });
  });
  return out;
}
