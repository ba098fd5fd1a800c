// Client-side routing on the History API: a tiny store of the current
// location, navigate(), a <Link>-friendly click handler, and path matching.
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  path: string; // pathname, always starting with "/"
  search: string; // including the leading "?" or ""
}

type Listener = (loc: Location) => void;
const listeners = new Set<Listener>();

export function currentLocation(): Location {
  return { path: window.location.pathname || '/', search: window.location.search };
}

function emit(): void {
  const loc = currentLocation();
  for (const l of listeners) l(loc);
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', emit);
}

// Navigates to `url` (path plus optional query). `replace` keeps history short
// for state changes such as filters typed into a form.
export function navigate(url: string, opts: { replace?: boolean } = {}): void {
  const here = window.location.pathname + window.location.search;
  if (url === here) return;
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  emit();
}

// Replaces only the query string of the current path.
export function setSearchParams(params: URLSearchParams, opts: { replace?: boolean } = { replace: true }): void {
  const qs = params.toString();
  navigate(window.location.pathname + (qs ? `?${qs}` : ''), opts);
}

export function useLocation(): Location {
  const [loc, setLoc] = useState<Location>(currentLocation);
  useEffect(() => {
    const l: Listener = (n) => setLoc(n);
    listeners.add(l);
    // The location may have changed between render and effect.
    setLoc(currentLocation());
    return () => {
      listeners.delete(l);
    };
  }, []);
  return loc;
}

export function useSearchParams(): URLSearchParams {
  const loc = useLocation();
  return new URLSearchParams(loc.search);
}

// onClick for <a href>: plain left clicks navigate in-app; modified clicks
// (new tab, etc.) keep the browser's behaviour.
export function linkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.currentTarget as HTMLElement).closest('a');
  if (!a) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || a.target === '_blank') return;
  e.preventDefault();
  navigate(href);
}

// Matches "/incidents/:id" against "/incidents/12" -> {id: "12"}; null when
// the path does not match. Parameters are URI-decoded.
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const trim = (s: string) => (s.length > 1 && s.endsWith('/') ? s.slice(0, -1) : s);
  const ps = trim(pattern).split('/');
  const xs = trim(path).split('/');
  if (ps.length !== xs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    const x = xs[i];
    if (p.startsWith(':')) {
      if (x === '') return null;
      try {
        params[p.slice(1)] = decodeURIComponent(x);
      } catch {
        return null;
      }
    } else if (p !== x) {
      return null;
    }
  }
  return params;
}
