// Grafana dashboard JSON (schemaVersion 16..39) -> Osprey dashboard model.
// Prometheus is assumed for every datasource; docs/dashboards.md lists what converts and what not.
import { unitFromGrafana } from '../lib/units';
import {
  validateDashboard,
  type Dashboard,
  type FieldConfig,
  type Panel,
  type PanelType,
  type Target,
  type ThresholdStep,
  type ValidationError,
  type Variable,
} from './model';
import { ALL } from './variables';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ImportResult {
  dashboard?: Dashboard;
  errors: ValidationError[];
  // Conversions that lost something (unsupported panel types, dropped variables).
  warnings: string[];
}

// Strict structural checks on the Grafana JSON: anything malformed is an error naming the field,
// and nothing is imported.
class Strict {
  errors: ValidationError[] = [];
  fail(path: string, message: string) {
    if (this.errors.length < 50) this.errors.push({ path, message });
  }
  optStr(o: Obj, k: string, path: string): string | undefined {
    const v = o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      this.fail(`${path}.${k}`, 'must be a string');
      return undefined;
    }
    return v;
  }
  optNum(o: Obj, k: string, path: string): number | undefined {
    const v = o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(`${path}.${k}`, 'must be a number');
      return undefined;
    }
    return v;
  }
}

function convertThresholds(s: Strict, fc: Obj, path: string, min?: number, max?: number): ThresholdStep[] | undefined {
  const th = fc.thresholds;
  if (th === undefined || th === null) return undefined;
  if (!isObj(th)) {
    s.fail(`${path}.thresholds`, 'must be an object');
    return undefined;
  }
  if (th.steps === undefined) return undefined;
  if (!Array.isArray(th.steps)) {
    s.fail(`${path}.thresholds.steps`, 'must be an array');
    return undefined;
  }
  const pct = th.mode === 'percentage';
  const lo = min ?? 0;
  const hi = max ?? 100;
  const out: ThresholdStep[] = [];
  th.steps.forEach((st, i) => {
    const p = `${path}.thresholds.steps[${i}]`;
    if (!isObj(st)) {
      s.fail(p, 'must be an object');
      return;
    }
    const color = s.optStr(st, 'color', p) ?? 'green';
    const v = st.value;
    if (v !== null && v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      s.fail(`${p}.value`, 'must be a number or null');
      return;
    }
    let value = (v as number | null | undefined) ?? null;
    if (value !== null && pct) value = lo + ((hi - lo) * value) / 100;
    out.push({ value: out.length === 0 ? null : value, color });
  });
  return out;
}

// Old singlestat: thresholds "50,80" with colors [ok, warn, crit].
function singlestatThresholds(p: Obj): ThresholdStep[] | undefined {
  if (typeof p.thresholds !== 'string' || !p.thresholds.trim()) return undefined;
  const colors = Array.isArray(p.colors) ? p.colors.filter((c): c is string => typeof c === 'string') : [];
  const values = p.thresholds
    .split(',')
    .map((x) => parseFloat(x))
    .filter((x) => Number.isFinite(x));
  const steps: ThresholdStep[] = [{ value: null, color: colors[0] ?? 'green' }];
  values.forEach((v, i) => steps.push({ value: v, color: colors[i + 1] ?? (i === 0 ? 'orange' : 'red') }));
  return steps;
}

function convertTargets(s: Strict, p: Obj, path: string, forceInstant: boolean): Target[] {
  if (p.targets === undefined || p.targets === null) return [];
  if (!Array.isArray(p.targets)) {
    s.fail(`${path}.targets`, 'must be an array');
    return [];
  }
  const out: Target[] = [];
  p.targets.forEach((t, i) => {
    const tp = `${path}.targets[${i}]`;
    if (!isObj(t)) {
      s.fail(tp, 'must be an object');
      return;
    }
    const expr = s.optStr(t, 'expr', tp);
    const legendFormat = s.optStr(t, 'legendFormat', tp);
    if (t.hide === true || expr === undefined || expr.trim() === '') return;
    const target: Target = { expr };
    if (legendFormat && legendFormat !== '__auto') target.legendFormat = legendFormat;
    if (t.instant === true || forceInstant) target.instant = true;
    out.push(target);
  });
  return out;
}

