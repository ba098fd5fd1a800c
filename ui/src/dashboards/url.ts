// Dashboard view state in the URL: ?from=now-6h&to=now&refresh=30s&var-job=a&var-job=b
import { ALL } from './variables';

export interface ViewState {
  from?: string;
  to?: string;
  refresh?: string;
  vars: Record<string, string[]>;
}

export function parseViewState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const vars: Record<string, string[]> = {};
  for (const [k, v] of q) {
    if (!k.startsWith('var-')) continue;
    const name = k.slice(4);
    (vars[name] ??= []).push(v === '$__all' ? ALL : v);
  }
  return {
    from: q.get('from') ?? undefined,
    to: q.get('to') ?? undefined,
    refresh: q.get('refresh') ?? undefined,
    vars,
  };
}

export function serializeViewState(s: ViewState): string {
  const q = new URLSearchParams();
  if (s.from) q.set('from', s.from);
  if (s.to) q.set('to', s.to);
  if (s.refresh) q.set('refresh', s.refresh);
  for (const [name, values] of Object.entries(s.vars)) {
    for (const v of values) q.append(`var-${name}`, v);
  }
  const out = q.toString();
  return out ? `?${out}` : '';
}
