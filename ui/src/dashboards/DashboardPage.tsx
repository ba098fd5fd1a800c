// A dashboard: time and refresh controls, variables, the panel grid, and edit mode.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { navigate, useLocation } from '../lib/router';
import { parseDuration, parseTime } from '../lib/time';
import { dashboardsApi, makeFetcher } from './api';
import { Dialog, type DialogSpec } from './Dialogs';
import { DashboardGrid } from './Grid';
import {
  emptyDashboard,
  flattenGroups,
  formatErrors,
  groupPanels,
  maxPanelId,
  toggleRow,
  validateDashboard,
  type Dashboard,
  type Panel,
  type RefreshInterval,
} from './model';
import { PanelEditor } from './PanelEditor';
import type { PanelContext } from './panels/data';
import { SettingsEditor } from './SettingsEditor';
import { TimeControls } from './TimeControls';
import { parseViewState, serializeViewState, type ViewState } from './url';
import { resolveVariables, type VarState } from './variables';
import { VariablesBar } from './VariablesBar';

interface Loaded {
  dashboard: Dashboard;
  version: number;
  provisioned: boolean;
  isNew: boolean;
}

function errText(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e);
}

// Moves `id` one place up or down in display order by swapping grid positions with its neighbour.
function movePanel(panels: Panel[], id: number, dir: -1 | 1): Panel[] {
  const target = panels.find((p) => p.id === id);
  if (!target) return panels;
  if (target.type === 'row') {
    const groups = groupPanels(panels);
    const gi = groups.findIndex((g) => g.row?.id === id);
    const gj = gi + dir;
    if (gi < 0 || gj < 0 || gj >= groups.length) return panels;
    [groups[gi], groups[gj]] = [groups[gj], groups[gi]];
    return flattenGroups(groups);
  }
  const group = groupPanels(panels).find((g) => g.panels.some((p) => p.id === id));
  if (!group) return panels;
  const i = group.panels.findIndex((p) => p.id === id);
  const j = i + dir;
  if (j < 0 || j >= group.panels.length) return panels;
  const a = group.panels[i];
  const b = group.panels[j];
  return panels.map((p) => {
    if (p.id === a.id) return { ...p, gridPos: { ...p.gridPos, x: b.gridPos.x, y: b.gridPos.y } };
    if (p.id === b.id) return { ...p, gridPos: { ...p.gridPos, x: a.gridPos.x, y: a.gridPos.y } };
    return p;
  });
}

function removePanel(panels: Panel[], id: number): Panel[] {
  return panels
    .filter((p) => p.id !== id)
    .map((p) => (p.panels ? { ...p, panels: p.panels.filter((c) => c.id !== id) } : p));
}

function replacePanel(panels: Panel[], np: Panel): Panel[] {
  return panels.map((p) => {
    if (p.id === np.id) return np;
    if (p.panels) return { ...p, panels: p.panels.map((c) => (c.id === np.id ? np : c)) };
    return p;
  });
}

