// The Osprey dashboard model (stored as JSON by /api/v1/dashboards) and its validator.
// docs/dashboards.md describes the format for users.

export type PanelType = 'timeseries' | 'stat' | 'gauge' | 'bargauge' | 'table' | 'heatmap' | 'text' | 'row';
export const PANEL_TYPES: PanelType[] = ['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'heatmap', 'text', 'row'];

export type VariableType = 'query' | 'custom' | 'interval' | 'constant';
export const VARIABLE_TYPES: VariableType[] = ['query', 'custom', 'interval', 'constant'];

export type RefreshInterval = '' | '10s' | '30s' | '1m' | '5m';
export const REFRESH_INTERVALS: RefreshInterval[] = ['', '10s', '30s', '1m', '5m'];

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Target {
  expr: string;
  legendFormat?: string;
  instant?: boolean;
}

export interface ThresholdStep {
  value: number | null;
  color: string;
}

export interface FieldConfig {
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  thresholds?: ThresholdStep[];
  stacked?: boolean;
}

export interface Panel {
  id: number;
  type: PanelType;
  title: string;
  gridPos: GridPos;
  targets?: Target[];
  // Per type: text {content}; stat {sparkline, reduce: "last"|"mean"|"max"|"min"};
  // bargauge {orientation}; timeseries {legend: "table"|"list"|"hidden", thresholdsStyle};
  // any querying panel {maxDataPoints}.
  options?: Record<string, unknown>;
  fieldConfig?: FieldConfig;
  description?: string;
  // Rows only: a collapsed row holds its panels here; an expanded row's panels follow it.
  collapsed?: boolean;
  panels?: Panel[];
}

export interface Variable {
  name: string;
  label?: string;
  type: VariableType;
  query: string;
  regex?: string;
  options?: string[];
  multi?: boolean;
  includeAll?: boolean;
  // "All" value; default: the alternation of every option.
  allValue?: string;
  current?: string[];
  hide?: boolean;
  // Interval variables: offer "auto" (each panel's $__interval) before the listed intervals.
  auto?: boolean;
}

export interface Dashboard {
  uid?: string;
  title: string;
  description?: string;
  tags: string[];
  time: { from: string; to: string };
  refresh: RefreshInterval;
  timezone: 'browser' | 'utc';
  variables: Variable[];
  panels: Panel[];
}

export interface ValidationError {
  path: string;
  message: string;
}

export function formatErrors(errs: ValidationError[]): string {
  return errs.map((e) => `${e.path}: ${e.message}`).join('\n');
}

export function emptyDashboard(title = 'New dashboard'): Dashboard {
  return {
    title,
    tags: [],
    time: { from: 'now-6h', to: 'now' },
    refresh: '',
    timezone: 'browser',
    variables: [],
    panels: [],
  };
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  errors: ValidationError[] = [];
  fail(path: string, message: string): void {
    if (this.errors.length < 50) this.errors.push({ path, message });
  }
  str(o: Obj, key: string, path: string, required: boolean): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.fail(`${path}.${key}`, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.fail(`${path}.${key}`, 'must be a string');
      return undefined;
    }
    return v;
  }
  num(o: Obj, key: string, path: string, required: boolean): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.fail(`${path}.${key}`, 'is required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(`${path}.${key}`, 'must be a number');
      return undefined;
    }
    return v;
  }
  bool(o: Obj, key: string, path: string): boolean | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.fail(`${path}.${key}`, 'must be true or false');
      return undefined;
    }
    return v;
  }
  strArray(o: Obj, key: string, path: string): string[] | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.fail(`${path}.${key}`, 'must be an array of strings');
      return undefined;
    }
    const out: string[] = [];
    v.forEach((x, i) => {
      if (typeof x !== 'string') this.fail(`${path}.${key}[${i}]`, 'must be a string');
      else out.push(x);
    });
    return out;
  }
  oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[], def: T): T {
    const v = o[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.fail(`${path}.${key}`, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
      return def;
    }
    return v as T;
  }
}

