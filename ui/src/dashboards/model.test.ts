import { describe, expect, it } from 'vitest';
import { formatErrors, groupPanels, packLayout, toggleRow, validateDashboard, type Panel } from './model';
import { parseVariableQuery } from './variables';

const ok = {
  title: 'T',
  panels: [{ id: 1, type: 'timeseries', title: 'a', gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ expr: 'up' }] }],
};

describe('validateDashboard', () => {
  it('accepts a minimal dashboard and fills defaults', () => {
    const r = validateDashboard(ok);
    expect(r.errors).toEqual([]);
    expect(r.dashboard!.time).toEqual({ from: 'now-6h', to: 'now' });
    expect(r.dashboard!.refresh).toBe('');
    expect(r.dashboard!.variables).toEqual([]);
  });
  it('names the path of a bad field', () => {
    const bad = JSON.parse(JSON.stringify(ok));
    bad.panels.push({ id: 2, type: 'stat', title: 'b', gridPos: { x: 0, y: 8, w: 6, h: 4 }, targets: [{ expr: 3 }] });
    const r = validateDashboard(bad);
    expect(r.dashboard).toBeUndefined();
    expect(formatErrors(r.errors)).toBe('panels[1].targets[0].expr: must be a string');
  });
  it('rejects unknown types, bad grid positions, bad variables and a missing title', () => {
    const r = validateDashboard({
      panels: [{ id: 1, type: 'pie', gridPos: { x: 30, y: 0, w: 'wide', h: 1 } }],
      variables: [{ name: 'bad name', type: 'query', query: 'label_values(job)', regex: '(' }],
      refresh: '7s',
    });
    const text = formatErrors(r.errors);
    expect(text).toContain('title: is required');
    expect(text).toContain('panels[0].type: must be one of');
    expect(text).toContain('panels[0].gridPos.w: must be a number');
    expect(text).toContain('panels[0].gridPos.x: must be between 0 and 23');
    expect(text).toContain('variables[0].name');
    expect(text).toContain('variables[0].regex: is not a valid regular expression');
    expect(text).toContain('refresh: must be one of');
  });
  it('rejects a non-object', () => {
    expect(validateDashboard([]).errors[0].message).toBe('must be a JSON object');
  });
});

describe('rows', () => {
  const row = (id: number, y: number, collapsed: boolean, panels?: Panel[]): Panel => ({
    id,
    type: 'row',
    title: `row${id}`,
    gridPos: { x: 0, y, w: 24, h: 1 },
    collapsed,
    panels,
  });
  const p = (id: number, y: number): Panel => ({ id, type: 'stat', title: `p${id}`, gridPos: { x: 0, y, w: 12, h: 4 } });
  it('groups panels under rows and collapses/expands them', () => {
    const panels = [p(1, 0), row(2, 4, false), p(3, 5), p(4, 5), row(5, 9, true, [p(6, 10)])];
    const g = groupPanels(panels);
    expect(g.map((x) => [x.row?.id, x.panels.map((q) => q.id)])).toEqual([
      [undefined, [1]],
      [2, [3, 4]],
      [5, [6]],
    ]);
    const collapsed = toggleRow(panels, 2);
    const r2 = collapsed.find((x) => x.id === 2)!;
    expect(r2.collapsed).toBe(true);
    expect(r2.panels!.map((x) => x.id)).toEqual([3, 4]);
    expect(collapsed.some((x) => x.id === 3)).toBe(false);
    const expanded = toggleRow(collapsed, 2);
    expect(expanded.filter((x) => x.id === 3 || x.id === 4)).toHaveLength(2);
    const opened5 = toggleRow(panels, 5);
    expect(opened5.find((x) => x.id === 6)).toBeTruthy();
  });
  it('keeps expanded panels under their row when their y is far below (as in Grafana exports)', () => {
    const panels = [row(1, 0, true, [p(2, 433), p(3, 445)]), row(4, 1, true, [p(5, 50)])];
    const opened = toggleRow(panels, 1);
    const g = groupPanels(opened);
    expect(g.map((x) => [x.row?.id, x.panels.map((q) => q.id)])).toEqual([
      [1, [2, 3]],
      [4, [5]],
    ]);
    const again = toggleRow(opened, 4);
    expect(groupPanels(again).map((x) => [x.row?.id, x.row?.collapsed, x.panels.map((q) => q.id)])).toEqual([
      [1, false, [2, 3]],
      [4, false, [5]],
    ]);
  });
  it('packs panels without overlap', () => {
    const ys = packLayout([
      { ...p(1, 0), gridPos: { x: 0, y: 0, w: 12, h: 4 } },
      { ...p(2, 0), gridPos: { x: 12, y: 0, w: 12, h: 8 } },
      { ...p(3, 0), gridPos: { x: 0, y: 0, w: 24, h: 2 } },
    ]);
    expect(ys).toEqual([0, 0, 8]);
  });
});

const builtins = import.meta.glob('../../../dashboards/*.json', { eager: true, import: 'default' });

describe('built-in dashboards', () => {
  it('are all found', () => {
    expect(Object.keys(builtins).length).toBeGreaterThanOrEqual(2);
  });
  for (const name of ['host-overview', 'osprey-self']) {
    it(`${name}.json is valid`, () => {
      const json = builtins[`../../../dashboards/${name}.json`];
      const r = validateDashboard(json);
      expect(formatErrors(r.errors)).toBe('');
      expect(r.dashboard!.uid).toBe(name);
      expect(r.dashboard!.panels.length).toBeGreaterThan(10);
      for (const v of r.dashboard!.variables) expect('error' in parseVariableQuery(v.query)).toBe(false);
    });
  }
});
