// Incidents list with filters (state, severity, service) kept in the URL.
import { useEffect } from 'preact/hooks';
import { Badge, ErrorBox, Loading } from '../components/common';
import { api, useApi } from '../lib/api';
import { linkClick, setSearchParams, useSearchParams } from '../lib/router';
import { formatAgo, formatSeconds, formatTime, parseApiTime } from '../lib/time';
import type { Incident } from '../lib/types';

const stateOptions = ['', 'open', 'triggered', 'acknowledged', 'resolved'];
const severityOptions = ['', 'critical', 'warning', 'info'];

export function IncidentsPage() {
  const params = useSearchParams();
  const state = params.get('state') ?? '';
  const severity = params.get('severity') ?? '';
  const service = params.get('service') ?? '';
  const list = useApi(
    (signal) => api.get<Incident[]>('/api/v1/incidents', { state, severity, service, limit: 200 }, signal),
    [state, severity, service],
  );
  useEffect(() => {
    const t = setInterval(() => list.reload(), 15000);
    return () => clearInterval(t);
  }, []);

  const set = (k: string, v: string) => {
    const p = new URLSearchParams(window.location.search);
    if (v) p.set(k, v);
    else p.delete(k);
    setSearchParams(p);
  };

  return (
    <div>
      <h1>Incidents</h1>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          State
          <select value={state} onChange={(e) => set('state', e.currentTarget.value)}>
            {stateOptions.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select value={severity} onChange={(e) => set('severity', e.currentTarget.value)}>
            {severityOptions.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Service
          <input
            type="search"
            value={service}
            placeholder="any"
            onChange={(e) => set('service', e.currentTarget.value.trim())}
          />
        </label>
        <button type="button" onClick={() => list.reload()}>
          Refresh
        </button>
        <a href="/oncall" onClick={linkClick}>
          Who is on call?
        </a>
      </form>
      <ErrorBox error={list.error} what="Loading incidents" />
      <Loading loading={list.loading} hasData={!!list.data} />
      {list.data && list.data.length === 0 && <p class="muted">No incidents match.</p>}
      {list.data && list.data.length > 0 && (
        <div class="table-wrap">
          <table class="incidents-table">
            <thead>
              <tr>
                <th>#</th>
                <th>State</th>
                <th>Severity</th>
                <th>Title</th>
                <th>Services</th>
                <th>Assignee</th>
                <th>Opened</th>
                <th class="num">MTTA</th>
                <th class="num">MTTR</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((i) => (
                <tr key={i.id}>
                  <td>
                    <a href={`/incidents/${i.id}`} onClick={linkClick}>
                      #{i.id}
                    </a>
                  </td>
                  <td>
                    <Badge kind={i.state}>{i.state}</Badge>
                  </td>
                  <td>
                    <Badge kind={i.severity}>{i.severity}</Badge>
                  </td>
                  <td>
                    <a href={`/incidents/${i.id}`} onClick={linkClick}>
                      {i.title}
                    </a>
                  </td>
                  <td>{i.services.join(', ') || '—'}</td>
                  <td>{i.assignee || '—'}</td>
                  <td title={formatTime(parseApiTime(i.opened_at))}>{formatAgo(parseApiTime(i.opened_at))}</td>
                  <td class="num">{formatSeconds(i.mtta_seconds)}</td>
                  <td class="num">{formatSeconds(i.mttr_seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