function checkThresholds(c: Checker, v: unknown, path: string): ThresholdStep[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) {
    c.fail(path, 'must be an array of {value, color}');
    return undefined;
  }
  const out: ThresholdStep[] = [];
  v.forEach((s, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(s)) {
      c.fail(p, 'must be an object');
      return;
    }
    const value = s.value;
    if (value !== null && value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      c.fail(`${p}.value`, 'must be a number or null');
      return;
    }
    const color = c.str(s, 'color', p, true);
    if (color !== undefined) out.push({ value: (value as number | null | undefined) ?? null, color });
  });
  return out;
}

function checkPanel(c: Checker, v: unknown, path: string, nested: boolean): Panel | undefined {
  if (!isObj(v)) {
    c.fail(path, 'must be an object');
    return undefined;
  }
  const type = c.oneOf(v, 'type', path, PANEL_TYPES, 'timeseries');
  const id = c.num(v, 'id', path, false) ?? 0;
  const title = c.str(v, 'title', path, false) ?? '';
  let gridPos: GridPos = { x: 0, y: 0, w: 12, h: 8 };
  if (!isObj(v.gridPos)) {
    c.fail(`${path}.gridPos`, 'must be an object {x, y, w, h}');
  } else {
    const gp = v.gridPos;
    const gpath = `${path}.gridPos`;
    const x = c.num(gp, 'x', gpath, true);
    const y = c.num(gp, 'y', gpath, true);
    const w = c.num(gp, 'w', gpath, true);
    const h = c.num(gp, 'h', gpath, true);
    if (w !== undefined && (w < 1 || w > 24)) c.fail(`${gpath}.w`, 'must be between 1 and 24');
    if (x !== undefined && (x < 0 || x > 23)) c.fail(`${gpath}.x`, 'must be between 0 and 23');
    if (h !== undefined && h < 1) c.fail(`${gpath}.h`, 'must be at least 1');
    gridPos = { x: x ?? 0, y: y ?? 0, w: w ?? 12, h: h ?? 8 };
  }
  const panel: Panel = { id, type, title, gridPos };
  if (v.targets !== undefined) {
    if (!Array.isArray(v.targets)) {
      c.fail(`${path}.targets`, 'must be an array');
    } else {
      panel.targets = [];
      v.targets.forEach((t, i) => {
        const tp = `${path}.targets[${i}]`;
        if (!isObj(t)) {
          c.fail(tp, 'must be an object');
          return;
        }
        const expr = c.str(t, 'expr', tp, true);
        const legendFormat = c.str(t, 'legendFormat', tp, false);
        const instant = c.bool(t, 'instant', tp);
        if (expr !== undefined) panel.targets!.push({ expr, legendFormat, instant });
      });
    }
  }
  if (v.options !== undefined) {
    if (!isObj(v.options)) c.fail(`${path}.options`, 'must be an object');
    else panel.options = v.options;
  }
  const description = c.str(v, 'description', path, false);
  if (description) panel.description = description;
  if (v.fieldConfig !== undefined) {
    const fp = `${path}.fieldConfig`;
    if (!isObj(v.fieldConfig)) {
      c.fail(fp, 'must be an object');
    } else {
      const f = v.fieldConfig;
      panel.fieldConfig = {
        unit: c.str(f, 'unit', fp, false),
        decimals: c.num(f, 'decimals', fp, false),
        min: c.num(f, 'min', fp, false),
        max: c.num(f, 'max', fp, false),
        thresholds: checkThresholds(c, f.thresholds, `${fp}.thresholds`),
        stacked: c.bool(f, 'stacked', fp),
      };
    }
  }
  if (type === 'row') {
    panel.collapsed = c.bool(v, 'collapsed', path) ?? false;
    if (v.panels !== undefined) {
      if (nested) c.fail(`${path}.panels`, 'rows cannot be nested');
      else if (!Array.isArray(v.panels)) c.fail(`${path}.panels`, 'must be an array');
      else
        panel.panels = v.panels
          .map((p, i) => checkPanel(c, p, `${path}.panels[${i}]`, true))
          .filter((p): p is Panel => p !== undefined);
    }
  } else if (v.panels !== undefined) {
    c.fail(`${path}.panels`, 'only rows can hold panels');
  }
  return panel;
}