const DIRECT: Record<string, PanelType> = {
  timeseries: 'timeseries',
  graph: 'timeseries',
  stat: 'stat',
  singlestat: 'stat',
  gauge: 'gauge',
  bargauge: 'bargauge',
  table: 'table',
  'table-old': 'table',
  text: 'text',
  row: 'row',
  heatmap: 'heatmap',
};

function convertPanel(s: Strict, p: unknown, path: string, warnings: string[], nested: boolean): Panel | undefined {
  if (!isObj(p)) {
    s.fail(path, 'must be an object');
    return undefined;
  }
  const gtype = s.optStr(p, 'type', path) ?? '';
  const title = s.optStr(p, 'title', path) ?? '';
  const id = s.optNum(p, 'id', path) ?? 0;
  let gridPos = { x: 0, y: 0, w: 12, h: 8 };
  if (p.gridPos === undefined || p.gridPos === null) {
    s.fail(`${path}.gridPos`, 'is required (dashboards older than schemaVersion 16 are not supported)');
  } else if (!isObj(p.gridPos)) {
    s.fail(`${path}.gridPos`, 'must be an object');
  } else {
    const g = p.gridPos;
    const gp = `${path}.gridPos`;
    const x = s.optNum(g, 'x', gp) ?? 0;
    const y = s.optNum(g, 'y', gp) ?? 0;
    const w = s.optNum(g, 'w', gp) ?? 12;
    const h = s.optNum(g, 'h', gp) ?? 8;
    gridPos = { x: Math.max(0, Math.min(23, x)), y: Math.max(0, y), w: Math.max(1, Math.min(24, w)), h: Math.max(1, h) };
  }
  const type = DIRECT[gtype];
  const options = isObj(p.options) ? p.options : {};
  if (!type) {
    warnings.push(`${path}: panel type "${gtype}" ("${title}") is not supported; shown as a text panel`);
    return {
      id,
      type: 'text',
      title,
      gridPos,
      options: { content: `Panel type **${gtype || 'unknown'}** is not supported by Osprey.` },
    };
  }
  if (type === 'row') {
    const row: Panel = { id, type: 'row', title, gridPos, collapsed: p.collapsed === true };
    if (p.panels !== undefined && p.panels !== null) {
      if (!Array.isArray(p.panels)) s.fail(`${path}.panels`, 'must be an array');
      else if (nested) s.fail(`${path}.panels`, 'rows cannot be nested');
      else
        row.panels = p.panels
          .map((c, i) => convertPanel(s, c, `${path}.panels[${i}]`, warnings, true))
          .filter((c): c is Panel => c !== undefined);
    }
    return row;
  }
  const defaults = isObj(p.fieldConfig) && isObj(p.fieldConfig.defaults) ? p.fieldConfig.defaults : undefined;
  if (p.fieldConfig !== undefined && !isObj(p.fieldConfig)) s.fail(`${path}.fieldConfig`, 'must be an object');
  const fc: FieldConfig = {};
  const out: Panel = { id, type, title, gridPos, options: {} };
  const desc = s.optStr(p, 'description', path);
  if (desc) out.description = desc;
  if (defaults) {
    const dp = `${path}.fieldConfig.defaults`;
    const unit = s.optStr(defaults, 'unit', dp);
    fc.unit = unitFromGrafana(unit);
    fc.decimals = s.optNum(defaults, 'decimals', dp);
    fc.min = s.optNum(defaults, 'min', dp);
    fc.max = s.optNum(defaults, 'max', dp);
    fc.thresholds = convertThresholds(s, defaults, dp, fc.min, fc.max);
    const custom = isObj(defaults.custom) ? defaults.custom : {};
    if (isObj(custom.stacking) && (custom.stacking.mode === 'normal' || custom.stacking.mode === 'percent')) {
      fc.stacked = true;
    }
    if (isObj(custom.thresholdsStyle) && typeof custom.thresholdsStyle.mode === 'string') {
      const m = custom.thresholdsStyle.mode;
      out.options!.thresholdsStyle = m.includes('area') ? 'area' : m === 'off' ? 'off' : 'line';
    } else if (type === 'timeseries') {
      out.options!.thresholdsStyle = 'off';
    }
  }
  if (gtype === 'graph') {
    if (Array.isArray(p.yaxes) && isObj(p.yaxes[0])) {
      const y = p.yaxes[0];
      fc.unit = unitFromGrafana(y.format);
      const min = typeof y.min === 'string' ? parseFloat(y.min) : y.min;
      const max = typeof y.max === 'string' ? parseFloat(y.max) : y.max;
      if (typeof min === 'number' && Number.isFinite(min)) fc.min = min;
      if (typeof max === 'number' && Number.isFinite(max)) fc.max = max;
    }
    if (p.stack === true) fc.stacked = true;
    if (isObj(p.legend)) {
      out.options!.legend = p.legend.show === false ? 'hidden' : p.legend.alignAsTable ? 'table' : 'list';
    }
    out.options!.thresholdsStyle = 'off';
  }
  if (gtype === 'singlestat') {
    fc.unit = unitFromGrafana(p.format);
    const dec = s.optNum(p, 'decimals', path);
    if (dec !== undefined) fc.decimals = dec;
    fc.thresholds = singlestatThresholds(p);
    if (isObj(p.sparkline) && p.sparkline.show === true) out.options!.sparkline = true;
    if (isObj(p.gauge) && p.gauge.show === true) out.type = 'gauge';
    const vn = p.valueName;
    out.options!.reduce = vn === 'avg' ? 'mean' : vn === 'max' ? 'max' : vn === 'min' ? 'min' : 'last';
  }
  if (type === 'timeseries' && isObj(options.legend)) {
    const l = options.legend;
    out.options!.legend = l.showLegend === false || l.displayMode === 'hidden' ? 'hidden' : l.displayMode === 'table' ? 'table' : 'list';
  }
  if (type === 'stat' && gtype === 'stat') {
    out.options!.sparkline = options.graphMode === 'area';
    if (options.colorMode === 'none') out.options!.colorMode = 'none';
  }
  if ((type === 'stat' || type === 'gauge' || type === 'bargauge') && isObj(options.reduceOptions)) {
    const calcs = options.reduceOptions.calcs;
    const c = Array.isArray(calcs) && typeof calcs[0] === 'string' ? calcs[0] : 'lastNotNull';
    out.options!.reduce = c === 'mean' ? 'mean' : c === 'max' ? 'max' : c === 'min' ? 'min' : 'last';
  }
  if (type === 'bargauge' && typeof options.orientation === 'string') {
    out.options!.orientation = options.orientation === 'vertical' ? 'vertical' : 'horizontal';
  }
  if (type === 'text') {
    const content = typeof options.content === 'string' ? options.content : typeof p.content === 'string' ? p.content : '';
    out.options!.content = content;
    const mode = typeof options.mode === 'string' ? options.mode : typeof p.mode === 'string' ? p.mode : 'markdown';
    if (mode === 'html') warnings.push(`${path}: text panel "${title}" is HTML; shown as escaped text`);
  }
  out.targets = convertTargets(s, p, path, false);
  if (type === 'table') {
    // Grafana tables usually read an instant "table" format query.
    out.targets = out.targets.map((t) => ({ ...t, instant: true }));
  }
  if (Object.keys(fc).some((k) => (fc as Record<string, unknown>)[k] !== undefined)) out.fieldConfig = fc;
  return out;
}

