// The 24-column grid with collapsible rows. On phone widths every panel takes the full width.
import { groupPanels, packLayout, type Panel } from './model';
import type { PanelContext } from './panels/data';
import { PanelView, ROW_HEIGHT_PX, type PanelEditActions } from './PanelView';

export interface GridProps {
  panels: Panel[];
  ctx: PanelContext;
  editing: boolean;
  onToggleRow(rowId: number): void;
  actionsFor(panel: Panel): PanelEditActions;
}

export function DashboardGrid({ panels, ctx, editing, onToggleRow, actionsFor }: GridProps) {
  const groups = groupPanels(panels);
  return (
    <div class="dash-grid-wrap">
      {groups.map((g, gi) => {
        const ys = packLayout(g.panels);
        const open = !g.row || !g.row.collapsed;
        return (
          <div class="dash-group" key={g.row ? `row-${g.row.id}` : `top-${gi}`}>
            {g.row && (
              <div class="dash-row">
                <button
                  type="button"
                  class="dash-row-toggle"
                  aria-expanded={open}
                  onClick={() => onToggleRow(g.row!.id)}
                >
                  <span aria-hidden="true">{open ? '▾' : '▸'}</span> {g.row.title || 'Row'}
                  {!open && <span class="muted"> ({g.panels.length} panels)</span>}
                </button>
                {editing && (
                  <span class="dash-panel-tools">
                    <button type="button" class="small" onClick={actionsFor(g.row).edit}>
                      Edit row
                    </button>
                    <button type="button" class="small" onClick={actionsFor(g.row).moveUp} aria-label="Move row up">
                      ↑
                    </button>
                    <button type="button" class="small" onClick={actionsFor(g.row).moveDown} aria-label="Move row down">
                      ↓
                    </button>
                    <button type="button" class="small danger" onClick={actionsFor(g.row).remove} aria-label="Delete row">
                      ✕
                    </button>
                  </span>
                )}
              </div>
            )}
            {open && g.panels.length > 0 && (
              <div class="dash-grid" style={{ gridAutoRows: `${ROW_HEIGHT_PX}px` }}>
                {g.panels.map((p, i) => {
                  const x = Math.max(0, Math.min(23, Math.floor(p.gridPos.x)));
                  const w = Math.max(1, Math.min(24 - x, Math.floor(p.gridPos.w)));
                  const style = {
                    '--gx': String(x + 1),
                    '--gw': String(w),
                    '--gy': String(ys[i] + 1),
                    '--gh': String(Math.max(1, Math.floor(p.gridPos.h))),
                  } as Record<string, string>;
                  return (
                    <div class="dash-cell" style={style} key={p.id || `i${i}`}>
                      <PanelView panel={p} ctx={ctx} editing={editing} actions={actionsFor(p)} />
                    </div>
                  );
                })}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
