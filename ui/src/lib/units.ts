// Value formatting by unit, shared by charts, stat/gauge/table panels and Explore.
// Unit ids follow Grafana's where they overlap so imported dashboards keep their units.

export interface UnitInfo {
  id: string;
  label: string;
}

export const UNITS: UnitInfo[] = [
  { id: 'short', label: 'Short (1.2K)' },
  { id: 'none', label: 'None' },
  { id: 'percent', label: 'Percent (0-100)' },
  { id: 'percentunit', label: 'Percent (0.0-1.0)' },
  { id: 'bytes', label: 'Bytes (IEC)' },
  { id: 'decbytes', label: 'Bytes (SI)' },
  { id: 'bits', label: 'Bits' },
  { id: 'bps', label: 'Bits/s' },
  { id: 'Bps', label: 'Bytes/s' },
  { id: 's', label: 'Seconds' },
  { id: 'ms', label: 'Milliseconds' },
  { id: 'us', label: 'Microseconds' },
  { id: 'ns', label: 'Nanoseconds' },
  { id: 'dtdurations', label: 'Duration (1d 2h)' },
  { id: 'ops', label: 'Operations/s' },
  { id: 'reqps', label: 'Requests/s' },
  { id: 'iops', label: 'I/O ops/s' },
  { id: 'pps', label: 'Packets/s' },
  { id: 'eps', label: 'Events/s' },
  { id: 'cps', label: 'Counts/s' },
  { id: 'decbits', label: 'Bits (SI)' },
  { id: 'bool', label: 'True/False' },
  { id: 'bool_yes_no', label: 'Yes/No' },
  { id: 'rotrpm', label: 'Revolutions/min' },
  { id: 'hertz', label: 'Hertz' },
  { id: 'celsius', label: 'Celsius' },
  { id: 'dateTimeAsIso', label: 'Date and time' },
];

const SI_PREFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
const IEC_PREFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function trimNumber(v: number, decimals?: number): string {
  if (decimals !== undefined && decimals !== null && decimals >= 0) {
    return v.toFixed(Math.min(20, decimals));
  }
  const abs = Math.abs(v);
  let s: string;
  if (abs === 0) s = '0';
  else if (abs >= 100) s = v.toFixed(0);
  else if (abs >= 10) s = v.toFixed(1);
  else if (abs >= 1) s = v.toFixed(2);
  else if (abs >= 0.001) s = v.toPrecision(3);
  else s = v.toExponential(2);
  if (s.includes('.') && !s.includes('e')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

function scaled(v: number, base: number, prefixes: string[], suffix: string, decimals?: number): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < prefixes.length - 1) {
    x /= base;
    i++;
  }
  const unit = prefixes[i] + suffix;
  return unit ? `${trimNumber(x, decimals)} ${unit}`.trimEnd() : trimNumber(x, decimals);
}

function shortNumber(v: number, decimals?: number): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= 1000 && i < SI_PREFIXES.length - 1) {
    x /= 1000;
    i++;
  }
  return trimNumber(x, decimals) + SI_PREFIXES[i];
}

function duration(seconds: number, decimals?: number): string {
  const abs = Math.abs(seconds);
  if (abs === 0) return '0 s';
  if (abs < 1e-6) return `${trimNumber(seconds * 1e9, decimals)} ns`;
  if (abs < 1e-3) return `${trimNumber(seconds * 1e6, decimals)} µs`;
  if (abs < 1) return `${trimNumber(seconds * 1e3, decimals)} ms`;
  if (abs < 60) return `${trimNumber(seconds, decimals)} s`;
  if (abs < 3600) return `${trimNumber(seconds / 60, decimals)} min`;
  if (abs < 86400) return `${trimNumber(seconds / 3600, decimals)} hour`;
  if (abs < 86400 * 365) return `${trimNumber(seconds / 86400, decimals)} day`;
  return `${trimNumber(seconds / (86400 * 365), decimals)} year`;
}

