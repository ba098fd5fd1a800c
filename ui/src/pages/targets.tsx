// Targets (health, labels, last error, last scrape, duration; filter by state
// and pool) and Service discovery (discovered vs target labels, dropped).
import { Badge, ErrorBox, Labels, Loading } from '../components/common';
import { api, useApi } from '../lib/api';
import { setSearchParams, useSearchParams } from '../lib/router';
import { formatAgo, formatTime, parseApiTime } from '../lib/time';

interface ActiveTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval?: string;
}

interface TargetsData {
  activeTargets: ActiveTarget[];
  droppedTargets: { discoveredLabels: Record<string, string>; scrapePool?: string }[];
}

function useTargets() {
  return useApi((signal) => api.get<TargetsData>('/api/v1/targets', undefined, signal), []);
}

function updateParam(k: string, v: string) {
  const p = new URLSearchParams(window.location.search);
  if (v) p.set(k, v);
  else p.delete(k);
  setSearchParams(p);
}

export function TargetsPage() {
  const params = useSearchParams();
  const state = params.get('state') ?? '';
  const pool = params.get('pool') ?? '';
  const t = useTargets();
  const active = t.data?.activeTargets ?? [];
  const pools = [...new Set(active.map((x) => x.scrapePool))].sort();
  const shown = active.filter((x) => (!state || x.health === state) && (!pool || x.scrapePool === pool));
  const byPool = new Map<string, ActiveTarget[]>();
  for (const x of shown) byPool.set(x.scrapePool, [...(byPool.get(x.scrapePool) ?? []), x]);

  return (
    <div>
      <h1>Targets</h1>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          State
          <select value={state} onChange={(e) => updateParam('state', e.currentTarget.value)}>
            {['', 'up', 'down', 'unknown'].map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pool
          <select value={pool} onChange={(e) => updateParam('pool', e.currentTarget.value)}>
            <option value="">any</option>
            {pools.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => t.reload()}>
          Refresh
        </button>
      </form>
      <ErrorBox error={t.error} what="Loading targets" />
      <Loading loading={t.loading} hasData={!!t.data} />
      {t.data && shown.length === 0 && <p class="muted">No targets match.</p>}
      {[...byPool.entries()].map(([name, xs]) => (
        <section class="panel" key={name}>
          <h2>
            {name}{' '}
            <span class="muted">
              ({xs.filter((x) => x.health === 'up').length}/{xs.length} up)
            </span>
          </h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Endpoint</th>
                  <th>State</th>
                  <th>Labels</th>
                  <th>Last scrape</th>
                  <th class="num">Duration</th>
                  <th>Error</th>
                </tr>
              </thead>
              <tbody>
                {xs.map((x) => (
                  <tr key={x.scrapeUrl + JSON.stringify(x.labels)}>
                    <td class="mono">{x.scrapeUrl}</td>
                    <td>
                      <Badge kind={x.health}>{x.health}</Badge>
                    </td>
                    <td>
                      <Labels labels={x.labels} />
                    </td>
                    <td title={formatTime(parseApiTime(x.lastScrape))}>{formatAgo(parseApiTime(x.lastScrape))}</td>
                    <td class="num">{x.lastScrapeDuration ? `${(x.lastScrapeDuration * 1000).toFixed(1)}ms` : '—'}</td>
                    <td class="error">{x.lastError}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}

export function ServiceDiscoveryPage() {
  const t = useTargets();
  const active = t.data?.activeTargets ?? [];
  const dropped = t.data?.droppedTargets ?? [];
  const pools = [
    ...new Set([...active.map((x) => x.scrapePool), ...dropped.map((x) => x.scrapePool ?? x.discoveredLabels.job ?? '')]),
  ].sort();
  return (
    <div>
      <h1>Service discovery</h1>
      <ErrorBox error={t.error} what="Loading targets" />
      <Loading loading={t.loading} hasData={!!t.data} />
      {t.data && pools.length === 0 && <p class="muted">Nothing discovered.</p>}
      {pools.map((p) => {
        const a = active.filter((x) => x.scrapePool === p);
        const d = dropped.filter((x) => (x.scrapePool ?? x.discoveredLabels.job ?? '') === p);
        return (
          <section class="panel" key={p}>
            <h2>
              {p} <span class="muted">({a.length} active, {d.length} dropped)</span>
            </h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Discovered labels</th>
                    <th>Target labels</th>
                  </tr>
                </thead>
                <tbody>
                  {a.map((x, i) => (
                    <tr key={`a${i}`}>
                      <td>
                        <Labels labels={x.discoveredLabels} />
                      </td>
                      <td>
                        <Labels labels={x.labels} />
                      </td>
                    </tr>
                  ))}
                  {d.map((x, i) => (
                    <tr key={`d${i}`}>
                      <td>
                        <Labels labels={x.discoveredLabels} />
                      </td>
                      <td>
                        <Badge kind="">dropped</Badge>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </div>
  );
}