function currentValues(cur: unknown): string[] | undefined {
  if (!isObj(cur)) return undefined;
  const v = cur.value;
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const out = list.filter((x): x is string => typeof x === 'string').map((x) => (x === '$__all' ? ALL : x));
  return out.length ? out : undefined;
}

function convertVariable(s: Strict, v: unknown, path: string, warnings: string[]): Variable | undefined {
  if (!isObj(v)) {
    s.fail(path, 'must be an object');
    return undefined;
  }
  const name = s.optStr(v, 'name', path);
  const type = s.optStr(v, 'type', path) ?? '';
  if (!name) {
    s.fail(`${path}.name`, 'is required');
    return undefined;
  }
  let query = '';
  if (typeof v.query === 'string') query = v.query;
  else if (isObj(v.query)) {
    if (typeof v.query.query !== 'string') {
      s.fail(`${path}.query.query`, 'must be a string');
      return undefined;
    }
    query = v.query.query;
  } else if (v.query !== undefined && v.query !== null) {
    s.fail(`${path}.query`, 'must be a string or an object {query}');
    return undefined;
  }
  const base = {
    name,
    label: typeof v.label === 'string' && v.label ? v.label : undefined,
    multi: v.multi === true,
    includeAll: v.includeAll === true,
    current: currentValues(v.current),
    hide: v.hide === 2 ? true : undefined,
  };
  const allValue = typeof v.allValue === 'string' && v.allValue ? v.allValue : undefined;
  const regex = typeof v.regex === 'string' && v.regex ? v.regex : undefined;
  switch (type) {
    case 'query':
      return { ...base, type: 'query', query, regex, allValue };
    case 'custom':
      return { ...base, type: 'custom', query, allValue };
    case 'interval':
      return {
        ...base,
        type: 'interval',
        query: query
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x && x !== 'auto')
          .join(','),
        auto: v.auto === true ? true : undefined,
      };
    case 'constant':
      return { ...base, type: 'constant', query, hide: true };
    case 'textbox':
      return { ...base, type: 'custom', query };
    case 'datasource':
      return undefined;
    default:
      warnings.push(`${path}: variable "${name}" of type "${type}" is not supported and was dropped`);
      return undefined;
  }
}