function durationParts(seconds: number): string {
  let s = Math.floor(Math.abs(seconds));
  const sign = seconds < 0 ? '-' : '';
  const parts: string[] = [];
  const units: [number, string][] = [
    [86400 * 365, 'y'],
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  for (const [size, name] of units) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${name}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + (parts.length ? parts.join(' ') : '0s');
}

// Formats `v` for display in `unit`. null/undefined/NaN -> "-" (no data).
export function formatValue(v: number | null | undefined, unit?: string, decimals?: number): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit ?? 'short') {
    case 'none':
      return trimNumber(v, decimals);
    case 'short':
    case '':
      return shortNumber(v, decimals);
    case 'percent':
      return `${trimNumber(v, decimals ?? (Math.abs(v) < 10 ? 1 : 0))}%`;
    case 'percentunit':
      return `${trimNumber(v * 100, decimals ?? (Math.abs(v) < 0.1 ? 1 : 0))}%`;
    case 'bytes':
      return scaled(v, 1024, IEC_PREFIXES, 'B', decimals);
    case 'decbytes':
      return scaled(v, 1000, SI_PREFIXES, 'B', decimals);
    case 'bits':
      return scaled(v, 1000, SI_PREFIXES, 'b', decimals);
    case 'bps':
      return scaled(v, 1000, SI_PREFIXES, 'b/s', decimals);
    case 'Bps':
      return scaled(v, 1000, SI_PREFIXES, 'B/s', decimals);
    case 's':
      return duration(v, decimals);
    case 'ms':
      return duration(v / 1e3, decimals);
    case 'us':
      return duration(v / 1e6, decimals);
    case 'ns':
      return duration(v / 1e9, decimals);
    case 'dtdurations':
      return durationParts(v);
    case 'ops':
      return `${shortNumber(v, decimals)} ops/s`;
    case 'reqps':
      return `${shortNumber(v, decimals)} req/s`;
    case 'iops':
      return `${shortNumber(v, decimals)} io/s`;
    case 'pps':
      return `${shortNumber(v, decimals)} p/s`;
    case 'eps':
      return `${shortNumber(v, decimals)} ev/s`;
    case 'cps':
      return `${shortNumber(v, decimals)} c/s`;
    case 'decbits':
      return scaled(v, 1000, SI_PREFIXES, 'b', decimals);
    case 'bool':
      return v === 0 ? 'False' : 'True';
    case 'bool_yes_no':
      return v === 0 ? 'No' : 'Yes';
    case 'rotrpm':
      return `${shortNumber(v, decimals)} rpm`;
    case 'hertz':
      return scaled(v, 1000, SI_PREFIXES, 'Hz', decimals);
    case 'celsius':
      return `${trimNumber(v, decimals)} °C`;
    case 'dateTimeAsIso':
      return new Date(v * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    default:
      // Unknown units are shown as a suffix so nothing is lost ("req", "°F", ...).
      return `${shortNumber(v, decimals)} ${unit}`;
  }
}

// Grafana unit ids -> Osprey unit ids. Unknown ids map to "short".
const GRAFANA_UNIT_ALIASES: Record<string, string> = {
  bytes: 'bytes',
  decbytes: 'decbytes',
  bits: 'bits',
  bps: 'bps',
  Bps: 'Bps',
  binBps: 'Bps',
  binbps: 'bps',
  percent: 'percent',
  percentunit: 'percentunit',
  s: 's',
  ms: 'ms',
  µs: 'us',
  us: 'us',
  ns: 'ns',
  dtdurations: 'dtdurations',
  short: 'short',
  none: 'none',
  ops: 'ops',
  reqps: 'reqps',
  iops: 'iops',
  rps: 'reqps',
  pps: 'pps',
  eps: 'eps',
  cps: 'cps',
  decbits: 'decbits',
  bool: 'bool',
  bool_yes_no: 'bool_yes_no',
  rotrpm: 'rotrpm',
  wps: 'ops',
  hertz: 'hertz',
  celsius: 'celsius',
  dateTimeAsIso: 'dateTimeAsIso',
  dateTimeFromNow: 'dateTimeAsIso',
  'string': 'none',
};

export function unitFromGrafana(unit: unknown): string {
  if (typeof unit !== 'string' || unit === '') return 'short';
  return GRAFANA_UNIT_ALIASES[unit] ?? 'short';
}
