// Resolves Explore's time range fields to absolute milliseconds.
import { autoStepMs, parseDuration, parseTimeIn } from '../../lib/time';
import type { ExploreState } from './url_state';

export interface ResolvedRange {
  startMs: number;
  endMs: number;
  stepMs: number;
}

// Throws an Error naming the field and the accepted forms.
export function resolveRange(s: ExploreState, nowMs: number): ResolvedRange {
  const endMs = parseTimeIn(s.end, nowMs, s.tz);
  if (endMs === null) throw new Error(`end "${s.end}": use now, now-1h, 2026-11-22 10:00 or unix seconds`);
  let startMs: number;
  if (s.from) {
    const f = parseTimeIn(s.from, nowMs, s.tz);
    if (f === null) throw new Error(`from "${s.from}": use now-6h, 2026-11-22 10:00 or unix seconds`);
    startMs = f;
  } else {
    const r = parseDuration(s.range);
    if (r === null || r <= 0) throw new Error(`range "${s.range}": use a duration such as 15m, 1h or 7d`);
    startMs = endMs - r;
  }
  if (startMs >= endMs) throw new Error('from must be before end');
  let stepMs: number;
  if (s.step === 'auto' || s.step === '') {
    stepMs = autoStepMs(endMs - startMs);
  } else {
    const st = parseDuration(s.step);
    if (st === null || st <= 0) throw new Error(`step "${s.step}": use auto or a duration such as 15s`);
    stepMs = st;
    if ((endMs - startMs) / stepMs > 11000)
      throw new Error(`step "${s.step}" gives more than 11000 points over this range: use a larger step`);
  }
  return { startMs, endMs, stepMs };
}