// Converts Grafana JSON. A dashboard exported with its API wrapper ({dashboard: {...}}) works too.
export function importGrafana(input: unknown): ImportResult {
  const s = new Strict();
  const warnings: string[] = [];
  let g = input;
  if (isObj(g) && isObj(g.dashboard) && g.panels === undefined) g = g.dashboard;
  if (!isObj(g)) return { errors: [{ path: '(root)', message: 'must be a JSON object' }], warnings };
  const title = s.optStr(g, 'title', '(root)');
  if (!title || !title.trim()) s.fail('title', 'must be a non-empty string');
  if (g.rows !== undefined && g.panels === undefined) {
    s.fail('rows', 'dashboards older than schemaVersion 16 (with "rows") are not supported');
  }
  const panels: Panel[] = [];
  if (g.panels !== undefined) {
    if (!Array.isArray(g.panels)) s.fail('panels', 'must be an array');
    else
      g.panels.forEach((p, i) => {
        const c = convertPanel(s, p, `panels[${i}]`, warnings, false);
        if (c) panels.push(c);
      });
  }
  const variables: Variable[] = [];
  if (g.templating !== undefined) {
    if (!isObj(g.templating) || (g.templating.list !== undefined && !Array.isArray(g.templating.list))) {
      s.fail('templating.list', 'must be an array');
    } else if (Array.isArray(g.templating.list)) {
      g.templating.list.forEach((v, i) => {
        const c = convertVariable(s, v, `templating.list[${i}]`, warnings);
        if (c) variables.push(c);
      });
    }
  }
  const tags = Array.isArray(g.tags) ? g.tags.filter((t): t is string => typeof t === 'string') : [];
  const time = isObj(g.time) && typeof g.time.from === 'string' && typeof g.time.to === 'string' ? g.time : undefined;
  const refresh = typeof g.refresh === 'string' && ['10s', '30s', '1m', '5m'].includes(g.refresh) ? g.refresh : '';
  if (s.errors.length) {
    return { errors: s.errors.map((e) => ({ ...e, path: e.path.replace(/^\(root\)\./, '') })), warnings };
  }
  const candidate = {
    uid: typeof g.uid === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(g.uid) ? g.uid : undefined,
    title: title!.slice(0, 256),
    tags,
    time: time ? { from: time.from as string, to: time.to as string } : { from: 'now-6h', to: 'now' },
    refresh,
    timezone: g.timezone === 'utc' ? 'utc' : 'browser',
    variables: variables.map((v) => JSON.parse(JSON.stringify(v))),
    panels: JSON.parse(JSON.stringify(panels)),
  };
  // The converted model goes through the same validator as every stored dashboard.
  const res = validateDashboard(candidate);
  return { dashboard: res.dashboard, errors: res.errors, warnings };
}