export function DashboardPage({ uid }: { uid: string }) {
  const loc = useLocation();
  const view: ViewState = useMemo(() => parseViewState(loc.search), [loc.search]);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState('');
  const [draft, setDraft] = useState<Dashboard | null>(null);
  const [editing, setEditing] = useState(false);
  const [editPanel, setEditPanel] = useState<Panel | null>(null);
  const [settingsOpen, setSettingsOpen] = useState<false | 'general' | 'variables'>(false);
  const [dialog, setDialog] = useState<DialogSpec | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [tick, setTick] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [varStates, setVarStates] = useState<VarState[] | null>(null);
  const [varErrors, setVarErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    setLoaded(null);
    setDraft(null);
    setEditing(false);
    setLoadError('');
    setMessage(null);
    if (uid === 'new') {
      setLoaded({ dashboard: emptyDashboard(), version: 0, provisioned: false, isNew: true });
      setEditing(true);
      return undefined;
    }
    const ctl = new AbortController();
    dashboardsApi.get(uid, ctl.signal).then(
      (r) => {
        const res = validateDashboard(r.dashboard);
        if (!res.dashboard) {
          setLoadError(`Stored dashboard "${uid}" is invalid:\n${formatErrors(res.errors)}`);
          return;
        }
        setLoaded({ dashboard: { ...res.dashboard, uid: r.uid }, version: r.version, provisioned: r.provisioned, isNew: false });
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) setLoadError(errText(e));
      },
    );
    return () => ctl.abort();
  }, [uid]);

  const dash = draft ?? loaded?.dashboard ?? null;
  const dirty = draft !== null;
  const from = view.from ?? dash?.time.from ?? 'now-6h';
  const to = view.to ?? dash?.time.to ?? 'now';
  const refresh = view.refresh ?? dash?.refresh ?? '';

  useEffect(() => {
    if (dash) document.title = `${dash.title} · Osprey`;
  }, [dash?.title]);

  // Auto-refresh.
  useEffect(() => {
    const ms = refresh ? parseDuration(refresh) : null;
    if (!ms || editing) return undefined;
    const t = setInterval(() => {
      setNow(Date.now());
      setTick((x) => x + 1);
    }, ms);
    return () => clearInterval(t);
  }, [refresh, editing]);

  const fromMs = parseTime(from, now) ?? now - 6 * 3600_000;
  const toMs = parseTime(to, now) ?? now;

  // Variables, in order: each query sees the values of the ones before it (chained variables).
  const varsKey = JSON.stringify([dash === null, dash?.variables ?? [], view.vars]);
  useEffect(() => {
    if (!dash) return undefined;
    const ctl = new AbortController();
    (async () => {
      const fetcher = makeFetcher(fromMs / 1000, toMs / 1000, ctl.signal);
      let resolved: Awaited<ReturnType<typeof resolveVariables>>;
      try {
        resolved = await resolveVariables(dash.variables, fetcher, view.vars, ctl.signal);
      } catch {
        return; // aborted
      }
      const { states, errors } = resolved;
      if (ctl.signal.aborted) return;
      setVarErrors(errors);
      setVarStates(states);
    })();
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [varsKey, uid]);

  const setView = (patch: Partial<ViewState>, push = false) => {
    const next = serializeViewState({ ...view, ...patch });
    navigate(`${loc.path}${next}`, { replace: !push });
  };

  const ctx: PanelContext = {
    fromMs,
    toMs,
    vars: varStates ?? [],
    timezone: dash?.timezone ?? 'browser',
    refreshTick: tick,
    onZoom: (f, t) => setView({ from: String(Math.round(f)), to: String(Math.round(t)) }, true),
  };

  if (loadError) {
    return (
      <div>
        <h1>Dashboard</h1>
        <pre class="error-box" role="alert">
          {loadError}
        </pre>
        <a href="/dashboards" onClick={(e) => (e.preventDefault(), navigate('/dashboards'))}>
          All dashboards
        </a>
      </div>
    );
  }
  if (!loaded || !dash) return <p class="muted">Loading dashboard…</p>;

  const update = (d: Dashboard) => setDraft(d);
  const readOnly = loaded.provisioned;

  const save = async () => {
    setMessage(null);
    const res = validateDashboard(dash);
    if (!res.dashboard) {
      setMessage({ kind: 'error', text: formatErrors(res.errors) });
      return;
    }
    try {
      if (loaded.isNew) {
        const r = await dashboardsApi.create(res.dashboard);
        setDraft(null);
        setEditing(false);
        navigate(`/dashboards/${encodeURIComponent(r.uid)}`);
        return;
      }
      const r = await dashboardsApi.update(loaded.dashboard.uid ?? uid, { ...res.dashboard, uid }, loaded.version);
      setLoaded({ ...loaded, dashboard: { ...res.dashboard, uid }, version: r.version });
      setDraft(null);
      setEditing(false);
      setMessage({ kind: 'ok', text: `Saved (version ${r.version}).` });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setMessage({
          kind: 'error',
          text: `Not saved: ${e.message}. Someone else saved this dashboard meanwhile: reload the page to see their version (your changes are lost then), or use "Save as" to keep yours as a copy.`,
        });
      } else setMessage({ kind: 'error', text: `Not saved: ${errText(e)}` });
    }
  };

  const saveAs = () =>
    setDialog({
      kind: 'prompt',
      title: readOnly ? 'Save a copy' : 'Save as',
      label: 'Title of the copy',
      initial: `${dash.title} (copy)`,
      confirmLabel: 'Save copy',
      onSubmit: async (title) => {
        try {
          const copy: Dashboard = { ...dash, title };
          delete copy.uid;
          const r = await dashboardsApi.create(copy);
          setDraft(null);
          setEditing(false);
          navigate(`/dashboards/${encodeURIComponent(r.uid)}`);
        } catch (e) {
          setMessage({ kind: 'error', text: `Copy not saved: ${errText(e)}` });
        }
      },
    });

  const remove = () =>
    setDialog({
      kind: 'confirm',
      title: 'Delete dashboard',
      message: `Delete dashboard "${dash.title}"? This cannot be undone.`,
      confirmLabel: 'Delete',
      danger: true,
      onConfirm: async () => {
        try {
          await dashboardsApi.remove(uid);
          navigate('/dashboards');
        } catch (e) {
          setMessage({ kind: 'error', text: `Not deleted: ${errText(e)}` });
        }
      },
    });

  const addPanel = (type: 'timeseries' | 'row') => {
    const id = maxPanelId(dash.panels) + 1;
    const p: Panel =
      type === 'row'
        ? { id, type: 'row', title: 'Row', gridPos: { x: 0, y: 100000, w: 24, h: 1 }, collapsed: false }
        : { id, type: 'timeseries', title: 'New panel', gridPos: { x: 0, y: 100000, w: 12, h: 8 }, targets: [{ expr: '' }] };
    update({ ...dash, panels: [...dash.panels, p] });
    if (type !== 'row') setEditPanel(p);
  };

  const actionsFor = (p: Panel) => ({
    edit: () => setEditPanel(p),
    moveUp: () => update({ ...dash, panels: movePanel(dash.panels, p.id, -1) }),
    moveDown: () => update({ ...dash, panels: movePanel(dash.panels, p.id, 1) }),
    remove: () =>
      setDialog({
        kind: 'confirm',
        title: p.type === 'row' ? 'Delete row' : 'Delete panel',
        message: `Delete ${p.type === 'row' ? 'row' : 'panel'} "${p.title}"? Save the dashboard to make it final.`,
        confirmLabel: 'Delete',
        danger: true,
        onConfirm: () => update({ ...dash, panels: removePanel(dash.panels, p.id) }),
      }),
  });

  return (
    <div class="dash-page">
      <div class="dash-header">
        <h1 class="dash-title">{dash.title}</h1>
        {dash.tags.map((t) => (
          <span class="badge" key={t}>
            {t}
          </span>
        ))}
        {readOnly && (
          <span class="badge" title="Provisioned from a file: read-only">
            provisioned
          </span>
        )}
        {dirty && <span class="dash-dirty">unsaved changes</span>}
        <span class="spacer" />
        <div class="toolbar dash-actions">
          {!editing && !readOnly && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {editing && (
            <>
              <button type="button" onClick={() => addPanel('timeseries')}>
                Add panel
              </button>
              <button type="button" onClick={() => addPanel('row')}>
                Add row
              </button>
              <button type="button" onClick={() => setSettingsOpen('variables')}>
                Variables
              </button>
              <button type="button" onClick={() => setSettingsOpen('general')}>
                Settings
              </button>
            </>
          )}
          {!readOnly && (dirty || editing) && (
            <button type="button" class="primary" onClick={save}>
              Save
            </button>
          )}
          {editing && !loaded.isNew && (
            <button
              type="button"
              onClick={() => {
                setDraft(null);
                setEditing(false);
              }}
            >
              Discard
            </button>
          )}
          {!loaded.isNew && (
            <button type="button" onClick={saveAs}>
              {readOnly ? 'Save a copy' : 'Save as'}
            </button>
          )}
          {!readOnly && !loaded.isNew && (
            <button type="button" class="danger" onClick={remove}>
              Delete
            </button>
          )}
        </div>
      </div>
      {message && (
        <div class={message.kind === 'ok' ? 'banner banner-ok' : 'banner banner-error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </div>
      )}
      <div class="dash-controls">
        <VariablesBar
          variables={dash.variables}
          states={varStates ?? []}
          errors={varErrors}
          onChange={(name, values) => setView({ vars: { ...view.vars, [name]: values } })}
        />
        <TimeControls
          from={from}
          to={to}
          refresh={refresh}
          utc={dash.timezone === 'utc'}
          onRange={(f, t) => {
            setNow(Date.now());
            setView({ from: f, to: t }, true);
          }}
          onRefresh={(r) => setView({ refresh: r as RefreshInterval })}
          onRefreshNow={() => {
            setNow(Date.now());
            setTick((x) => x + 1);
          }}
        />
      </div>
      {dash.panels.length === 0 && (
        <div class="panel muted">
          This dashboard has no panels yet.{' '}
          {!readOnly && (
            <button
              type="button"
              onClick={() => {
                setEditing(true);
                addPanel('timeseries');
              }}
            >
              Add a panel
            </button>
          )}
        </div>
      )}
      {varStates !== null && (
        <DashboardGrid
          panels={dash.panels}
          ctx={ctx}
          editing={editing}
          onToggleRow={(id) => update({ ...dash, panels: toggleRow(dash.panels, id) })}
          onLayout={(panels) => update({ ...dash, panels })}
          actionsFor={actionsFor}
        />
      )}
      {editPanel && (
        <PanelEditor
          panel={editPanel}
          onCancel={() => setEditPanel(null)}
          onApply={(p) => {
            update({ ...dash, panels: replacePanel(dash.panels, p) });
            setEditPanel(null);
          }}
        />
      )}
      {dialog && <Dialog spec={dialog} onClose={() => setDialog(null)} />}
      {settingsOpen && (
        <SettingsEditor
          dashboard={dash}
          initialTab={settingsOpen}
          fetcherFor={(signal) => makeFetcher(fromMs / 1000, toMs / 1000, signal)}
          onCancel={() => setSettingsOpen(false)}
          onApply={(d) => {
            update({ ...d, uid: dash.uid, panels: dash.panels });
            setSettingsOpen(false);
          }}
        />
      )}
    </div>
  );
}
