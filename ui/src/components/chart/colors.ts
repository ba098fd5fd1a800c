// Series palette and Grafana colour names. The palette reads well on light and dark backgrounds.

export const PALETTE = [
  '#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16',
  '#f97316', '#14b8a6', '#6366f1', '#eab308', '#22c55e', '#d946ef', '#0ea5e9', '#a16207',
  '#64748b', '#be123c', '#15803d', '#7c3aed',
];

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}

const NAMED: Record<string, string> = {
  green: '#22c55e',
  'dark-green': '#15803d',
  'semi-dark-green': '#16a34a',
  'light-green': '#4ade80',
  'super-light-green': '#86efac',
  red: '#ef4444',
  'dark-red': '#b91c1c',
  'semi-dark-red': '#dc2626',
  'light-red': '#f87171',
  'super-light-red': '#fca5a5',
  yellow: '#eab308',
  'dark-yellow': '#ca8a04',
  'semi-dark-yellow': '#d9a00a',
  'light-yellow': '#facc15',
  'super-light-yellow': '#fde047',
  orange: '#f97316',
  'dark-orange': '#c2410c',
  'semi-dark-orange': '#ea580c',
  'light-orange': '#fb923c',
  'super-light-orange': '#fdba74',
  blue: '#3b82f6',
  'dark-blue': '#1d4ed8',
  'semi-dark-blue': '#2563eb',
  'light-blue': '#60a5fa',
  'super-light-blue': '#93c5fd',
  purple: '#a855f7',
  'dark-purple': '#7e22ce',
  'semi-dark-purple': '#9333ea',
  'light-purple': '#c084fc',
  'super-light-purple': '#d8b4fe',
  transparent: 'transparent',
  text: 'currentColor',
};

// Resolves a Grafana colour name or CSS colour to something a canvas or SVG accepts.
// Anything that is not a known name, a hex colour or rgb()/hsl() becomes grey: colours come
// from user JSON and must not smuggle anything else into a style attribute.
export function resolveColor(c: string | undefined | null): string {
  if (!c) return '#64748b';
  const named = NAMED[c];
  if (named) return named;
  if (/^#[0-9a-fA-F]{3,8}$/.test(c)) return c;
  if (/^(rgb|rgba|hsl|hsla)\([0-9.,%\s]+\)$/.test(c)) return c;
  if (/^[a-z]{3,20}$/.test(c)) return c; // CSS named colours
  return '#64748b';
}

// `color` with alpha `a` (0..1); works for #rgb, #rrggbb and rgb(); other forms are returned as is.
export function withAlpha(color: string, a: number): string {
  let hex = color;
  if (/^#[0-9a-fA-F]{3}$/.test(hex)) hex = '#' + hex.slice(1).split('').map((ch) => ch + ch).join('');
  if (/^#[0-9a-fA-F]{6}$/.test(hex)) {
    const alpha = Math.round(Math.max(0, Math.min(1, a)) * 255)
      .toString(16)
      .padStart(2, '0');
    return hex + alpha;
  }
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/.exec(color);
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${Math.max(0, Math.min(1, a))})`;
  return color;
}

// The threshold colour for `v`: the last step whose value is <= v (the base step has null).
export function thresholdColor(
  v: number | null | undefined,
  steps: { value: number | null; color: string }[] | undefined,
  fallback = '#22c55e',
): string {
  if (!steps || steps.length === 0) return fallback;
  let color = resolveColor(steps[0].color);
  if (v === null || v === undefined || Number.isNaN(v)) return color;
  for (const s of steps) {
    if (s.value === null || s.value === undefined || v >= s.value) color = resolveColor(s.color);
  }
  return color;
}
