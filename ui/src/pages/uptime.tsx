// Uptime: probe availability over 24h / 7d / 30d with a 30-day strip.
import { Badge, ErrorBox, Labels, Loading } from '../components/common';
import { api, useApi } from '../lib/api';
import { formatTime, parseApiTime } from '../lib/time';

interface ProbeUptime {
  name: string;
  module: string;
  target: string;
  labels: Record<string, string>;
  state: 'up' | 'down' | 'unknown';
  availability: { '24h': number | null; '7d': number | null; '30d': number | null };
  daily: { end: string; availability: number | null }[];
}

export function formatAvailability(a: number | null | undefined): string {
  if (a === null || a === undefined || !Number.isFinite(a)) return '—';
  const pct = a * 100; // the API gives a fraction in [0, 1]
  return `${pct >= 99.995 ? pct.toFixed(0) : pct.toFixed(2)}%`;
}

function dayClass(a: number | null): string {
  if (a === null) return 'day none';
  return a >= 0.999 ? 'day ok' : a >= 0.99 ? 'day warn' : 'day crit';
}

export function UptimePage() {
  const u = useApi((signal) => api.get<ProbeUptime[]>('/api/v1/uptime', undefined, signal), []);
  return (
    <div>
      <h1>Uptime</h1>
      <p class="muted">
        Public status page: <a href="/status">/status</a>
      </p>
      <ErrorBox error={u.error} what="Loading uptime" />
      <Loading loading={u.loading} hasData={!!u.data} />
      {u.data && u.data.length === 0 && <p class="muted">No probes configured.</p>}
      {u.data && u.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Probe</th>
                <th>State</th>
                <th class="num">24h</th>
                <th class="num">7d</th>
                <th class="num">30d</th>
                <th>Last 30 days</th>
              </tr>
            </thead>
            <tbody>
              {u.data.map((p) => (
                <tr key={p.name + p.target}>
                  <td>
                    <strong>{p.name}</strong> <span class="muted">{p.module}</span>
                    <div class="mono">{p.target}</div>
                    <Labels labels={p.labels} />
                  </td>
                  <td>
                    <Badge kind={p.state}>{p.state}</Badge>
                  </td>
                  <td class="num">{formatAvailability(p.availability['24h'])}</td>
                  <td class="num">{formatAvailability(p.availability['7d'])}</td>
                  <td class="num">{formatAvailability(p.availability['30d'])}</td>
                  <td>
                    <span class="days" role="img" aria-label={`daily availability of ${p.name}`}>
                      {p.daily.map((d) => (
                        <span
                          key={d.end}
                          class={dayClass(d.availability)}
                          title={`${formatTime(parseApiTime(d.end))}: ${formatAvailability(d.availability)}`}
                        />
                      ))}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
