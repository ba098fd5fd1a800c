// Explore: PromQL editor, Graph / Table / JSON tabs, time range and step,
// query history. The URL holds the view (see url_state.ts).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Labels } from '../../components/common';
import { fromPromResult, TimeSeriesChart } from '../../components/chart';
import { ApiError, request } from '../../lib/api';
import { extractErrorPosition, positionToOffset } from '../../lib/errpos';
import { navigate, useLocation } from '../../lib/router';
import { formatTime } from '../../lib/time';
import { PromQLEditor } from './editor';
import { addToHistory, loadHistory, saveHistory } from './history';
import { MetricsExplorer } from './metrics_explorer';
import { resolveRange, type ResolvedRange } from './range';
import { RangePicker } from './range_picker';
import { decodeState, encodeState, type ExploreState, type ExploreTab } from './url_state';

interface PromSample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

interface QueryData {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  result: PromSample[] | [number, string];
}

interface Envelope {
  status: string;
  data: QueryData;
  warnings?: string[];
}

interface RunResult {
  key: string; // the state that produced it, to skip identical re-runs
  tab: ExploreTab;
  range: ResolvedRange;
  response: Envelope;
  tookMs: number;
}

interface RunError {
  expr: string;
  message: string;
  offset: number | null;
}

function ErrorInPlace({ err }: { err: RunError }) {
  return (
    <div class="error-box explore-error" role="alert">
      <div>{err.message}</div>
      {err.offset !== null && err.expr && (
        <pre class="error-expr" aria-label="Error position">
          {err.expr.slice(0, err.offset)}
          <mark>{err.expr.slice(err.offset, err.offset + 1) || ' '}</mark>
          {err.expr.slice(err.offset + 1)}
        </pre>
      )}
    </div>
  );
}

