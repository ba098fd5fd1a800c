// Explore's view state <-> URL query string, so a link reproduces the view.
//   ?expr=up&tab=graph&range=1h&end=now&step=auto&stacked=1&tz=utc
import type { TimeZoneMode } from '../../lib/time';

export type ExploreTab = 'graph' | 'table' | 'json';

export interface ExploreState {
  expr: string;
  tab: ExploreTab;
  range: string; // duration, e.g. "1h"; or "from..to" absolute is expressed via from/end
  end: string; // "now" or a time expression
  from: string; // "" unless an absolute range: then range is ignored
  step: string; // "auto" or a duration
  stacked: boolean;
  tz: TimeZoneMode;
}

export const defaultState: ExploreState = {
  expr: '',
  tab: 'graph',
  range: '1h',
  end: 'now',
  from: '',
  step: 'auto',
  stacked: false,
  tz: 'local',
};

export function decodeState(search: string): ExploreState {
  const p = new URLSearchParams(search);
  const tab = p.get('tab');
  const tz = p.get('tz');
  return {
    expr: p.get('expr') ?? '',
    tab: tab === 'table' || tab === 'json' || tab === 'graph' ? tab : defaultState.tab,
    range: p.get('range') || defaultState.range,
    end: p.get('end') || defaultState.end,
    from: p.get('from') ?? '',
    step: p.get('step') || defaultState.step,
    stacked: p.get('stacked') === '1' || p.get('stacked') === 'true',
    tz: tz === 'utc' ? 'utc' : 'local',
  };
}

// Only non-default fields are written, in a fixed order, so links stay short.
export function encodeState(s: ExploreState): string {
  const p = new URLSearchParams();
  if (s.expr) p.set('expr', s.expr);
  if (s.tab !== defaultState.tab) p.set('tab', s.tab);
  if (s.from) p.set('from', s.from);
  else if (s.range !== defaultState.range) p.set('range', s.range);
  if (s.end !== defaultState.end) p.set('end', s.end);
  if (s.step !== defaultState.step) p.set('step', s.step);
  if (s.stacked) p.set('stacked', '1');
  if (s.tz !== defaultState.tz) p.set('tz', s.tz);
  const q = p.toString();
  return q ? `?${q}` : '';
}
