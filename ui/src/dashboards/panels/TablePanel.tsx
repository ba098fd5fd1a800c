// Instant query results as a table: one column per label, one value column per query; rows of
// different queries with the same labels are joined. Click a header to sort.
import { useMemo, useState } from 'preact/hooks';
import type { ChartSeries } from '../../components/chart/types';
import { formatValue } from '../../lib/units';
import { usePanelData } from './data';
import { PanelBody } from './PanelBody';
import type { PanelProps } from './types';

export interface TableModel {
  labelColumns: string[];
  valueColumns: string[];
  rows: { labels: Record<string, string>; values: (number | null)[] }[];
}

function lastValue(s: ChartSeries): number | null {
  for (let i = s.points.length - 1; i >= 0; i--) if (s.points[i][1] !== null) return s.points[i][1];
  return null;
}

export function buildTable(byTarget: ChartSeries[][], names: string[], hide: string[] = []): TableModel {
  const labelSet = new Set<string>();
  const rows = new Map<string, { labels: Record<string, string>; values: (number | null)[] }>();
  byTarget.forEach((series, t) => {
    for (const s of series) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.labels)) {
        if (k === '__name__' && byTarget.length > 1) continue;
        if (hide.includes(k)) continue;
        labels[k] = v;
        labelSet.add(k);
      }
      const key = JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
      let row = rows.get(key);
      if (!row) {
        row = { labels, values: new Array(byTarget.length).fill(null) };
        rows.set(key, row);
      }
      row.values[t] = lastValue(s);
    }
  });
  const labelColumns = [...labelSet].sort((a, b) => (a === '__name__' ? -1 : b === '__name__' ? 1 : a.localeCompare(b)));
  return { labelColumns, valueColumns: names, rows: [...rows.values()] };
}

export function TablePanel({ panel, ctx, width }: PanelProps) {
  const data = usePanelData(panel, ctx, width, true);
  const fc = panel.fieldConfig ?? {};
  const [sort, setSort] = useState<{ col: string; desc: boolean } | null>(null);
  const hide = Array.isArray(panel.options?.hideLabels) ? (panel.options!.hideLabels as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  const table = useMemo(() => {
    const targets = panel.targets ?? [];
    const names = targets.map((t, i) => (t.legendFormat && !t.legendFormat.includes('{{') ? t.legendFormat : targets.length > 1 ? `Value #${String.fromCharCode(65 + i)}` : 'Value'));
    return buildTable(data.byTarget, names, hide);
  }, [data.byTarget, panel.targets, hide.join(',')]);
  const rows = useMemo(() => {
    if (!sort) return table.rows;
    const vi = table.valueColumns.indexOf(sort.col);
    const out = table.rows.slice().sort((a, b) => {
      if (vi >= 0) return (a.values[vi] ?? -Infinity) - (b.values[vi] ?? -Infinity);
      return (a.labels[sort.col] ?? '').localeCompare(b.labels[sort.col] ?? '', undefined, { numeric: true });
    });
    return sort.desc ? out.reverse() : out;
  }, [table, sort]);
  const header = (col: string) => (
    <th key={col} aria-sort={sort?.col === col ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="dash-table-sort" onClick={() => setSort({ col, desc: sort?.col === col ? !sort.desc : false })}>
        {col}
        {sort?.col === col ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  return (
    <PanelBody error={data.error} loading={data.loading && rows.length === 0}>
      <div class="dash-table-wrap">
        {rows.length === 0 && !data.loading ? (
          <div class="dash-nodata">No data</div>
        ) : (
          <table class="dash-table">
            <thead>
              <tr>
                {table.labelColumns.map(header)}
                {table.valueColumns.map(header)}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  {table.labelColumns.map((c) => (
                    <td key={c}>{r.labels[c] ?? ''}</td>
                  ))}
                  {r.values.map((v, j) => (
                    <td key={`v${j}`} class="dash-num">
                      {formatValue(v, fc.unit, fc.decimals)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </PanelBody>
  );
}