function ResultTable({ data }: { data: QueryData }) {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    const [t, v] = data.result as [number, string];
    return (
      <table>
        <tbody>
          <tr>
            <td>{data.resultType}</td>
            <td class="num mono" title={formatTime(t * 1000)}>
              {v}
            </td>
          </tr>
        </tbody>
      </table>
    );
  }
  const rows = data.result as PromSample[];
  if (rows.length === 0) return <p class="muted">Empty result.</p>;
  return (
    <div class="table-wrap">
      <table class="result-table">
        <thead>
          <tr>
            <th>Series</th>
            <th class="num">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>
                <Labels labels={r.metric} />
              </td>
              <td class="num mono">
                {r.value
                  ? r.value[1]
                  : (r.values ?? []).map((p, j) => (
                      <div key={j}>
                        {p[1]} @{p[0]}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// First queries for an empty Explore page: they work on the default configuration,
// which monitors Osprey itself and the host.
const examples: [string, string][] = [
  ['up', 'which targets are up (1) or down (0)'],
  ['100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))', 'CPU busy, percent'],
  ['node_memory_MemAvailable_bytes', 'memory available to programs'],
  ['sum by (device) (rate(node_network_receive_bytes_total[5m]))', 'network received, bytes per second'],
  ['rate(osprey_tsdb_head_samples_appended_total[5m])', 'samples Osprey stores per second'],
];

export function ExplorePage() {
  const loc = useLocation();
  const urlState = useMemo(() => decodeState(loc.search), [loc.search]);
  const [draft, setDraft] = useState<ExploreState>(urlState);
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<RunError | null>(null);
  const [loading, setLoading] = useState(false);
  const [history, setHistory] = useState<string[]>(loadHistory);
  const [showMetrics, setShowMetrics] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const draftRef = useRef(draft);
  draftRef.current = draft;

  // URL -> view: navigation (back/forward, links) runs the query it describes.
  useEffect(() => {
    setDraft(urlState);
    if (urlState.expr.trim()) void execute(urlState);
    else {
      setResult(null);
      setError(null);
    }
  }, [loc.search]);

  async function execute(s: ExploreState) {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setError(null);
    let range: ResolvedRange;
    try {
      range = resolveRange(s, Date.now());
    } catch (e) {
      setError({ expr: s.expr, message: (e as Error).message, offset: null });
      return;
    }
    setLoading(true);
    const started = performance.now();
    try {
      const instant = s.tab === 'table';
      const response = await request<Envelope>('POST', instant ? '/api/v1/query' : '/api/v1/query_range', {
        raw: true,
        signal: ctl.signal,
        form: instant
          ? { query: s.expr, time: (range.endMs / 1000).toFixed(3) }
          : {
              query: s.expr,
              start: (range.startMs / 1000).toFixed(3),
              end: (range.endMs / 1000).toFixed(3),
              step: (range.stepMs / 1000).toString(),
            },
      });
      if (ctl.signal.aborted) return;
      setResult({ key: encodeState(s), tab: s.tab, range, response, tookMs: performance.now() - started });
    } catch (e) {
      if (ctl.signal.aborted) return;
      const msg = e instanceof ApiError ? e.message : String(e);
      const pos = extractErrorPosition(msg);
      setResult(null);
      setError({ expr: s.expr, message: msg, offset: pos ? positionToOffset(s.expr, pos) : null });
    } finally {
      if (!ctl.signal.aborted) setLoading(false);
    }
  }

  // Runs the draft: writes it to the URL (which triggers execute) and history.
  const run = (over: Partial<ExploreState> = {}) => {
    const s = { ...draftRef.current, ...over };
    if (!s.expr.trim()) {
      setError({ expr: '', message: 'Enter an expression to run.', offset: null });
      return;
    }
    const h = addToHistory(history, s.expr);
    setHistory(h);
    saveHistory(h);
    const url = `/explore${encodeState(s)}`;
    if (url === window.location.pathname + window.location.search) void execute(s);
    else navigate(url);
  };

  const setTab = (tab: ExploreTab) => {
    setDraft({ ...draftRef.current, tab });
    if (draftRef.current.expr.trim()) run({ tab });
    else navigate(`/explore${encodeState({ ...draftRef.current, tab })}`, { replace: true });
  };

  const data = result?.response.data;
  const series = useMemo(
    () => (data && (data.resultType === 'matrix' || data.resultType === 'vector') ? fromPromResult(data.result as PromSample[]) : []),
    [data],
  );

  return (
    <div class="explore">
      <h1>Explore</h1>
      <div class="explore-editor-row">
        <PromQLEditor
          value={draft.expr}
          onChange={(expr) => setDraft({ ...draftRef.current, expr })}
          onRun={() => run()}
        />
        <button type="button" onClick={() => setShowMetrics(true)} title="Browse and search metric names">
          Metrics
        </button>
        <button type="button" class="primary" onClick={() => run()} disabled={loading}>
          {loading ? 'Running…' : 'Run'}
        </button>
      </div>
      {showMetrics && (
        <MetricsExplorer
          onClose={() => setShowMetrics(false)}
          onSelect={(name) => {
            setShowMetrics(false);
            run({ expr: name });
          }}
        />
      )}
      {error && <ErrorInPlace err={error} />}
      <RangePicker state={draft} onChange={(s) => setDraft(s)} onSubmit={(s) => run(s)} />
      <div class="tabs" role="tablist" aria-label="Result view">
        {(['graph', 'table', 'json'] as ExploreTab[]).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={draft.tab === t} onClick={() => setTab(t)}>
            {t === 'graph' ? 'Graph' : t === 'table' ? 'Table' : 'JSON'}
          </button>
        ))}
        <span class="spacer" />
        {draft.tab === 'graph' && (
          <label>
            <input
              type="checkbox"
              checked={draft.stacked}
              onChange={(e) => run({ stacked: e.currentTarget.checked })}
            />
            Stacked
          </label>
        )}
      </div>
      {result && (
        <p class="muted result-stats">
          {data && Array.isArray(data.result) && data.resultType !== 'scalar' && data.resultType !== 'string'
            ? `${(data.result as PromSample[]).length} series`
            : data?.resultType}{' '}
          · {Math.round(result.tookMs)} ms · step {result.range.stepMs / 1000}s
        </p>
      )}
      {(result?.response.warnings ?? []).map((w, i) => (
        <div class="banner" key={i} role="status">
          Warning: {w}
        </div>
      ))}
      {result && data && result.tab === 'graph' && draft.tab === 'graph' && (
        <section class="panel">
          {series.length === 0 ? (
            <p class="muted">Empty result.</p>
          ) : (
            <TimeSeriesChart
              series={series}
              stacked={draft.stacked}
              timeRange={{ fromMs: result.range.startMs, toMs: result.range.endMs }}
              timezone={draft.tz === 'utc' ? 'utc' : 'browser'}
              height={320}
              onZoom={(fromMs, toMs) =>
                run({ from: new Date(fromMs).toISOString(), end: new Date(toMs).toISOString() })
              }
            />
          )}
        </section>
      )}
      {result && data && result.tab === 'table' && draft.tab === 'table' && <ResultTable data={data} />}
      {result && draft.tab === 'json' && result.tab === 'json' && (
        <pre class="result-json">{JSON.stringify(result.response, null, 2)}</pre>
      )}
      {!draft.expr && !result && !error && (
        <section class="panel explore-start">
          <p>
            Type a PromQL expression above (completion suggests metric names, labels and functions), or pick a
            metric from{' '}
            <button type="button" class="link" onClick={() => setShowMetrics(true)}>
              the metrics list
            </button>
            . Some to start with:
          </p>
          <ul>
            {examples.map(([expr, what]) => (
              <li key={expr}>
                <button type="button" class="link mono" onClick={() => run({ expr })}>
                  {expr}
                </button>{' '}
                <span class="muted">{what}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <details class="panel history" open={history.length > 0 && !draft.expr}>
        <summary>History ({history.length})</summary>
        {history.length === 0 ? (
          <p class="muted">Queries you run appear here.</p>
        ) : (
          <>
            <ul class="history-list">
              {history.map((h) => (
                <li key={h}>
                  <button type="button" title={h} onClick={() => run({ expr: h })}>
                    {h}
                  </button>
                </li>
              ))}
            </ul>
            <button
              type="button"
              class="small"
              onClick={() => {
                setHistory([]);
                saveHistory([]);
              }}
            >
              Clear history
            </button>
          </>
        )}
      </details>
    </div>
  );
}
