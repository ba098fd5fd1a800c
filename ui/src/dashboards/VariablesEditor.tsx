// The variables tab of dashboard settings: the list (add, delete, reorder) and a form for the
// selected variable, with errors next to their fields and a preview of the values it yields now.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { VARIABLE_TYPES, type Variable, type VariableType } from './model';
import { draftErrors, fromDraft, newDraft, withType, type DraftField, type QueryMode, type VariableDraft } from './variableForm';
import { resolveVariables, type VariableFetcher } from './variables';

export interface VariablesEditorProps {
  drafts: VariableDraft[];
  onChange(drafts: VariableDraft[]): void;
  selected: number;
  onSelect(i: number): void;
  // A fetcher over the dashboard's current time range (the one the variables bar uses).
  fetcherFor(signal: AbortSignal): VariableFetcher;
}

const TYPE_HELP: Record<VariableType, string> = {
  query: 'Values from the metrics: the values of a label, or lines of a query result',
  custom: 'A fixed list of values you type',
  interval: 'Time spans such as 1m, 5m, 1h, for use in range selectors: rate(x[$interval])',
  constant: 'One hidden value, to share a piece of a query between panels',
};

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;
const checked = (e: Event) => (e.currentTarget as HTMLInputElement).checked;

function Field(props: { id: string; label: string; error?: string; hint?: string; children: ComponentChildren }) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <div class="dash-ve-field">
        {props.children}
        {props.hint && (
          <div class="muted dash-ve-hint" id={`${props.id}-hint`}>
            {props.hint}
          </div>
        )}
        {props.error && (
          <div class="dash-ve-error" id={`${props.id}-error`} role="alert">
            {props.error}
          </div>
        )}
      </div>
    </>
  );
}

// aria attributes tying an input to its error message.
function errAttrs(id: string, error?: string) {
  return error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
}

type Preview = { state: 'idle' } | { state: 'loading' } | { state: 'done'; values: string[]; error?: string };

