// Loads a page component on first use (a separate chunk), so the first load
// of a dashboard does not pay for CodeMirror or pages it does not show.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let cached: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  return function LazyPage(props: P) {
    const [C, setC] = useState<ComponentType<P> | undefined>(() => cached);
    const [err, setErr] = useState<string>('');
    useEffect(() => {
      if (cached) return;
      pending ??= load();
      pending.then(
        (c) => {
          cached = c;
          setC(() => c);
        },
        (e: unknown) => {
          pending = undefined;
          setErr(String(e));
        },
      );
    }, []);
    if (err) return <p class="error" role="alert">Failed to load this page: {err}. Reload to retry.</p>;
    if (!C) return <p class="muted">Loading…</p>;
    return <C {...props} />;
  };
}
