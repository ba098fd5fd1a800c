import type { ComponentChildren } from 'preact';

// The error (the server's message, in place) or a loading note, above the panel's content.
export function PanelBody(props: { error?: string; loading?: boolean; children: ComponentChildren }) {
  return (
    <>
      {props.error && (
        <div class="dash-panel-error" role="alert">
          {props.error}
        </div>
      )}
      {props.loading && !props.error && <div class="dash-panel-loading">Loading…</div>}
      {props.children}
    </>
  );
}
