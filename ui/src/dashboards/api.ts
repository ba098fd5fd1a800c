// Dashboard storage API (/api/v1/dashboards) and the Prometheus queries panels and variables use.
import { api, request } from '../lib/api';
import type { Dashboard } from './model';
import type { VariableFetcher } from './variables';

export interface DashboardSummary {
  uid: string;
  title: string;
  tags: string[];
  provisioned: boolean;
  version: number;
  updated_at: string | null;
}

export interface StoredDashboard extends DashboardSummary {
  dashboard: unknown;
}

export const dashboardsApi = {
  list: (signal?: AbortSignal) => api.get<DashboardSummary[]>('/api/v1/dashboards', undefined, signal),
  get: (uid: string, signal?: AbortSignal) =>
    api.get<StoredDashboard>(`/api/v1/dashboards/${encodeURIComponent(uid)}`, undefined, signal),
  create: (d: Dashboard) => api.post<{ uid: string; version: number }>('/api/v1/dashboards', { dashboard: d }),
  update: (uid: string, d: Dashboard, version: number) =>
    request<{ uid: string; version: number }>('PUT', `/api/v1/dashboards/${encodeURIComponent(uid)}`, {
      body: { dashboard: d, version },
    }),
  remove: (uid: string) => api.del<null>(`/api/v1/dashboards/${encodeURIComponent(uid)}`),
};

export interface PromSeries {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

export interface PromData {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  result: PromSeries[] | [number, string];
}

function normalise(d: PromData): PromSeries[] {
  if (d.resultType === 'scalar' || d.resultType === 'string') {
    return [{ metric: {}, value: d.result as [number, string] }];
  }
  return d.result as PromSeries[];
}

export async function queryRange(expr: string, startS: number, endS: number, stepS: number, signal?: AbortSignal) {
  const d = await request<PromData>('POST', '/api/v1/query_range', {
    form: { query: expr, start: startS.toFixed(3), end: endS.toFixed(3), step: String(stepS) },
    signal,
  });
  return normalise(d);
}

export async function queryInstant(expr: string, timeS: number, signal?: AbortSignal) {
  const d = await request<PromData>('POST', '/api/v1/query', { form: { query: expr, time: timeS.toFixed(3) }, signal });
  return normalise(d);
}

export function makeFetcher(startS: number, endS: number, signal?: AbortSignal): VariableFetcher {
  const range = { start: startS.toFixed(0), end: endS.toFixed(0) };
  return {
    labelValues: (label, match) =>
      api.get<string[]>(
        `/api/v1/label/${encodeURIComponent(label)}/values`,
        { ...range, 'match[]': match ? [match] : undefined },
        signal,
      ),
    labelNames: (match) => api.get<string[]>('/api/v1/labels', { ...range, 'match[]': match ? [match] : undefined }, signal),
    instantQuery: async (expr) => {
      const rows = await queryInstant(expr, endS, signal);
      return rows.filter((r) => r.value).map((r) => ({ metric: r.metric, value: r.value! }));
    },
  };
}
