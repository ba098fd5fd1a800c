// The variables bar: one picker per visible variable; multi-value ones get a checkbox list.
import { ALL, type VarState } from './variables';
import type { Variable } from './model';

export interface VariablesBarProps {
  variables: Variable[];
  states: VarState[];
  errors: Record<string, string>;
  onChange(name: string, values: string[]): void;
}

function label(values: string[]): string {
  if (values.length === 1 && values[0] === ALL) return 'All';
  if (values.length === 0) return 'None';
  if (values.length <= 2) return values.join(' + ');
  return `${values.slice(0, 2).join(' + ')} +${values.length - 2}`;
}

export function VariablesBar({ variables, states, errors, onChange }: VariablesBarProps) {
  const shown = variables.filter((v) => !v.hide && v.type !== 'constant');
  if (shown.length === 0) return null;
  return (
    <div class="dash-vars toolbar" role="group" aria-label="Variables">
      {shown.map((v) => {
        const st = states.find((s) => s.name === v.name);
        const id = `var-${v.name}`;
        const title = v.label || v.name;
        if (!st) {
          return (
            <span class="dash-var" key={v.name}>
              <span class="dash-var-label">{title}</span> <span class="muted">…</span>
            </span>
          );
        }
        const err = errors[v.name];
        if (v.multi) {
          const all = st.selected.length === 1 && st.selected[0] === ALL;
          const toggle = (opt: string, on: boolean) => {
            const cur = all ? [] : st.selected;
            const next = on ? [...cur, opt] : cur.filter((x) => x !== opt);
            onChange(v.name, next.length ? next : v.includeAll ? [ALL] : st.options.slice(0, 1));
          };
          return (
            <details class="dash-var dash-var-multi" key={v.name}>
              <summary>
                <span class="dash-var-label">{title}</span> <span class="dash-var-value">{label(st.selected)}</span>
              </summary>
              <div class="dash-var-options" role="group" aria-label={title}>
                {v.includeAll && (
                  <label>
                    <input type="checkbox" checked={all} onChange={() => onChange(v.name, [ALL])} /> All
                  </label>
                )}
                {st.options.map((o) => (
                  <label key={o}>
                    <input
                      type="checkbox"
                      checked={!all && st.selected.includes(o)}
                      onChange={(e) => toggle(o, (e.currentTarget as HTMLInputElement).checked)}
                    />{' '}
                    {o}
                  </label>
                ))}
                {st.options.length === 0 && <span class="muted">No values</span>}
              </div>
              {err && <div class="dash-var-error">{err}</div>}
            </details>
          );
        }
        return (
          <label class="dash-var" key={v.name} for={id}>
            <span class="dash-var-label">{title}</span>
            <select
              id={id}
              value={st.selected[0] ?? ''}
              onChange={(e) => onChange(v.name, [(e.currentTarget as HTMLSelectElement).value])}
            >
              {v.includeAll && <option value={ALL}>All</option>}
              {st.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
              {st.options.length === 0 && !v.includeAll && <option value="">(no values)</option>}
            </select>
            {err && (
              <span class="dash-var-error" role="alert">
                {err}
              </span>
            )}
          </label>
        );
      })}
    </div>
  );
}
