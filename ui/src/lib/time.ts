// Time parsing and formatting shared by every page.
//
// Accepted time expressions: "now", "now-6h", "now-1h30m", "now+5m", an ISO
// 8601 / RFC 3339 date-time ("2026-11-22T01:02:03Z", "2026-11-22 01:02"), or
// unix seconds ("1763773323.5"). Durations: Prometheus style "1w2d3h4m5s6ms".

export type TimeZoneMode = 'local' | 'utc';

const unitMs: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

// Parses a Prometheus duration ("5m", "1h30m", "250ms") to milliseconds;
// null when malformed or empty.
export function parseDuration(s: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    total += parseFloat(m[1]) * unitMs[m[2]];
    pos = re.lastIndex;
  }
  if (pos !== t.length) return null;
  return total;
}

// Formats milliseconds as a compact duration: 90061000 -> "1d1h1m1s".
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(Math.round(ms));
  let out = '';
  for (const u of ['w', 'd', 'h', 'm', 's', 'ms']) {
    const n = Math.floor(rest / unitMs[u]);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * unitMs[u];
    }
  }
  return (neg ? '-' : '') + out;
}

// Human duration from seconds for MTTA/MTTR columns: 123.4 -> "2m 3s".
export function formatSeconds(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '—';
  if (sec < 1) return `${Math.round(sec * 1000)}ms`;
  const parts: string[] = [];
  let rest = Math.round(sec);
  for (const [u, n] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const q = Math.floor(rest / n);
    if (q > 0 || (u === 's' && parts.length === 0)) parts.push(`${q}${u}`);
    rest -= q * n;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

// Parses a time expression relative to `nowMs`; returns ms epoch or null.
export function parseTime(s: string, nowMs: number): number | null {
  const t = s.trim();
  if (t === '') return null;
  const rel = /^now(?:\s*([+-])\s*(.+))?$/i.exec(t);
  if (rel) {
    if (!rel[1]) return nowMs;
    const d = parseDuration(rel[2]);
    if (d === null) return null;
    return rel[1] === '-' ? nowMs - d : nowMs + d;
  }
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = parseFloat(t);
    // Unix seconds; a 13-digit number is taken as milliseconds.
    return t.split('.')[0].length >= 13 ? n : n * 1000;
  }
  // ISO 8601. A date-time without zone is read in the given mode by the caller;
  // here "YYYY-MM-DD HH:MM" is accepted with a space as well.
  const iso = t.replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(iso)) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

// Like parseTime, but a zone-less absolute time is read in `tz`.
export function parseTimeIn(s: string, nowMs: number, tz: TimeZoneMode): number | null {
  const t = s.trim().replace(' ', 'T');
  if (tz === 'utc' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(t)) {
    return parseTime(t.length === 10 ? `${t}T00:00:00Z` : `${t}Z`, nowMs);
  }
  if (tz === 'local' && /^\d{4}-\d{2}-\d{2}$/.test(t)) return parseTime(`${t}T00:00`, nowMs);
  return parseTime(s, nowMs);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

// "2026-11-22 01:02:03" in the browser's zone or UTC (with a "Z" suffix).
export function formatTime(ms: number | null | undefined, tz: TimeZoneMode = 'local', withMs = false): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const utc = tz === 'utc';
  const y = utc ? d.getUTCFullYear() : d.getFullYear();
  const mo = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const da = utc ? d.getUTCDate() : d.getDate();
  const h = utc ? d.getUTCHours() : d.getHours();
  const mi = utc ? d.getUTCMinutes() : d.getMinutes();
  const se = utc ? d.getUTCSeconds() : d.getSeconds();
  const msPart = withMs ? `.${pad(utc ? d.getUTCMilliseconds() : d.getMilliseconds(), 3)}` : '';
  return `${y}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:${pad(se)}${msPart}${utc ? 'Z' : ''}`;
}

// Parses an RFC 3339 string from the API; null for null/empty/"0001-..." zero times.
export function parseApiTime(s: string | null | undefined): number | null {
  if (!s || s.startsWith('0001-01-01')) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

// "3m ago" / "in 2h" relative to now.
export function formatAgo(ms: number | null | undefined, nowMs: number = Date.now()): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const diff = nowMs - ms;
  const abs = Math.abs(diff);
  let s: string;
  if (abs < 1000) return 'just now';
  if (abs < 60_000) s = `${Math.round(abs / 1000)}s`;
  else if (abs < 3_600_000) s = `${Math.round(abs / 60_000)}m`;
  else if (abs < 86_400_000) s = `${Math.round(abs / 3_600_000)}h`;
  else s = `${Math.round(abs / 86_400_000)}d`;
  return diff >= 0 ? `${s} ago` : `in ${s}`;
}

// Picks a range-query step giving about `points` points, rounded to a nice value.
export function autoStepMs(rangeMs: number, points = 250): number {
  const raw = Math.max(1000, rangeMs / points);
  const nice = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
    (x) => x * 1000,
  );
  for (const n of nice) if (n >= raw) return n;
  return Math.ceil(raw / 86_400_000) * 86_400_000;
}
