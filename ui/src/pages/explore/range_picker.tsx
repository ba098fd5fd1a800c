// Time range picker: relative presets, optional absolute from, end, step and
// time zone. Enter in any field runs the query.
import type { ExploreState } from './url_state';

const presets = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d', '2d', '7d', '30d'];

interface Props {
  state: ExploreState;
  onChange: (s: ExploreState) => void;
  onSubmit: (s: ExploreState) => void;
}

export function RangePicker({ state, onChange, onSubmit }: Props) {
  const set = (p: Partial<ExploreState>) => onChange({ ...state, ...p });
  return (
    <form
      class="toolbar range-picker"
      aria-label="Time range"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(state);
      }}
    >
      <label>
        Range
        <select
          value={state.from ? '' : presets.includes(state.range) ? state.range : 'custom'}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (v && v !== 'custom') onSubmit({ ...state, range: v, from: '', end: 'now' });
          }}
        >
          {state.from && <option value="">absolute</option>}
          {presets.map((p) => (
            <option key={p} value={p}>
              Last {p}
            </option>
          ))}
          {!state.from && !presets.includes(state.range) && <option value="custom">{state.range}</option>}
        </select>
      </label>
      <label>
        From
        <input
          value={state.from}
          placeholder={`end - ${state.range}`}
          onInput={(e) => set({ from: e.currentTarget.value })}
          title="now-6h, 2026-11-22 10:00, or empty to use the range"
        />
      </label>
      <label>
        End
        <input value={state.end} onInput={(e) => set({ end: e.currentTarget.value })} title="now, now-1h or a date-time" />
      </label>
      <label>
        Step
        <input
          class="short"
          value={state.step}
          onInput={(e) => set({ step: e.currentTarget.value })}
          title="auto or a duration such as 15s"
        />
      </label>
      <label>
        Time zone
        <select value={state.tz} onChange={(e) => onSubmit({ ...state, tz: e.currentTarget.value === 'utc' ? 'utc' : 'local' })}>
          <option value="local">Browser</option>
          <option value="utc">UTC</option>
        </select>
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}
