// Panel editor dialog: type, title, queries, unit, thresholds, size; text content for text panels.
import { useEffect, useRef, useState } from 'preact/hooks';
import { UNITS } from '../lib/units';
import { PANEL_TYPES, type Panel, type PanelType, type Target, type ThresholdStep } from './model';

export interface PanelEditorProps {
  panel: Panel;
  onApply(p: Panel): void;
  onCancel(): void;
}

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

function numOrUndef(s: string): number | undefined {
  if (s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function PanelEditor({ panel, onApply, onCancel }: PanelEditorProps) {
  const [p, setP] = useState<Panel>(() => JSON.parse(JSON.stringify(panel)) as Panel);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input,select')?.focus();
  }, []);
  const fc = p.fieldConfig ?? {};
  const setFc = (patch: Partial<NonNullable<Panel['fieldConfig']>>) => setP({ ...p, fieldConfig: { ...fc, ...patch } });
  const targets = p.targets ?? [];
  const setTarget = (i: number, patch: Partial<Target>) =>
    setP({ ...p, targets: targets.map((t, j) => (j === i ? { ...t, ...patch } : t)) });
  const thresholds: ThresholdStep[] = fc.thresholds ?? [];
  const setThreshold = (i: number, patch: Partial<ThresholdStep>) =>
    setFc({ thresholds: thresholds.map((t, j) => (j === i ? { ...t, ...patch } : t)) });
  const isRow = p.type === 'row';
  return (
    <div class="dash-modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div class="dash-modal panel" role="dialog" aria-modal="true" aria-label="Edit panel" ref={ref}>
        <h2>{isRow ? 'Edit row' : 'Edit panel'}</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onApply(p);
          }}
        >
          <div class="form-grid">
            <label for="pe-title">Title</label>
            <input id="pe-title" value={p.title} onInput={(e) => setP({ ...p, title: val(e) })} />
            {!isRow && (
              <>
                <label for="pe-type">Type</label>
                <select id="pe-type" value={p.type} onChange={(e) => setP({ ...p, type: val(e) as PanelType })}>
                  {PANEL_TYPES.filter((t) => t !== 'row').map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
                <label for="pe-w">Width (1-24)</label>
                <input
                  id="pe-w"
                  type="number"
                  min={1}
                  max={24}
                  value={p.gridPos.w}
                  onInput={(e) => setP({ ...p, gridPos: { ...p.gridPos, w: Math.max(1, Math.min(24, Number(val(e)) || 12)) } })}
                />
                <label for="pe-h">Height (rows of 30px)</label>
                <input
                  id="pe-h"
                  type="number"
                  min={2}
                  max={40}
                  value={p.gridPos.h}
                  onInput={(e) => setP({ ...p, gridPos: { ...p.gridPos, h: Math.max(2, Math.min(40, Number(val(e)) || 8)) } })}
                />
              </>
            )}
            {p.type === 'text' && (
              <>
                <label for="pe-content">Markdown</label>
                <textarea
                  id="pe-content"
                  rows={6}
                  value={typeof p.options?.content === 'string' ? p.options.content : ''}
                  onInput={(e) => setP({ ...p, options: { ...p.options, content: val(e) } })}
                />
              </>
            )}
            {!isRow && p.type !== 'text' && (
              <>
                <label for="pe-unit">Unit</label>
                <select id="pe-unit" value={fc.unit ?? 'short'} onChange={(e) => setFc({ unit: val(e) })}>
                  {UNITS.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.label}
                    </option>
                  ))}
                </select>
                <label for="pe-dec">Decimals</label>
                <input id="pe-dec" type="number" min={0} max={10} value={fc.decimals ?? ''} onInput={(e) => setFc({ decimals: numOrUndef(val(e)) })} />
                <label for="pe-min">Min / max</label>
                <span>
                  <input id="pe-min" aria-label="Min" class="dash-num-input" value={fc.min ?? ''} onInput={(e) => setFc({ min: numOrUndef(val(e)) })} />{' '}
                  <input aria-label="Max" class="dash-num-input" value={fc.max ?? ''} onInput={(e) => setFc({ max: numOrUndef(val(e)) })} />
                </span>
                {p.type === 'timeseries' && (
                  <>
                    <span />
                    <label>
                      <input type="checkbox" checked={fc.stacked === true} onChange={(e) => setFc({ stacked: (e.currentTarget as HTMLInputElement).checked })} />{' '}
                      Stacked
                    </label>
                  </>
                )}
                <span>Thresholds</span>
                <div class="dash-thresholds">
                  {thresholds.map((t, i) => (
                    <div key={i} class="dash-threshold">
                      <input
                        aria-label={`Threshold ${i + 1} value`}
                        class="dash-num-input"
                        placeholder={i === 0 ? 'base' : 'value'}
                        disabled={i === 0}
                        value={t.value ?? ''}
                        onInput={(e) => setThreshold(i, { value: numOrUndef(val(e)) ?? null })}
                      />
                      <input aria-label={`Threshold ${i + 1} colour`} class="dash-color-input" value={t.color} onInput={(e) => setThreshold(i, { color: val(e) })} />
                      <button type="button" class="small" onClick={() => setFc({ thresholds: thresholds.filter((_, j) => j !== i) })} aria-label={`Remove threshold ${i + 1}`}>
                        ✕
                      </button>
                    </div>
                  ))}
                  <button
                    type="button"
                    class="small"
                    onClick={() =>
                      setFc({ thresholds: [...thresholds, thresholds.length === 0 ? { value: null, color: 'green' } : { value: 80, color: 'red' }] })
                    }
                  >
                    Add threshold
                  </button>
                </div>
              </>
            )}
          </div>
          {!isRow && p.type !== 'text' && (
            <fieldset class="dash-queries">
              <legend>Queries (PromQL)</legend>
              {targets.map((t, i) => (
                <div class="dash-query" key={i}>
                  <textarea
                    aria-label={`Query ${i + 1}`}
                    class="mono"
                    rows={2}
                    value={t.expr}
                    onInput={(e) => setTarget(i, { expr: val(e) })}
                    placeholder='rate(http_requests_total{job="$job"}[$__rate_interval])'
                  />
                  <div class="toolbar">
                    <input
                      aria-label={`Legend ${i + 1}`}
                      placeholder="Legend, e.g. {{instance}}"
                      value={t.legendFormat ?? ''}
                      onInput={(e) => setTarget(i, { legendFormat: val(e) || undefined })}
                    />
                    <label>
                      <input
                        type="checkbox"
                        checked={t.instant === true}
                        onChange={(e) => setTarget(i, { instant: (e.currentTarget as HTMLInputElement).checked || undefined })}
                      />{' '}
                      Instant
                    </label>
                    <button type="button" class="small" onClick={() => setP({ ...p, targets: targets.filter((_, j) => j !== i) })}>
                      Remove query
                    </button>
                  </div>
                </div>
              ))}
              <button type="button" class="small" onClick={() => setP({ ...p, targets: [...targets, { expr: '' }] })}>
                Add query
              </button>
            </fieldset>
          )}
          <div class="toolbar dash-modal-actions">
            <button type="submit" class="primary">
              Apply
            </button>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