function checkVariable(c: Checker, v: unknown, path: string): Variable | undefined {
  if (!isObj(v)) {
    c.fail(path, 'must be an object');
    return undefined;
  }
  const name = c.str(v, 'name', path, true);
  if (name !== undefined && !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) {
    c.fail(`${path}.name`, 'must be an identifier ([a-zA-Z_][a-zA-Z0-9_]*)');
  }
  const type = c.oneOf(v, 'type', path, VARIABLE_TYPES, 'query');
  const query = c.str(v, 'query', path, type !== 'constant') ?? '';
  const out: Variable = { name: name ?? '', type, query };
  const label = c.str(v, 'label', path, false);
  if (label !== undefined) out.label = label;
  const regex = c.str(v, 'regex', path, false);
  if (regex) {
    try {
      new RegExp(stripRegexSlashes(regex));
      out.regex = regex;
    } catch (e) {
      c.fail(`${path}.regex`, `is not a valid regular expression (${(e as Error).message})`);
    }
  }
  const options = c.strArray(v, 'options', path);
  if (options) out.options = options;
  out.multi = c.bool(v, 'multi', path) ?? false;
  out.includeAll = c.bool(v, 'includeAll', path) ?? false;
  const allValue = c.str(v, 'allValue', path, false);
  if (allValue) out.allValue = allValue;
  const current = v.current;
  if (typeof current === 'string') out.current = [current];
  else {
    const cur = c.strArray(v, 'current', path);
    if (cur) out.current = cur;
  }
  const hide = c.bool(v, 'hide', path);
  if (hide) out.hide = true;
  const auto = c.bool(v, 'auto', path);
  if (auto && type === 'interval') out.auto = true;
  return out;
}

// "/foo(.*)/i" -> "foo(.*)" (Grafana writes regexes with slashes).
export function stripRegexSlashes(re: string): string {
  const m = /^\/(.*)\/([gimsuy]*)$/s.exec(re);
  return m ? m[1] : re;
}

// Validates untrusted JSON (an import, a stored dashboard) and returns a normalised model, or
// every error with the path of the bad field ("panels[3].targets[0].expr: must be a string").
export function validateDashboard(v: unknown): { dashboard?: Dashboard; errors: ValidationError[] } {
  const c = new Checker();
  if (!isObj(v)) {
    return { errors: [{ path: '(root)', message: 'must be a JSON object' }] };
  }
  const title = c.str(v, 'title', '(root)', true);
  if (title !== undefined && title.trim() === '') c.fail('title', 'must not be empty');
  if (title !== undefined && title.length > 256) c.fail('title', 'must be at most 256 characters');
  const d = emptyDashboard(title ?? '');
  const uid = c.str(v, 'uid', '(root)', false);
  if (uid) d.uid = uid;
  const description = c.str(v, 'description', '(root)', false);
  if (description) d.description = description;
  d.tags = c.strArray(v, 'tags', '(root)') ?? [];
  if (v.time !== undefined) {
    if (!isObj(v.time)) c.fail('time', 'must be an object {from, to}');
    else d.time = { from: c.str(v.time, 'from', 'time', true) ?? 'now-6h', to: c.str(v.time, 'to', 'time', true) ?? 'now' };
  }
  d.refresh = c.oneOf(v, 'refresh', '(root)', REFRESH_INTERVALS, '');
  d.timezone = c.oneOf(v, 'timezone', '(root)', ['browser', 'utc'] as const, 'browser');
  if (v.variables !== undefined) {
    if (!Array.isArray(v.variables)) c.fail('variables', 'must be an array');
    else
      d.variables = v.variables
        .map((x, i) => checkVariable(c, x, `variables[${i}]`))
        .filter((x): x is Variable => x !== undefined);
    const seen = new Set<string>();
    d.variables.forEach((x, i) => {
      if (seen.has(x.name)) c.fail(`variables[${i}].name`, `duplicate variable "${x.name}"`);
      seen.add(x.name);
    });
  }
  if (v.panels !== undefined) {
    if (!Array.isArray(v.panels)) c.fail('panels', 'must be an array');
    else
      d.panels = v.panels
        .map((p, i) => checkPanel(c, p, `panels[${i}]`, false))
        .filter((p): p is Panel => p !== undefined);
  }
  // Paths were built with "(root)." for top-level fields; show them as plain field names.
  const errors = c.errors.map((e) => ({ ...e, path: e.path.replace(/^\(root\)\./, '') }));
  if (errors.length) return { errors };
  return { dashboard: d, errors: [] };
}

