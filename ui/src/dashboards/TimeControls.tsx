// Time range and auto-refresh pickers for a dashboard.
import { useEffect, useState } from 'preact/hooks';
import { formatTime, parseTime } from '../lib/time';
import { REFRESH_INTERVALS } from './model';

const PRESETS: [string, string][] = [
  ['now-5m', 'Last 5 minutes'],
  ['now-15m', 'Last 15 minutes'],
  ['now-1h', 'Last 1 hour'],
  ['now-3h', 'Last 3 hours'],
  ['now-6h', 'Last 6 hours'],
  ['now-12h', 'Last 12 hours'],
  ['now-24h', 'Last 24 hours'],
  ['now-2d', 'Last 2 days'],
  ['now-7d', 'Last 7 days'],
];

// An absolute time stored as epoch milliseconds is shown as a date for editing.
function display(t: string, utc: boolean): string {
  return /^\d{12,}$/.test(t) ? formatTime(Number(t), utc ? 'utc' : 'local') : t;
}

export interface TimeControlsProps {
  from: string;
  to: string;
  refresh: string;
  utc: boolean;
  onRange(from: string, to: string): void;
  onRefresh(interval: string): void;
  onRefreshNow(): void;
}

export function TimeControls(p: TimeControlsProps) {
  const [from, setFrom] = useState(display(p.from, p.utc));
  const [to, setTo] = useState(display(p.to, p.utc));
  const [err, setErr] = useState('');
  useEffect(() => {
    setFrom(display(p.from, p.utc));
    setTo(display(p.to, p.utc));
  }, [p.from, p.to, p.utc]);
  const apply = (e: Event) => {
    e.preventDefault();
    const now = Date.now();
    const f = parseTime(from, now);
    const t = parseTime(to, now);
    if (f === null) return setErr(`from: cannot read "${from}" (use now-6h, 2026-11-22 10:00 or a Unix time)`);
    if (t === null) return setErr(`to: cannot read "${to}"`);
    if (f >= t) return setErr('from must be before to');
    setErr('');
    const norm = (s: string, ms: number) => (s.trim().startsWith('now') ? s.trim().replace(/\s+/g, '') : String(ms));
    p.onRange(norm(from, f), norm(to, t));
  };
  const preset = PRESETS.find(([f]) => f === p.from && p.to === 'now');
  return (
    <form class="dash-time toolbar" onSubmit={apply} aria-label="Time range">
      <select
        aria-label="Quick range"
        value={preset ? preset[0] : ''}
        onChange={(e) => {
          const v = (e.currentTarget as HTMLSelectElement).value;
          if (v) p.onRange(v, 'now');
        }}
      >
        {!preset && <option value="">Custom range</option>}
        {PRESETS.map(([f, l]) => (
          <option key={f} value={f}>
            {l}
          </option>
        ))}
      </select>
      <input aria-label="From" class="dash-time-input" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
      <span aria-hidden="true">→</span>
      <input aria-label="To" class="dash-time-input" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
      <button type="submit">Apply</button>
      <button type="button" onClick={p.onRefreshNow} aria-label="Refresh now">
        ⟳
      </button>
      <select aria-label="Auto-refresh" value={p.refresh} onChange={(e) => p.onRefresh((e.currentTarget as HTMLSelectElement).value)}>
        {REFRESH_INTERVALS.map((r) => (
          <option key={r} value={r}>
            {r ? `Every ${r}` : 'Auto-refresh off'}
          </option>
        ))}
      </select>
      {err && (
        <span class="error" role="alert">
          {err}
        </span>
      )}
    </form>
  );
}
