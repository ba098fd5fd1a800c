// TSDB status (head stats, cardinality), configuration (YAML) and flags.
import { useState } from 'preact/hooks';
import { ErrorBox, KeyValues, Loading } from '../components/common';
import { api, useApi } from '../lib/api';
import { formatTime } from '../lib/time';

interface NameValue {
  name: string;
  value: number;
}

interface TsdbStatus {
  headStats: { numSeries: number; numLabelPairs?: number; chunkCount: number; minTime: number; maxTime: number };
  seriesCountByMetricName: NameValue[];
  labelValueCountByLabelName: NameValue[];
  memoryInBytesByLabelName: NameValue[];
  seriesCountByLabelValuePair: NameValue[];
}

function CardinalityTable(props: { title: string; rows: NameValue[]; unit: string }) {
  return (
    <section class="panel">
      <h2>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th class="num">{props.unit}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr key={r.name}>
                  <td class="mono">{r.name}</td>
                  <td class="num">{r.value.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function TsdbStatusPage() {
  const s = useApi((signal) => api.get<TsdbStatus>('/api/v1/status/tsdb', undefined, signal), []);
  const h = s.data?.headStats;
  return (
    <div>
      <h1>TSDB status</h1>
      <ErrorBox error={s.error} what="Loading TSDB status" />
      <Loading loading={s.loading} hasData={!!s.data} />
      {s.data && h && (
        <>
          <div class="cards">
            <div class="card">
              <div class="title">Head series</div>
              <div class="value">{h.numSeries.toLocaleString()}</div>
            </div>
            <div class="card">
              <div class="title">Head chunks</div>
              <div class="value">{h.chunkCount.toLocaleString()}</div>
            </div>
            {h.numLabelPairs !== undefined && (
              <div class="card">
                <div class="title">Label pairs</div>
                <div class="value">{h.numLabelPairs.toLocaleString()}</div>
              </div>
            )}
          </div>
          <KeyValues
            rows={[
              ['Head min time', h.numSeries ? formatTime(h.minTime) : '—'],
              ['Head max time', h.numSeries ? formatTime(h.maxTime) : '—'],
            ]}
          />
          <CardinalityTable title="Series count by metric name" rows={s.data.seriesCountByMetricName ?? []} unit="Series" />
          <CardinalityTable
            title="Label value count by label name"
            rows={s.data.labelValueCountByLabelName ?? []}
            unit="Values"
          />
          <CardinalityTable
            title="Series count by label value pair"
            rows={s.data.seriesCountByLabelValuePair ?? []}
            unit="Series"
          />
          <CardinalityTable
            title="Memory by label name"
            rows={s.data.memoryInBytesByLabelName ?? []}
            unit="Bytes"
          />
        </>
      )}
    </div>
  );
}

export function ConfigPage() {
  const c = useApi((signal) => api.get<{ yaml: string }>('/api/v1/status/config', undefined, signal), []);
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <h1>Configuration</h1>
      <ErrorBox error={c.error} what="Loading configuration" />
      <Loading loading={c.loading} hasData={!!c.data} />
      {c.data && (
        <>
          <div class="toolbar">
            <button
              type="button"
              onClick={() => {
                navigator.clipboard?.writeText(c.data!.yaml).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              {copied ? 'Copied' : 'Copy to clipboard'}
            </button>
          </div>
          <pre class="config-yaml">{c.data.yaml}</pre>
        </>
      )}
    </div>
  );
}

export function FlagsPage() {
  const f = useApi((signal) => api.get<Record<string, string>>('/api/v1/status/flags', undefined, signal), []);
  const [q, setQ] = useState('');
  const rows = Object.entries(f.data ?? {})
    .filter(([k, v]) => !q || k.includes(q) || v.includes(q))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return (
    <div>
      <h1>Flags</h1>
      <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Filter
          <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
      </form>
      <ErrorBox error={f.error} what="Loading flags" />
      <Loading loading={f.loading} hasData={!!f.data} />
      {f.data && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Flag</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([k, v]) => (
                <tr key={k}>
                  <td class="mono">--{k}</td>
                  <td class="mono">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
