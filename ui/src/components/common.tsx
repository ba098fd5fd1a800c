// Small shared pieces: label chips, state badges, error boxes, key/value lists.
import type { ComponentChildren } from 'preact';
import type { ApiError } from '../lib/api';

export function Labels(props: { labels: Record<string, string> | undefined; omit?: string[] }) {
  const entries = Object.entries(props.labels ?? {}).filter(([k]) => !props.omit?.includes(k));
  if (entries.length === 0) return <span class="muted">—</span>;
  entries.sort(([a], [b]) => (a === '__name__' ? -1 : b === '__name__' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return (
    <span class="labels">
      {entries.map(([k, v]) => (
        <span class="label" key={k}>
          {k}="{v}"
        </span>
      ))}
    </span>
  );
}

export function Badge(props: { kind?: string; children: ComponentChildren }) {
  const k = (props.kind ?? '').toLowerCase().replace(/[^a-z]/g, '');
  return <span class={`badge ${k}`}>{props.children}</span>;
}

export function ErrorBox(props: { error: ApiError | Error | string | undefined; what?: string }) {
  if (!props.error) return null;
  const msg = typeof props.error === 'string' ? props.error : props.error.message;
  return (
    <div class="error-box" role="alert">
      {props.what ? `${props.what}: ` : ''}
      {msg}
    </div>
  );
}

export function Loading(props: { loading: boolean; hasData: boolean }) {
  if (!props.loading || props.hasData) return null;
  return <p class="muted">Loading…</p>;
}

export function KeyValues(props: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="kv">
      {props.rows.map(([k, v]) => [<dt key={`${k}-t`}>{k}</dt>, <dd key={`${k}-d`}>{v}</dd>])}
    </dl>
  );
}

// A plain <a> that navigates in-app.
export { linkClick } from '../lib/router';