function PreviewBox({ drafts, index, fetcherFor }: { drafts: VariableDraft[]; index: number; fetcherFor: VariablesEditorProps['fetcherFor'] }) {
  const [preview, setPreview] = useState<Preview>({ state: 'idle' });
  const key = JSON.stringify(drafts.slice(0, index + 1).map(fromDraft));
  // A stale preview would mislead: clear it when the variable (or one before it) changes.
  useEffect(() => setPreview({ state: 'idle' }), [key]);
  const run = async () => {
    setPreview({ state: 'loading' });
    const ctl = new AbortController();
    const vars = drafts.slice(0, index + 1).map(fromDraft);
    try {
      const { states, errors } = await resolveVariables(vars, fetcherFor(ctl.signal), {}, ctl.signal);
      const name = vars[index].name;
      setPreview({ state: 'done', values: states[index]?.options ?? [], error: errors[name] });
    } catch (e) {
      setPreview({ state: 'done', values: [], error: e instanceof Error ? e.message : String(e) });
    }
  };
  const shown = preview.state === 'done' ? preview.values.slice(0, 50) : [];
  return (
    <div class="dash-ve-preview">
      <button type="button" onClick={run} disabled={preview.state === 'loading'}>
        Preview values
      </button>
      {preview.state === 'loading' && <span class="muted"> Loading…</span>}
      {preview.state === 'done' && (
        <div role="region" aria-label="Preview of values">
          {preview.error ? (
            <div class="dash-ve-error" role="alert">
              {preview.error}
            </div>
          ) : (
            <>
              <div class="muted">
                {preview.values.length === 0
                  ? 'No values for the current time range.'
                  : `${preview.values.length} value${preview.values.length === 1 ? '' : 's'}${preview.values.length > shown.length ? ` (first ${shown.length} shown)` : ''}:`}
              </div>
              <ul class="dash-ve-values">
                {shown.map((v) => (
                  <li key={v}>{v}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}

function VariableForm(props: { drafts: VariableDraft[]; index: number; onChange(d: VariableDraft): void; fetcherFor: VariablesEditorProps['fetcherFor'] }) {
  const d = props.drafts[props.index];
  const v = d.variable;
  const errs = draftErrors(props.drafts, props.index);
  const setVar = (patch: Partial<Variable>) => props.onChange({ ...d, variable: { ...v, ...patch } });
  const set = (patch: Partial<VariableDraft>) => props.onChange({ ...d, ...patch });
  const id = (f: DraftField | string) => `ve-${f}`;
  const input = (f: DraftField, value: string, onInput: (s: string) => void, extra: Record<string, unknown> = {}) => (
    <input id={id(f)} value={value} onInput={(e) => onInput(val(e))} {...errAttrs(id(f), errs[f])} {...extra} />
  );
  const hasAll = v.type === 'query' || v.type === 'custom';
  return (
    <div class="form-grid dash-ve-form">
      <Field id={id('name')} label="Name" error={errs.name} hint={`Use it in queries as $${v.name || 'name'}`}>
        {input('name', v.name, (s) => setVar({ name: s }), { spellcheck: false, autocomplete: 'off' })}
      </Field>
      <Field id="ve-title" label="Display label" hint="Shown in the variables bar (the name when empty)">
        <input id="ve-title" value={v.label ?? ''} onInput={(e) => setVar({ label: val(e) })} />
      </Field>
      <Field id="ve-type" label="Type" hint={TYPE_HELP[v.type]}>
        <select id="ve-type" value={v.type} onChange={(e) => props.onChange(withType(d, val(e) as VariableType))}>
          {VARIABLE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </Field>
      {v.type === 'query' && (
        <>
          <Field id="ve-mode" label="Query type">
            <select
              id="ve-mode"
              value={d.mode}
              onChange={(e) => {
                const mode = val(e) as QueryMode;
                // Switching to "as written" starts from the query the parts made.
                if (mode === 'raw') props.onChange({ ...d, mode, variable: { ...v, query: fromDraft(d).query } });
                else set({ mode });
              }}
            >
              <option value="label_values">Label values: label_values(metric, label)</option>
              <option value="query_result">Query result: query_result(expr)</option>
              <option value="raw">Other, as written</option>
            </select>
          </Field>
          {d.mode === 'label_values' && (
            <>
              <Field id={id('labelName')} label="Label name" error={errs.labelName} hint="The label whose values are offered, e.g. job">
                {input('labelName', d.labelName, (s) => set({ labelName: s }), { spellcheck: false, autocomplete: 'off' })}
              </Field>
              <Field
                id={id('metric')}
                label="Metric or selector (optional)"
                error={errs.metric}
                hint={'Only series of this metric, e.g. up or up{job="$job"}; empty: every series'}
              >
                {input('metric', d.metric, (s) => set({ metric: s }), { spellcheck: false, autocomplete: 'off', class: 'mono' })}
              </Field>
            </>
          )}
          {d.mode === 'query_result' && (
            <Field id={id('expr')} label="Expression" error={errs.expr} hint="Each result line becomes a value; use a regex to pick part of it">
              {input('expr', d.expr, (s) => set({ expr: s }), { spellcheck: false, autocomplete: 'off', class: 'mono' })}
            </Field>
          )}
          {d.mode === 'raw' && (
            <Field
              id={id('query')}
              label="Query"
              error={errs.query}
              hint="label_values(...), query_result(...), metrics(regex) or label_names()"
            >
              {input('query', v.query, (s) => setVar({ query: s }), { spellcheck: false, autocomplete: 'off', class: 'mono' })}
            </Field>
          )}
          <Field id={id('regex')} label="Regex (optional)" error={errs.regex} hint="Keeps matching values; a capture group picks part of each">
            {input('regex', v.regex ?? '', (s) => setVar({ regex: s }), { spellcheck: false, autocomplete: 'off', class: 'mono' })}
          </Field>
        </>
      )}
      {v.type === 'custom' && (
        <Field id={id('values')} label="Values (comma separated)" error={errs.values} hint="a, b, c (write \, for a comma inside a value)">
          {input('values', v.query, (s) => setVar({ query: s }))}
        </Field>
      )}
      {v.type === 'interval' && (
        <>
          <Field id={id('intervals')} label="Intervals (comma separated)" error={errs.intervals} hint="e.g. 1m, 5m, 1h">
            {input('intervals', v.query, (s) => setVar({ query: s }))}
          </Field>
          <Field id="ve-auto" label="Offer auto" hint="“auto” uses each panel's own resolution ($__interval)">
            <input id="ve-auto" type="checkbox" checked={v.auto === true} onChange={(e) => setVar({ auto: checked(e) })} />
          </Field>
        </>
      )}
      {v.type === 'constant' && (
        <Field id={id('constant')} label="Value" error={errs.constant}>
          {input('constant', v.query, (s) => setVar({ query: s }), { class: 'mono' })}
        </Field>
      )}
      {hasAll && (
        <>
          <Field id="ve-multi" label="Multi-value" hint="Several values can be selected at once">
            <input id="ve-multi" type="checkbox" checked={v.multi === true} onChange={(e) => setVar({ multi: checked(e) })} />
          </Field>
          <Field id="ve-all" label="Include All option">
            <input id="ve-all" type="checkbox" checked={v.includeAll === true} onChange={(e) => setVar({ includeAll: checked(e) })} />
          </Field>
          {v.includeAll && (
            <Field id="ve-allvalue" label="Custom All value (optional)" hint="Substituted for All, e.g. .* (default: every value, as a|b|c)">
              <input id="ve-allvalue" class="mono" value={v.allValue ?? ''} onInput={(e) => setVar({ allValue: val(e) })} />
            </Field>
          )}
        </>
      )}
      {v.type !== 'constant' && (
        <Field id="ve-hide" label="Hide from the variables bar">
          <input id="ve-hide" type="checkbox" checked={v.hide === true} onChange={(e) => setVar({ hide: checked(e) })} />
        </Field>
      )}
      <span />
      <PreviewBox drafts={props.drafts} index={props.index} fetcherFor={props.fetcherFor} />
    </div>
  );
}

export function VariablesEditor({ drafts, onChange, selected, onSelect, fetcherFor }: VariablesEditorProps) {
  const cur = Math.min(selected, drafts.length - 1);
  const add = () => {
    onChange([...drafts, newDraft(drafts)]);
    onSelect(drafts.length);
  };
  const move = (i: number, dir: -1 | 1) => {
    const j = i + dir;
    if (j < 0 || j >= drafts.length) return;
    const next = drafts.slice();
    [next[i], next[j]] = [next[j], next[i]];
    onChange(next);
    onSelect(j);
  };
  const remove = (i: number) => {
    onChange(drafts.filter((_, j) => j !== i));
    onSelect(Math.max(0, i - 1));
  };
  return (
    <div class="dash-ve">
      <div class="dash-ve-list">
        {drafts.length === 0 && (
          <p class="muted">
            No variables yet. A variable puts a picker above the panels (say, one job or all of them) and its value into
            queries written with $name.
          </p>
        )}
        <ul class="dash-ve-items" aria-label="Variables">
          {drafts.map((d, i) => {
            const bad = Object.keys(draftErrors(drafts, i)).length > 0;
            return (
              <li key={i} class={i === cur ? 'is-selected' : ''}>
                <button type="button" class="dash-ve-pick" aria-current={i === cur ? 'true' : undefined} onClick={() => onSelect(i)}>
                  <span class="mono">${d.variable.name || '?'}</span> <span class="muted">{d.variable.type}</span>
                  {bad && (
                    <span class="dash-ve-error" aria-label="has errors">
                      {' '}
                      ⚠
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
        <div class="toolbar">
          <button type="button" onClick={add}>
            Add variable
          </button>
          {drafts.length > 0 && (
            <>
              <button type="button" class="small" onClick={() => move(cur, -1)} disabled={cur === 0} aria-label="Move variable up">
                ↑
              </button>
              <button
                type="button"
                class="small"
                onClick={() => move(cur, 1)}
                disabled={cur === drafts.length - 1}
                aria-label="Move variable down"
              >
                ↓
              </button>
              <button type="button" class="small danger" onClick={() => remove(cur)} aria-label="Delete variable">
                Delete
              </button>
            </>
          )}
        </div>
      </div>
      {drafts.length > 0 && (
        <VariableForm
          key={cur}
          drafts={drafts}
          index={cur}
          fetcherFor={fetcherFor}
          onChange={(d) => onChange(drafts.map((x, j) => (j === cur ? d : x)))}
        />
      )}
    </div>
  );
}
