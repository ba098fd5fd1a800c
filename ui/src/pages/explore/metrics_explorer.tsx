// The metrics explorer: every metric name the server knows, with its type and help
// text, searchable; choosing one puts it in the editor and runs it. It is how a new
// user finds a first query without knowing any metric name.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../../lib/api';

export interface MetricInfo {
  name: string;
  type: string;
  help: string;
}

type Metadata = Record<string, { type: string; help: string; unit?: string }[]>;

// Names whose text holds every word of the search (case-insensitive), those whose
// name starts with the first word first; each group in alphabetical order.
export function filterMetrics(all: MetricInfo[], search: string, limit = 200): MetricInfo[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return all.slice(0, limit);
  const hits = all.filter((m) => {
    const text = `${m.name} ${m.help}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  const first = words[0];
  const rank = (m: MetricInfo) => (m.name.toLowerCase().startsWith(first) ? 0 : m.name.toLowerCase().includes(first) ? 1 : 2);
  hits.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return hits.slice(0, limit);
}

export function joinMetadata(names: string[], meta: Metadata): MetricInfo[] {
  return names.map((name) => {
    const m = meta[name]?.[0];
    return { name, type: m?.type ?? '', help: m?.help ?? '' };
  });
}

interface Props {
  onSelect: (name: string) => void;
  onClose: () => void;
}

export function MetricsExplorer({ onSelect, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [all, setAll] = useState<MetricInfo[] | null>(null);
  const [error, setError] = useState('');
  const [search, setSearch] = useState('');

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open && typeof d.showModal === 'function') d.showModal();
    d?.addEventListener('close', onClose);
    const ctl = new AbortController();
    Promise.all([
      api.get<string[]>('/api/v1/label/__name__/values', undefined, ctl.signal),
      api.get<Metadata>('/api/v1/metadata', undefined, ctl.signal).catch(() => ({}) as Metadata),
    ]).then(
      ([names, meta]) => setAll(joinMetadata(names, meta)),
      (e: Error) => {
        if (!ctl.signal.aborted) setError(e.message);
      },
    );
    return () => {
      ctl.abort();
      d?.removeEventListener('close', onClose);
    };
  }, []);

  const shown = useMemo(() => (all ? filterMetrics(all, search) : []), [all, search]);

  return (
    <dialog ref={ref} class="metrics-explorer" aria-labelledby="metrics-explorer-title">
      <div class="toolbar">
        <h2 id="metrics-explorer-title">Metrics</h2>
        <span class="spacer" />
        <button type="button" class="small" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
      <input
        type="search"
        aria-label="Search metrics"
        placeholder="Search by name or description, e.g. cpu seconds"
        value={search}
        autoFocus
        onInput={(e) => setSearch(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && shown.length > 0) {
            e.preventDefault();
            onSelect(shown[0].name);
          }
        }}
      />
      {error && (
        <div class="error-box" role="alert">
          {error}
        </div>
      )}
      {!all && !error && <p class="muted">Loading metric names…</p>}
      {all && (
        <p class="muted">
          {shown.length === all.length ? `${all.length} metrics` : `${shown.length} of ${all.length} metrics`}
          {shown.length === 200 && ' (first 200 shown: search to narrow)'}
        </p>
      )}
      <ul class="metrics-list">
        {shown.map((m) => (
          <li key={m.name}>
            <button type="button" onClick={() => onSelect(m.name)}>
              <span class="mono">{m.name}</span>
              {m.type && <span class="badge">{m.type}</span>}
              {m.help && <span class="muted metrics-help">{m.help}</span>}
            </button>
          </li>
        ))}
      </ul>
    </dialog>
  );
}
