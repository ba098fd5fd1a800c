// Dashboard settings in edit mode: title, tags, default time, and the variables as JSON.
import { useState } from 'preact/hooks';
import { formatErrors, validateDashboard, type Dashboard } from './model';

export function SettingsEditor(props: { dashboard: Dashboard; onApply(d: Dashboard): void; onCancel(): void }) {
  const d = props.dashboard;
  const [title, setTitle] = useState(d.title);
  const [tags, setTags] = useState(d.tags.join(', '));
  const [from, setFrom] = useState(d.time.from);
  const [tz, setTz] = useState(d.timezone);
  const [vars, setVars] = useState(JSON.stringify(d.variables, null, 2));
  const [err, setErr] = useState('');
  const apply = (e: Event) => {
    e.preventDefault();
    let variables: unknown;
    try {
      variables = JSON.parse(vars || '[]');
    } catch (x) {
      setErr(`variables: not valid JSON (${(x as Error).message})`);
      return;
    }
    const candidate = {
      ...d,
      title,
      tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
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
      <div class="dash-modal panel" role="dialog" aria-modal="true" aria-label="Dashboard settings">
        <h2>Dashboard settings</h2>
        <form onSubmit={apply}>
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
            <label for="ds-vars">Variables (JSON)</label>
            <textarea id="ds-vars" class="mono" rows={10} value={vars} onInput={(e) => setVars(val(e))} />
          </div>
          <p class="muted">
            Example variable: {'{"name":"job","type":"query","query":"label_values(up, job)","multi":true,"includeAll":true}'}
          </p>
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
