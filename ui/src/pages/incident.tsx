// One incident: summary, MTTA/MTTR, alerts, timeline, and actions
// (acknowledge, resolve, note, assign, severity). Mutations send X-Osprey-Via: ui.
import { useEffect, useState } from 'preact/hooks';
import { Badge, ErrorBox, KeyValues, Labels, Loading } from '../components/common';
import { api, ApiError, useApi } from '../lib/api';
import { linkClick } from '../lib/router';
import { formatAgo, formatSeconds, formatTime, parseApiTime } from '../lib/time';
import type { Incident, Oncall } from '../lib/types';

const actorKey = 'osprey.user';

function loadActor(): string {
  try {
    return localStorage.getItem(actorKey) ?? '';
  } catch {
    return '';
  }
}

export function incidentAction(id: string, action: string, body: Record<string, string>, by: string): Promise<Incident> {
  const payload: Record<string, string> = { ...body };
  if (by.trim()) payload.by = by.trim();
  return api.post<Incident>(`/api/v1/incidents/${encodeURIComponent(id)}/${action}`, payload, { 'X-Osprey-Via': 'ui' });
}

export function IncidentPage({ id }: { id: string }) {
  const inc = useApi((signal) => api.get<Incident>(`/api/v1/incidents/${encodeURIComponent(id)}`, undefined, signal), [id]);
  const oncall = useApi((signal) => api.get<Oncall>('/api/v1/oncall', undefined, signal).catch(() => undefined), []);
  const [by, setBy] = useState(loadActor);
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  const [severity, setSeverity] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');

  useEffect(() => {
    const t = setInterval(() => inc.reload(), 15000);
    return () => clearInterval(t);
  }, [id]);
  useEffect(() => {
    if (inc.data) setSeverity((s) => s || inc.data!.severity);
  }, [inc.data?.severity]);

  const run = async (action: string, body: Record<string, string>, done: string) => {
    setBusy(true);
    setError('');
    setNotice('');
    try {
      localStorage.setItem(actorKey, by.trim());
    } catch {
      // ignore
    }
    try {
      await incidentAction(id, action, body, by);
      setNotice(done);
      inc.reload();
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const i = inc.data;
  const people = new Set<string>();
  for (const s of oncall.data?.schedules ?? []) for (const p of [...s.now, ...s.next]) people.add(p);
  for (const p of oncall.data?.policies ?? []) for (const x of p.level1_now) people.add(x);

  return (
    <div>
      <p>
        <a href="/incidents" onClick={linkClick}>
          ← Incidents
        </a>
      </p>
      <ErrorBox error={inc.error} what={`Loading incident ${id}`} />
      <Loading loading={inc.loading} hasData={!!i} />
      {i && (
        <>
          <h1>
            #{i.id} {i.title}
          </h1>
          <div class="toolbar">
            <Badge kind={i.state}>{i.state}</Badge>
            <Badge kind={i.severity}>{i.severity}</Badge>
            {i.services.map((s) => (
              <span class="label" key={s}>
                {s}
              </span>
            ))}
          </div>
          <div class="cards">
            <div class="card">
              <div class="title">MTTA</div>
              <div class="value">{formatSeconds(i.mtta_seconds)}</div>
            </div>
            <div class="card">
              <div class="title">MTTR</div>
              <div class="value">{formatSeconds(i.mttr_seconds)}</div>
            </div>
            <div class="card">
              <div class="title">Escalation level</div>
              <div class="value">{i.escalation_level}</div>
            </div>
            <div class="card">
              <div class="title">Assignee</div>
              <div class="value">{i.assignee || '—'}</div>
            </div>
          </div>
          <section class="panel">
            <h2>Actions</h2>
            {notice && (
              <div class="banner banner-ok" role="status">
                {notice}
              </div>
            )}
            <ErrorBox error={error} />
            <div class="toolbar">
              <label>
                Acting as
                <input value={by} placeholder="your name" onInput={(e) => setBy(e.currentTarget.value)} size={12} />
              </label>
              <button
                type="button"
                class="primary"
                disabled={busy || i.state !== 'triggered'}
                onClick={() => run('ack', {}, 'Incident acknowledged.')}
              >
                Acknowledge
              </button>
              <button
                type="button"
                disabled={busy || i.state === 'resolved'}
                onClick={() => run('resolve', {}, 'Incident resolved.')}
              >
                Resolve
              </button>
            </div>
            <form
              class="toolbar"
              onSubmit={(e) => {
                e.preventDefault();
                if (assignee.trim()) run('assign', { assignee: assignee.trim() }, `Assigned to ${assignee.trim()}.`);
              }}
            >
              <label>
                Assign to
                <input
                  value={assignee}
                  list="incident-people"
                  placeholder="person"
                  onInput={(e) => setAssignee(e.currentTarget.value)}
                  size={12}
                />
              </label>
              <datalist id="incident-people">
                {[...people].sort().map((p) => (
                  <option key={p} value={p} />
                ))}
              </datalist>
              <button type="submit" disabled={busy || !assignee.trim()}>
                Assign
              </button>
            </form>
            <form
              class="toolbar"
              onSubmit={(e) => {
                e.preventDefault();
                if (severity && severity !== i.severity)
                  run('severity', { severity }, `Severity set to ${severity}.`);
              }}
            >
              <label>
                Severity
                <select value={severity} onChange={(e) => setSeverity(e.currentTarget.value)}>
                  {['critical', 'warning', 'info'].map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" disabled={busy || !severity || severity === i.severity}>
                Set severity
              </button>
            </form>
            <form
              onSubmit={async (e) => {
                e.preventDefault();
                if (note.trim() && (await run('notes', { text: note.trim() }, 'Note added.'))) setNote('');
              }}
            >
              <label for="incident-note" class="muted">
                Note
              </label>
              <textarea
                id="incident-note"
                value={note}
                maxLength={10000}
                onInput={(e) => setNote(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
                }}
              />
              <div class="toolbar">
                <button type="submit" disabled={busy || !note.trim()}>
                  Add note
                </button>
                <span class="muted">Ctrl+Enter to submit</span>
              </div>
            </form>
          </section>
          <section class="panel">
            <h2>Details</h2>
            <KeyValues
              rows={[
                ['Opened', `${formatTime(parseApiTime(i.opened_at))} (${formatAgo(parseApiTime(i.opened_at))})`],
                [
                  'Acknowledged',
                  i.acknowledged_at ? `${formatTime(parseApiTime(i.acknowledged_at))} by ${i.acknowledged_by}` : '—',
                ],
                ['Resolved', i.resolved_at ? `${formatTime(parseApiTime(i.resolved_at))} by ${i.resolved_by || '—'}` : '—'],
                ['Receiver', i.receiver || '—'],
                ['Policy', i.policy || '—'],
                [
                  'Next escalation',
                  i.next_escalation_at ? formatTime(parseApiTime(i.next_escalation_at)) : '—',
                ],
                ['Group', <Labels labels={i.group_labels} />],
              ]}
            />
          </section>
          <h2>Alerts ({i.alerts.length})</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Status</th>
                  <th>Labels</th>
                  <th>Annotations</th>
                  <th>Started</th>
                  <th>Ended</th>
                </tr>
              </thead>
              <tbody>
                {i.alerts.map((a) => (
                  <tr key={a.fingerprint}>
                    <td>
                      <Badge kind={a.status}>{a.status}</Badge>
                      <div>
                        <a href={`/alerting?fingerprint=${a.fingerprint}`} onClick={linkClick} class="mono">
                          {a.fingerprint}
                        </a>
                      </div>
                    </td>
                    <td>
                      <Labels labels={a.labels} />
                    </td>
                    <td>
                      {Object.entries(a.annotations ?? {}).map(([k, v]) => (
                        <div key={k}>
                          <span class="muted">{k}: </span>
                          {v}
                        </div>
                      ))}
                    </td>
                    <td>{formatTime(parseApiTime(a.starts_at))}</td>
                    <td>{formatTime(parseApiTime(a.ends_at))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>Timeline</h2>
          <ol class="timeline">
            {(i.timeline ?? []).map((ev) => (
              <li key={ev.id} class={`event event-${ev.kind}`}>
                <time dateTime={ev.at}>{formatTime(parseApiTime(ev.at))}</time>{' '}
                <Badge kind={ev.kind}>{ev.kind}</Badge> <strong>{ev.actor}</strong>{' '}
                <span class="event-message">{ev.message}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
