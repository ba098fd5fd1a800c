// Alerts: firing and pending alerts (rules' view joined with Alertmanager's
// silenced/inhibited state), a "Silence" action per alert, and the rules by group.
// /alerting?fingerprint=<16 hex> highlights one alert (links from notifications).
import { useEffect, useState } from 'preact/hooks';
import { Badge, ErrorBox, Labels, Loading } from '../components/common';
import { SilenceDialog, type SilenceDraft } from '../components/silence_form';
import { api, useApi } from '../lib/api';
import { matchersFromLabels } from '../lib/matchers';
import { linkClick, setSearchParams, useSearchParams } from '../lib/router';
import { formatAgo, formatDuration, formatTime, parseApiTime } from '../lib/time';
import type { AmAlert, RuleAlert, RuleGroup } from '../lib/types';

export function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

interface Row {
  key: string;
  state: 'firing' | 'pending';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  since: number | null;
  value?: string;
  am?: AmAlert;
}

// Rules' alerts (firing/pending) first, then Alertmanager alerts no rule owns
// (pushed by other senders).
export function joinAlerts(ruleAlerts: RuleAlert[], amAlerts: AmAlert[]): Row[] {
  const byKey = new Map<string, AmAlert>();
  for (const a of amAlerts) byKey.set(labelsKey(a.labels), a);
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const a of ruleAlerts) {
    if (a.state !== 'firing' && a.state !== 'pending') continue;
    const key = labelsKey(a.labels);
    seen.add(key);
    rows.push({
      key,
      state: a.state,
      labels: a.labels,
      annotations: a.annotations ?? {},
      since: parseApiTime(a.activeAt),
      value: a.value,
      am: byKey.get(key),
    });
  }
  for (const a of amAlerts) {
    const key = labelsKey(a.labels);
    if (seen.has(key)) continue;
    rows.push({ key, state: 'firing', labels: a.labels, annotations: a.annotations ?? {}, since: parseApiTime(a.startsAt), am: a });
  }
  const rank = (r: Row) => (r.state === 'firing' ? 0 : 1);
  rows.sort((x, y) => rank(x) - rank(y) || (x.labels.alertname ?? '').localeCompare(y.labels.alertname ?? ''));
  return rows;
}

function AmState({ a }: { a: AmAlert | undefined }) {
  if (!a) return <span class="muted">not sent</span>;
  if (a.status.silencedBy?.length)
    return (
      <span>
        <Badge kind="suppressed">silenced</Badge>{' '}
        {a.status.silencedBy.map((id) => (
          <a key={id} href={`/silences?id=${encodeURIComponent(id)}`} onClick={linkClick} class="mono">
            {id.slice(0, 8)}{' '}
          </a>
        ))}
      </span>
    );
  if (a.status.inhibitedBy?.length) return <Badge kind="suppressed">inhibited</Badge>;
  return <Badge kind="active">{a.status.state}</Badge>;
}

