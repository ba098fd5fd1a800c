import { describe, expect, it } from 'vitest';
import { importGrafana } from './grafana';
import { parseImport } from './importer';
import { formatErrors, type Panel } from './model';
import { ALL, parseVariableQuery } from './variables';

// The widely used "Node Exporter Full" dashboard, kept next to the repository (../shared).
const shared = import.meta.glob('../../../../shared/dashboards/node-exporter-full.json', { eager: true, import: 'default' });
const nodeFull = Object.values(shared)[0] as Record<string, unknown> | undefined;

function all(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

// CI always has ../shared: there a missing file is a failure, not a skip.
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
if (!nodeFull && env?.CI === 'true') {
  throw new Error('../shared/dashboards/node-exporter-full.json not found');
}

describe.skipIf(!nodeFull)('Node Exporter Full', () => {
  const json = nodeFull ?? {};
  const r = importGrafana(json);
  it('imports without errors', () => {
    expect(formatErrors(r.errors)).toBe('');
    expect(r.dashboard).toBeDefined();
    expect(r.warnings).toEqual([]);
  });
  it('keeps every panel and row', () => {
    const d = r.dashboard!;
    expect(d.panels).toHaveLength(31);
    const flat = all(d.panels);
    const count = (t: string) => flat.filter((p) => p.type === t).length;
    expect(count('row')).toBe(16);
    expect(count('timeseries')).toBe(111);
    expect(count('stat')).toBe(5);
    expect(count('gauge')).toBe(5);
    expect(count('bargauge')).toBe(4);
    expect(count('text')).toBe(0); // no unsupported panel became a text panel
    // Collapsed rows hold their panels.
    const collapsed = d.panels.filter((p) => p.type === 'row' && p.collapsed);
    expect(collapsed.length).toBeGreaterThan(0);
    expect(collapsed.every((p) => (p.panels ?? []).length > 0)).toBe(true);
  });
  it('converts variables (datasource dropped) and targets', () => {
    const d = r.dashboard!;
    expect(d.variables.map((v) => [v.name, v.type])).toEqual([
      ['job', 'query'],
      ['nodename', 'query'],
      ['node', 'query'],
    ]);
    expect(d.variables[0].query).toBe('label_values(node_uname_info, job)');
    for (const v of d.variables) expect('error' in parseVariableQuery(v.query)).toBe(false);
    const targets = all(d.panels).flatMap((p) => p.targets ?? []);
    expect(targets.length).toBeGreaterThan(200);
    expect(targets.every((t) => typeof t.expr === 'string' && t.expr.length > 0)).toBe(true);
    expect(targets.some((t) => t.expr.includes('$__rate_interval'))).toBe(true);
    const units = new Set(all(d.panels).map((p) => p.fieldConfig?.unit));
    expect(units.has('bytes')).toBe(true);
    expect(units.has('percentunit')).toBe(true);
  });
  it('is recognised as Grafana by the importer', () => {
    expect(parseImport(JSON.stringify(json)).source).toBe('grafana');
  });
});

const base = () => ({
  title: 'G',
  schemaVersion: 30,
  panels: [
    {
      id: 1,
      type: 'graph',
      title: 'old graph',
      gridPos: { x: 0, y: 0, w: 12, h: 8 },
      stack: true,
      yaxes: [{ format: 'bytes', min: '0' }, {}],
      targets: [{ expr: 'up', legendFormat: '{{instance}}', refId: 'A' }, { expr: 'x', hide: true }],
      datasource: '${DS_PROMETHEUS}',
    },
    {
      id: 2,
      type: 'singlestat',
      title: 'ss',
      gridPos: { x: 12, y: 0, w: 6, h: 4 },
      format: 'percent',
      thresholds: '50,80',
      colors: ['green', 'orange', 'red'],
      sparkline: { show: true },
      targets: [{ expr: 'avg(x)' }],
    },
    { id: 3, type: 'piechart', title: 'pie', gridPos: { x: 18, y: 0, w: 6, h: 4 }, targets: [{ expr: 'x' }] },
    { id: 4, type: 'text', title: 'notes', gridPos: { x: 0, y: 8, w: 24, h: 2 }, options: { mode: 'markdown', content: '# Hi' } },
    {
      id: 5,
      type: 'stat',
      title: 'pct',
      gridPos: { x: 0, y: 10, w: 6, h: 4 },
      fieldConfig: { defaults: { unit: 'percentunit', min: 0, max: 1, thresholds: { mode: 'percentage', steps: [{ color: 'green', value: null }, { color: 'red', value: 80 }] } } },
      targets: [{ expr: 'y' }],
    },
    { id: 6, type: 'table-old', title: 't', gridPos: { x: 6, y: 10, w: 6, h: 4 }, targets: [{ expr: 'up', format: 'table' }] },
  ],
  templating: {
    list: [
      { name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' },
      { name: 'job', type: 'query', query: { query: 'label_values(up, job)', refId: 'x' }, multi: true, includeAll: true, current: { value: ['$__all'] } },
      { name: 'env', type: 'custom', query: 'prod,dev', current: { text: 'prod', value: 'prod' } },
      { name: 'iv', type: 'interval', query: 'auto,1m,5m' },
      { name: 'c', type: 'constant', query: 'k' },
      { name: 'ad', type: 'adhoc' },
    ],
  },
});

describe('importGrafana', () => {
  it('converts the common panel types, units, thresholds and variables', () => {
    const r = importGrafana(base());
    expect(formatErrors(r.errors)).toBe('');
    const [graph, ss, pie, text, stat, table] = r.dashboard!.panels;
    expect(graph.type).toBe('timeseries');
    expect(graph.fieldConfig).toMatchObject({ unit: 'bytes', min: 0, stacked: true });
    expect(graph.targets).toEqual([{ expr: 'up', legendFormat: '{{instance}}' }]);
    expect(ss.type).toBe('stat');
    expect(ss.fieldConfig!.thresholds).toEqual([
      { value: null, color: 'green' },
      { value: 50, color: 'orange' },
      { value: 80, color: 'red' },
    ]);
    expect(ss.options!.sparkline).toBe(true);
    expect(pie.type).toBe('text');
    expect(String(pie.options!.content)).toContain('piechart');
    expect(r.warnings.join('\n')).toContain('"piechart"');
    expect(text.options!.content).toBe('# Hi');
    expect(stat.fieldConfig!.thresholds![1].value).toBeCloseTo(0.8);
    expect(table.type).toBe('table');
    expect(table.targets![0].instant).toBe(true);
    const vars = r.dashboard!.variables;
    expect(vars.map((v) => v.name)).toEqual(['job', 'env', 'iv', 'c']);
    expect(vars[0]).toMatchObject({ type: 'query', query: 'label_values(up, job)', multi: true, includeAll: true, current: [ALL] });
    expect(vars[1].current).toEqual(['prod']);
    expect(vars[2].query).toBe('1m,5m');
    expect(vars[3]).toMatchObject({ type: 'constant', query: 'k', hide: true });
    expect(r.warnings.join('\n')).toContain('"adhoc"');
  });
  it('accepts the API export wrapper', () => {
    expect(importGrafana({ dashboard: base(), meta: {} }).dashboard?.title).toBe('G');
  });
  it('names the malformed field and imports nothing', () => {
    const cases: [unknown, string][] = [
      [(() => { const g = base(); (g.panels[1].gridPos as Record<string, unknown>).w = 'six'; return g; })(), 'panels[1].gridPos.w: must be a number'],
      [(() => { const g = base(); (g.panels[0].targets![0] as Record<string, unknown>).expr = 5; return g; })(), 'panels[0].targets[0].expr: must be a string'],
      [(() => { const g = base(); (g as Record<string, unknown>).panels = {}; return g; })(), 'panels: must be an array'],
      [(() => { const g = base(); (g.panels as unknown[]).push(7); return g; })(), 'panels[6]: must be an object'],
      [(() => { const g = base(); (g.templating.list[1] as Record<string, unknown>).query = 3; return g; })(), 'templating.list[1].query: must be a string or an object {query}'],
      [(() => { const g = base(); delete (g as Record<string, unknown>).title; return g; })(), 'title: must be a non-empty string'],
      [{ title: 'x', rows: [] }, 'rows: dashboards older than schemaVersion 16'],
      [[1, 2], '(root): must be a JSON object'],
    ];
    for (const [input, want] of cases) {
      const r = importGrafana(input);
      expect(r.dashboard).toBeUndefined();
      expect(formatErrors(r.errors)).toContain(want);
    }
  });
  it('reports broken JSON text', () => {
    const r = parseImport('{"title": ');
    expect(r.dashboard).toBeUndefined();
    expect(r.errors[0].path).toBe('(json)');
  });
  it('imports Osprey JSON through the Osprey validator', () => {
    const r = parseImport(JSON.stringify({ title: 'O', panels: [{ id: 1, type: 'text', title: 't', gridPos: { x: 0, y: 0, w: 4, h: 2 } }] }));
    expect(r.source).toBe('osprey');
    expect(r.dashboard?.title).toBe('O');
  });
});
