// The 24-column grid with collapsible rows. On phone widths every panel takes the full width.
// In edit mode a panel moves by dragging its header and resizes from its bottom-right corner
// (pointer events, so mouse, pen and touch work alike); positions snap to columns and rows and
// the other panels make room as it goes. Keyboard: with the header focused, arrow keys move
// (up/down in order, left/right by a column) and Shift+arrow keys resize.
import { useEffect, useRef, useState } from 'preact/hooks';
import './editor.css';
import {
  applyGroupLayout,
  dragTarget,
  gridMetrics,
  itemsOf,
  nudgePanel,
  placeItem,
  type GridMetrics,
  type LayoutItem,
} from './layout';
import { groupPanels, type GridPos, type Panel } from './model';
import type { PanelContext } from './panels/data';
import { PanelView, ROW_HEIGHT_PX, type PanelEditActions } from './PanelView';

export interface GridProps {
  panels: Panel[];
  ctx: PanelContext;
  editing: boolean;
  onToggleRow(rowId: number): void;
  actionsFor(panel: Panel): PanelEditActions;
  // A new panel list after a drag, resize or keyboard move (gridPos updated).
  onLayout(panels: Panel[]): void;
}

interface Drag {
  id: number;
  group: number;
  mode: 'move' | 'resize';
  pointerId: number;
  startX: number;
  startY: number;
  from: GridPos;
  metrics: GridMetrics;
  target: GridPos;
  dx: number;
  dy: number;
}

function sameSpot(a: GridPos, b: GridPos): boolean {
  return a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
}

function cellStyle(it: GridPos, extra: Record<string, string> = {}): Record<string, string> {
  return {
    '--gx': String(it.x + 1),
    '--gw': String(it.w),
    '--gy': String(it.y + 1),
    '--gh': String(it.h),
    ...extra,
  };
}

export function DashboardGrid({ panels, ctx, editing, onToggleRow, actionsFor, onLayout }: GridProps) {
  const groups = groupPanels(panels);
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  const latest = useRef({ panels, onLayout });
  latest.current = { panels, onLayout };

  const setDragState = (d: Drag | null) => {
    dragRef.current = d;
    setDrag(d);
  };

  // Pointer tracking lives on window while a drag is under way.
  useEffect(() => {
    if (!drag) return undefined;
    const move = (e: PointerEvent) => {
      const d = dragRef.current;
      if (!d || e.pointerId !== d.pointerId) return;
      e.preventDefault();
      const dx = e.clientX - d.startX;
      const dy = e.clientY - d.startY;
      const target = dragTarget(d.from, dx, dy, d.metrics, d.mode === 'resize');
      setDragState({ ...d, dx, dy, target });
    };
    const end = (e: PointerEvent) => {
      const d = dragRef.current;
      if (!d || e.pointerId !== d.pointerId) return;
      setDragState(null);
      if (e.type === 'pointercancel' || sameSpot(d.target, d.from)) return;
      const { panels: cur, onLayout: commit } = latest.current;
      const g = groupPanels(cur)[d.group];
      if (!g) return;
      commit(applyGroupLayout(cur, d.group, placeItem(itemsOf(g.panels), d.id, d.target)));
    };
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setDragState(null);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', end);
    window.addEventListener('pointercancel', end);
    window.addEventListener('keydown', key);
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', end);
      window.removeEventListener('pointercancel', end);
      window.removeEventListener('keydown', key);
    };
  }, [drag !== null]);

  const startDrag = (e: PointerEvent, group: number, item: LayoutItem, mode: Drag['mode']) => {
    if (!editing || e.button !== 0) return;
    const el = e.currentTarget as HTMLElement;
    if (mode === 'move' && (e.target as HTMLElement).closest('button, a, input, select, textarea')) return;
    const grid = el.closest('.dash-grid') as HTMLElement | null;
    if (!grid) return;
    const cs = getComputedStyle(grid);
    // One column on phone widths: dragging would mean nothing there; the keyboard still works.
    if (cs.gridTemplateColumns.split(' ').length < 24) return;
    const gap = parseFloat(cs.columnGap) || 0;
    e.preventDefault();
    try {
      el.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic events have no active pointer to capture; window listeners still see them.
    }
    const from = { x: item.x, y: item.y, w: item.w, h: item.h };
    setDragState({
      id: item.id,
      group,
      mode,
      pointerId: e.pointerId,
      startX: e.clientX,
      startY: e.clientY,
      from,
      metrics: gridMetrics(grid.clientWidth, gap, ROW_HEIGHT_PX),
      target: from,
      dx: 0,
      dy: 0,
    });
  };

  const onHeadKey = (e: KeyboardEvent, p: Panel) => {
    if (e.target !== e.currentTarget) return; // keys on the buttons inside stay theirs
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const a = arrows[e.key];
    if (!a) return;
    e.preventDefault();
    const { panels: cur, onLayout: commit } = latest.current;
    if (e.shiftKey) commit(nudgePanel(cur, p.id, { dw: a[0], dh: a[1] }));
    else if (a[0] !== 0) commit(nudgePanel(cur, p.id, { dx: a[0] }));
    else if (a[1] < 0) actionsFor(p).moveUp();
    else actionsFor(p).moveDown();
  };

  return (
    <div class={`dash-grid-wrap${drag ? ' is-dragging' : ''}`}>
      {groups.map((g, gi) => {
        const items = itemsOf(g.panels);
        const active = drag && drag.group === gi ? drag : null;
        const shown = active ? placeItem(items, active.id, active.target) : items;
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
                  const it = items[i];
                  const dragged = active !== null && active.id === p.id;
                  // The dragged panel stays in its old cell and follows the pointer; the others
                  // show where they will be.
                  const pos = dragged ? it : shown[i];
                  const lift: Record<string, string> =
                    dragged && active.mode === 'move' ? { transform: `translate(${active.dx}px, ${active.dy}px)` } : {};
                  return (
                    <div
                      class={`dash-cell${editing ? ' is-editing' : ''}${dragged ? ' is-dragged' : ''}`}
                      style={cellStyle(pos, lift)}
                      key={p.id || `i${i}`}
                      data-panel-id={p.id}
                    >
                      <PanelView
                        panel={p}
                        ctx={ctx}
                        editing={editing}
                        actions={actionsFor(p)}
                        headProps={
                          editing
                            ? {
                                tabIndex: 0,
                                class: 'dash-panel-head dash-drag-handle',
                                title: 'Drag to move. Keyboard: arrow keys move, Shift+arrow keys resize',
                                onPointerDown: (e: PointerEvent) => startDrag(e, gi, it, 'move'),
                                onKeyDown: (e: KeyboardEvent) => onHeadKey(e, p),
                              }
                            : undefined
                        }
                      />
                      {editing && (
                        <div
                          class="dash-resize-handle"
                          title="Drag to resize"
                          aria-hidden="true"
                          onPointerDown={(e) => startDrag(e, gi, it, 'resize')}
                        />
                      )}
                    </div>
                  );
                })}
                {active && (
                  <div
                    class="dash-drop-placeholder"
                    aria-hidden="true"
                    style={cellStyle(shown[items.findIndex((x) => x.id === active.id)])}
                  />
                )}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
