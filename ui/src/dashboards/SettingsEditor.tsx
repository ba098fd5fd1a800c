// Dashboard settings in edit mode: general fields, the variables editor (a form per variable),
// and the variables as JSON for power users. Apply is refused while any field has an error.
import { useState } from 'preact/hooks';
import './editor.css';
import { formatErrors, validateDashboard, type Dashboard, type Variable } from './model';
import { allDraftErrors, fromDraft, toDraft, type VariableDraft } from './variableForm';
import { VariablesEditor } from './VariablesEditor';
import type { VariableFetcher } from './variables';

type Tab = 'general' | 'variables' | 'json';
const TABS: { id: Tab; label: string }[] = [
  { id: 'general', label: 'General' },
  { id: 'variables', label: 'Variables' },
  { id: 'json', label: 'Variables JSON' },
];

export interface SettingsEditorProps {
  dashboard: Dashboard;
  onApply(d: Dashboard): void;
  onCancel(): void;
  fetcherFor(signal: AbortSignal): VariableFetcher;
  initialTab?: Tab;
}

// Parses and validates the JSON tab's text with the dashboard validator (errors name the path).
function parseVariablesJson(d: Dashboard, text: string): { variables?: Variable[]; error?: string } {
  let variables: unknown;
  try {
    variables = JSON.parse(text.trim() || '[]');
  } catch (x) {
    return { error: `variables: not valid JSON (${(x as Error).message})` };
  }
  const res = validateDashboard({ ...d, variables });
  if (!res.dashboard) return { error: formatErrors(res.errors) };
  return { variables: res.dashboard.variables };
}

export function SettingsEditor(props: SettingsEditorProps) {
  const d = props.dashboard;
  const [tab, setTab] = useState<Tab>(props.initialTab ?? 'general');
  const [title, setTitle] = useState(d.title);
  const [tags, setTags] = useState(d.tags.join(', '));
  const [from, setFrom] = useState(d.time.from);
  const [tz, setTz] = useState(d.timezone);
  const [drafts, setDrafts] = useState<VariableDraft[]>(() => d.variables.map(toDraft));
  const [selected, setSelected] = useState(0);
  const [json, setJson] = useState('');
  const [err, setErr] = useState('');

  const switchTab = (next: Tab) => {
    if (next === tab) return;
    if (tab === 'json') {
      const r = parseVariablesJson(d, json);
      if (r.error) {
        setErr(r.error);
        return;
      }
      setDrafts(r.variables!.map(toDraft));
      setSelected(0);
    }
    if (next === 'json') setJson(JSON.stringify(drafts.map(fromDraft), null, 2));
    setErr('');
    setTab(next);
  };

  const apply = (e: Event) => {
    e.preventDefault();
    let variables: Variable[];
    if (tab === 'json') {
      const r = parseVariablesJson(d, json);
      if (r.error) {
        setErr(r.error);
        return;
      }
      variables = r.variables!;
    } else {
      const bad = allDraftErrors(drafts);
      if (bad.length) {
        setTab('variables');
        setSelected(bad[0].index);
        setErr(`Not applied: fix the fields marked in red first.\n${bad.map((b) => b.text).join('\n')}`);
        return;
      }
      variables = drafts.map(fromDraft);
    }
    const candidate = {
      ...d,
      title,
      tags: tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      time: { from, to: 'now' },
      timezone: tz,
      variables,
    };
    const res = validateDashboard(candidate);
    if (!res.dashboard) {
      setErr(formatErrors(res.errors));
      return;
    }
    props.onApply(res.dashboard);
  };
  const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  return (
    <div class="dash-modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <div class="dash-modal dash-settings panel" role="dialog" aria-modal="true" aria-label="Dashboard settings">
        <h2>Dashboard settings</h2>
        <div class="tabs" role="tablist" aria-label="Settings sections">
          {TABS.map((t) => (
            <button
              type="button"
              role="tab"
              key={t.id}
              id={`ds-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls="ds-tabpanel"
              onClick={() => switchTab(t.id)}
            >
              {t.label}
              {t.id === 'variables' && drafts.length > 0 && ` (${drafts.length})`}
            </button>
          ))}
        </div>
        <form onSubmit={apply}>
          <div id="ds-tabpanel" role="tabpanel" aria-labelledby={`ds-tab-${tab}`}>
            {tab === 'general' && (
              <div class="form-grid">
                <label for="ds-title">Title</label>
                <input id="ds-title" value={title} onInput={(e) => setTitle(val(e))} />
                <label for="ds-tags">Tags (comma separated)</label>
                <input id="ds-tags" value={tags} onInput={(e) => setTags(val(e))} />
                <label for="ds-from">Default range from</label>
                <input id="ds-from" value={from} onInput={(e) => setFrom(val(e))} />
                <label for="ds-tz">Time zone</label>
                <select id="ds-tz" value={tz} onChange={(e) => setTz(val(e) === 'utc' ? 'utc' : 'browser')}>
                  <option value="browser">Browser</option>
                  <option value="utc">UTC</option>
                </select>
              </div>
            )}
            {tab === 'variables' && (
              <VariablesEditor
                drafts={drafts}
                onChange={(x) => {
                  setDrafts(x);
                  setErr('');
                }}
                selected={selected}
                onSelect={setSelected}
                fetcherFor={props.fetcherFor}
              />
            )}
            {tab === 'json' && (
              <div class="dash-field-col">
                <label for="ds-vars">Variables (JSON)</label>
                <textarea id="ds-vars" class="mono" rows={16} value={json} onInput={(e) => setJson(val(e))} spellcheck={false} />
                <p class="muted">
                  Example: {'[{"name":"job","type":"query","query":"label_values(up, job)","multi":true,"includeAll":true}]'}
                </p>
              </div>
            )}
          </div>
          {err && (
            <pre class="error-box" role="alert">
              {err}
            </pre>
          )}
          <div class="toolbar dash-modal-actions">
            <button type="submit" class="primary">
              Apply
            </button>
            <button type="button" onClick={props.onCancel}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