export function AlertsPage() {
  const params = useSearchParams();
  const highlight = params.get('fingerprint') ?? '';
  const filter = params.get('q') ?? '';
  const [draft, setDraft] = useState<SilenceDraft | null>(null);
  const [notice, setNotice] = useState('');

  const alerts = useApi(
    async (signal) => {
      const [v1, v2] = await Promise.all([
        api.get<{ alerts: RuleAlert[] }>('/api/v1/alerts', undefined, signal),
        api.get<AmAlert[]>('/api/v2/alerts', undefined, signal),
      ]);
      return joinAlerts(v1?.alerts ?? [], v2 ?? []);
    },
    [],
  );
  const rules = useApi((signal) => api.get<{ groups: RuleGroup[] }>('/api/v1/rules', undefined, signal), []);

  useEffect(() => {
    const t = setInterval(() => {
      alerts.reload();
      rules.reload();
    }, 15000);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (!highlight || !alerts.data) return;
    document.getElementById(`alert-${highlight}`)?.scrollIntoView({ block: 'center' });
  }, [highlight, alerts.data]);

  const rows = (alerts.data ?? []).filter((r) => {
    if (!filter) return true;
    const f = filter.toLowerCase();
    return Object.entries(r.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(f));
  });
  const highlighted = highlight && !(alerts.data ?? []).some((r) => r.am?.fingerprint === highlight);

  return (
    <div>
      <h1>Alerts</h1>
      {notice && (
        <div class="banner banner-ok" role="status">
          {notice}
        </div>
      )}
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} role="search">
        <label>
          Filter labels
          <input
            type="search"
            value={filter}
            placeholder="alertname=Foo"
            onInput={(e) => {
              const p = new URLSearchParams(window.location.search);
              if (e.currentTarget.value) p.set('q', e.currentTarget.value);
              else p.delete('q');
              setSearchParams(p);
            }}
          />
        </label>
        <button type="button" onClick={() => { alerts.reload(); rules.reload(); }}>
          Refresh
        </button>
      </form>
      {highlighted && alerts.data && (
        <p class="muted">Alert {highlight} is not active any more (resolved or expired).</p>
      )}
      <h2>Firing and pending ({rows.length})</h2>
      <ErrorBox error={alerts.error} what="Loading alerts" />
      <Loading loading={alerts.loading} hasData={!!alerts.data} />
      {alerts.data && rows.length === 0 && <p class="muted">No firing or pending alerts.</p>}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="alerts-table">
            <thead>
              <tr>
                <th>State</th>
                <th>Alert</th>
                <th>Labels</th>
                <th>Annotations</th>
                <th>Active since</th>
                <th>Notification</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.key}
                  id={r.am ? `alert-${r.am.fingerprint}` : undefined}
                  class={r.am && r.am.fingerprint === highlight ? 'highlight' : ''}
                  data-fingerprint={r.am?.fingerprint}
                >
                  <td>
                    <Badge kind={r.state}>{r.state}</Badge>
                  </td>
                  <td>
                    <strong>{r.labels.alertname ?? '—'}</strong>
                    {r.value !== undefined && <div class="muted mono">value {r.value}</div>}
                  </td>
                  <td>
                    <Labels labels={r.labels} omit={['alertname']} />
                  </td>
                  <td>
                    {Object.entries(r.annotations).map(([k, v]) => (
                      <div key={k}>
                        <span class="muted">{k}: </span>
                        {v}
                      </div>
                    ))}
                  </td>
                  <td title={formatTime(r.since)}>{formatAgo(r.since)}</td>
                  <td>
                    <AmState a={r.am} />
                  </td>
                  <td>
                    <button
                      type="button"
                      class="small"
                      onClick={() => {
                        setNotice('');
                        setDraft({ matchers: matchersFromLabels(r.labels) });
                      }}
                    >
                      Silence
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Rules</h2>
      <ErrorBox error={rules.error} what="Loading rules" />
      <Loading loading={rules.loading} hasData={!!rules.data} />
      {rules.data && rules.data.groups.length === 0 && <p class="muted">No rule groups configured.</p>}
      {(rules.data?.groups ?? []).map((g) => (
        <section class="panel" key={`${g.file}/${g.name}`}>
          <h3>
            {g.name} <span class="muted">{g.file}</span>
          </h3>
          <p class="muted">
            every {g.interval !== undefined ? formatDuration(g.interval * 1000) : '—'} · last evaluation{' '}
            {formatAgo(parseApiTime(g.lastEvaluation))} · took{' '}
            {g.evaluationTime !== undefined ? formatDuration(g.evaluationTime * 1000) : '—'}
          </p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>State</th>
                  <th>Health</th>
                  <th>For</th>
                  <th>Last evaluation</th>
                  <th class="num">Duration</th>
                </tr>
              </thead>
              <tbody>
                {g.rules.map((r, i) => (
                  <tr key={i}>
                    <td>
                      <div>
                        <span class="muted">{r.type === 'alerting' ? 'alert: ' : 'record: '}</span>
                        <strong>{r.name}</strong>
                      </div>
                      <code>{r.query}</code>
                      {r.labels && Object.keys(r.labels).length > 0 && (
                        <div>
                          <Labels labels={r.labels} />
                        </div>
                      )}
                      {r.lastError && <div class="error">{r.lastError}</div>}
                    </td>
                    <td>{r.type === 'alerting' ? <Badge kind={r.state}>{r.state ?? '—'}</Badge> : '—'}</td>
                    <td>
                      <Badge kind={r.health === 'ok' ? 'ok' : r.health === 'err' ? 'err' : 'unknown'}>{r.health}</Badge>
                    </td>
                    <td>{r.duration ? formatDuration(r.duration * 1000) : '—'}</td>
                    <td title={formatTime(parseApiTime(r.lastEvaluation))}>{formatAgo(parseApiTime(r.lastEvaluation))}</td>
                    <td class="num">{r.evaluationTime !== undefined ? `${(r.evaluationTime * 1000).toFixed(2)}ms` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      {draft && (
        <SilenceDialog
          title="Silence alert"
          draft={draft}
          onCancel={() => setDraft(null)}
          onDone={(id) => {
            setDraft(null);
            setNotice(`Silence ${id} created.`);
            alerts.reload();
          }}
        />
      )}
    </div>
  );
}
