// Dashboard list: search, tag filter, create, import (Osprey or Grafana JSON).
import { useMemo, useState } from 'preact/hooks';
import { ApiError, useApi } from '../lib/api';
import { linkClick, navigate } from '../lib/router';
import { dashboardsApi } from './api';
import { parseImport } from './importer';
import { formatErrors } from './model';

function ImportBox({ onDone }: { onDone(uid: string): void }) {
  const [text, setText] = useState('');
  const [errors, setErrors] = useState('');
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const onFile = async (e: Event) => {
    const f = (e.currentTarget as HTMLInputElement).files?.[0];
    if (f) setText(await f.text());
  };
  const run = async (e: Event) => {
    e.preventDefault();
    setErrors('');
    setWarnings([]);
    const r = parseImport(text);
    if (!r.dashboard) {
      setErrors(`Nothing imported: ${r.source === 'grafana' ? 'this Grafana dashboard' : 'this dashboard'} is not valid.\n${formatErrors(r.errors)}`);
      return;
    }
    setBusy(true);
    try {
      let res;
      try {
        res = await dashboardsApi.create(r.dashboard);
      } catch (x) {
        // The uid is taken (imported before): import as a new dashboard with a fresh uid.
        if (x instanceof ApiError && x.status === 409 && r.dashboard.uid) {
          const copy = { ...r.dashboard };
          delete copy.uid;
          res = await dashboardsApi.create(copy);
        } else throw x;
      }
      setWarnings(r.warnings);
      onDone(res.uid);
    } catch (x) {
      setErrors(`Nothing imported: ${x instanceof Error ? x.message : String(x)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel dash-import" onSubmit={run} aria-label="Import dashboard">
      <h2>Import</h2>
      <p class="muted">Paste an Osprey or Grafana dashboard JSON (Grafana's PromQL panels, rows and variables convert), or pick a file.</p>
      <input type="file" accept=".json,application/json" aria-label="Dashboard JSON file" onChange={onFile} />
      <textarea
        aria-label="Dashboard JSON"
        class="mono"
        rows={8}
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        placeholder='{"title": "My dashboard", "panels": [...]}'
      />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy || text.trim() === ''}>
          Import
        </button>
      </div>
      {errors && (
        <pre class="error-box dash-import-error" role="alert">
          {errors}
        </pre>
      )}
      {warnings.length > 0 && (
        <ul class="muted">
          {warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
    </form>
  );
}

export function DashboardListPage() {
  const list = useApi((signal) => dashboardsApi.list(signal), []);
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [showImport, setShowImport] = useState(false);
  const tags = useMemo(() => [...new Set((list.data ?? []).flatMap((d) => d.tags ?? []))].sort(), [list.data]);
  const shown = (list.data ?? []).filter(
    (d) => d.title.toLowerCase().includes(q.trim().toLowerCase()) && (!tag || (d.tags ?? []).includes(tag)),
  );
  return (
    <div class="dash-list-page">
      <h1>Dashboards</h1>
      <div class="toolbar">
        <input
          type="search"
          aria-label="Search dashboards"
          placeholder="Search by title"
          value={q}
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
        />
        <select aria-label="Filter by tag" value={tag} onChange={(e) => setTag((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => navigate('/dashboards/new')}>
          New dashboard
        </button>
        <button type="button" aria-expanded={showImport} onClick={() => setShowImport(!showImport)}>
          Import
        </button>
      </div>
      {showImport && <ImportBox onDone={(uid) => navigate(`/dashboards/${encodeURIComponent(uid)}`)} />}
      {list.error && (
        <div class="error-box" role="alert">
          Cannot list dashboards: {list.error.message}
        </div>
      )}
      {list.loading && !list.data && <p class="muted">Loading…</p>}
      {list.data && (
        <div class="table-wrap">
          <table class="dash-list">
            <thead>
              <tr>
                <th>Title</th>
                <th>Tags</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => (
                <tr key={d.uid}>
                  <td>
                    <a href={`/dashboards/${encodeURIComponent(d.uid)}`} onClick={linkClick}>
                      {d.title}
                    </a>
                    {d.provisioned && <span class="badge">provisioned</span>}
                  </td>
                  <td>
                    {(d.tags ?? []).map((t) => (
                      <button type="button" class="small badge" key={t} onClick={() => setTag(t)}>
                        {t}
                      </button>
                    ))}
                  </td>
                  <td class="muted">{d.updated_at ? new Date(d.updated_at).toLocaleString() : ''}</td>
                </tr>
              ))}
              {shown.length === 0 && (
                <tr>
                  <td colSpan={3} class="muted">
                    {list.data.length === 0 ? 'No dashboards yet: create one or import one.' : 'No dashboard matches.'}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