// Largest panel id in use (rows and their nested panels included).
export function maxPanelId(panels: Panel[]): number {
  let m = 0;
  for (const p of panels) {
    m = Math.max(m, p.id);
    if (p.panels) m = Math.max(m, maxPanelId(p.panels));
  }
  return m;
}

// The panels laid out on screen: an expanded row is followed by its panels (those until the next
// row); a collapsed row's panels live inside it. Returns groups for rendering.
export interface PanelGroup {
  row?: Panel;
  panels: Panel[];
}

export function groupPanels(panels: Panel[]): PanelGroup[] {
  const groups: PanelGroup[] = [];
  let cur: PanelGroup = { panels: [] };
  const sorted = panels.slice().sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
  for (const p of sorted) {
    if (p.type === 'row') {
      if (cur.row || cur.panels.length) groups.push(cur);
      cur = { row: p, panels: p.collapsed ? (p.panels ?? []) : [] };
    } else {
      // Panels after a collapsed row (not inside it) go with the row, so none is ever lost.
      cur.panels.push(p);
    }
  }
  if (cur.row || cur.panels.length) groups.push(cur);
  return groups;
}

// Flattens groups back into a panel list with y positions that keep the group order: each row
// starts below everything before it, and panels keep their offsets within their group.
export function flattenGroups(groups: PanelGroup[]): Panel[] {
  const out: Panel[] = [];
  let cursor = 0;
  for (const g of groups) {
    const base = g.panels.length ? Math.min(...g.panels.map((p) => p.gridPos.y)) : 0;
    let rowY = cursor;
    if (g.row) {
      rowY = cursor;
      cursor += 1;
    }
    const top = cursor;
    const moved = g.panels.map((p) => ({ ...p, gridPos: { ...p.gridPos, y: top + (p.gridPos.y - base) } }));
    if (g.row && g.row.collapsed) {
      out.push({ ...g.row, gridPos: { ...g.row.gridPos, y: rowY }, panels: moved });
      continue;
    }
    if (g.row) out.push({ ...g.row, gridPos: { ...g.row.gridPos, y: rowY }, panels: [] });
    out.push(...moved);
    for (const p of moved) cursor = Math.max(cursor, p.gridPos.y + p.gridPos.h);
  }
  return out;
}

// Collapses or expands the row with `rowId`, moving panels in or out of it, Grafana-style.
export function toggleRow(panels: Panel[], rowId: number): Panel[] {
  const groups = groupPanels(panels).map((g) =>
    g.row && g.row.id === rowId ? { ...g, row: { ...g.row, collapsed: !g.row.collapsed } } : g,
  );
  return flattenGroups(groups);
}

// Vertical packing on the 24-column grid, in the given order: each panel keeps x, w and h and
// goes as high as the panels before it allow. Returns the y of each panel (grid rows).
export function packLayout(panels: Panel[]): number[] {
  const heights = new Array<number>(24).fill(0);
  return panels.map((p) => {
    const x = Math.max(0, Math.min(23, Math.floor(p.gridPos.x)));
    const w = Math.max(1, Math.min(24 - x, Math.floor(p.gridPos.w)));
    const h = Math.max(1, Math.floor(p.gridPos.h));
    let y = 0;
    for (let c = x; c < x + w; c++) y = Math.max(y, heights[c]);
    for (let c = x; c < x + w; c++) heights[c] = y + h;
    return y;
  });
}
