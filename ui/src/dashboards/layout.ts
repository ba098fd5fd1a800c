// Panel placement on the 24-column grid: collision, vertical compaction (panels float up as far
// as the panels above allow, as in Grafana), and the moves and resizes edit mode makes, by
// pointer or keyboard. Positions are in grid units: x and w in columns, y and h in rows.
import { flattenGroups, groupPanels, type GridPos, type Panel } from './model';

export const GRID_COLUMNS = 24;

export interface LayoutItem extends GridPos {
  id: number;
}

// A panel's position clamped into the grid (stored dashboards may hold anything).
export function normalisePos(g: GridPos): GridPos {
  // Too wide for where it starts: shift left, keeping the width (as Grafana does).
  const w = Math.max(1, Math.min(GRID_COLUMNS, Math.floor(g.w) || 1));
  const x = Math.max(0, Math.min(GRID_COLUMNS - w, Math.floor(g.x) || 0));
  const h = Math.max(1, Math.floor(g.h) || 1);
  const y = Math.max(0, Math.floor(g.y) || 0);
  return { x, y, w, h };
}

export function collides(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function byPosition(a: LayoutItem, b: LayoutItem): number {
  return a.y - b.y || a.x - b.x;
}

// Moves every item up as far as it goes without overlapping the items above it, in (y, x)
// order. Items that overlap on input are pushed below one another. Returns new items in the
// input order; the result is stable (compacting it again changes nothing).
export function compact(items: LayoutItem[]): LayoutItem[] {
  const order = items.map((it, i) => ({ it: { ...it, ...normalisePos(it) }, i })).sort((a, b) => byPosition(a.it, b.it));
  const placed: LayoutItem[] = [];
  const out = new Array<LayoutItem>(items.length);
  for (const { it, i } of order) {
    let y = it.y;
    // Up while the row above is free.
    while (y > 0 && !placed.some((p) => collides({ ...it, y: y - 1 }, p))) y--;
    // Down past anything it still overlaps (overlapping input).
    for (;;) {
      const hit = placed.find((p) => collides({ ...it, y }, p));
      if (!hit) break;
      y = hit.y + hit.h;
    }
    const done = { ...it, y };
    placed.push(done);
    out[i] = done;
  }
  return out;
}

// Puts item `id` at `to` and lets the others make room. The others first close the gap it
// left; the moved item then goes after every item in its columns whose middle is above its new
// top edge (so dragging a panel past half of its neighbour swaps them) and before the rest,
// which are pushed below it. Everything is compacted at the end. Items keep their input order.
export function placeItem(items: LayoutItem[], id: number, to: GridPos): LayoutItem[] {
  const target = normalisePos(to);
  if (!items.some((it) => it.id === id)) return compact(items);
  const rest = compact(items.filter((it) => it.id !== id));
  const overlapsColumns = (r: LayoutItem) => r.x < target.x + target.w && target.x < r.x + r.w;
  let y = 0;
  for (const r of rest) {
    if (overlapsColumns(r) && r.y + r.h / 2 <= target.y) y = Math.max(y, r.y + r.h);
  }
  const moved: LayoutItem = { id, ...target, y };
  const fixed: LayoutItem[] = [moved];
  for (const r of rest.slice().sort(byPosition)) {
    const it = { ...r };
    for (;;) {
      const hit = fixed.find((f) => collides(it, f));
      if (!hit) break;
      it.y = hit.y + hit.h;
    }
    fixed.push(it);
  }
  const byId = new Map(compact(fixed).map((it) => [it.id, it]));
  return items.map((it) => byId.get(it.id)!);
}

// The displayed layout of one group of panels (a row's, or those before the first row).
export function itemsOf(panels: Panel[]): LayoutItem[] {
  return compact(panels.map((p) => ({ id: p.id, ...p.gridPos })));
}

// Writes `items` (positions within group `groupIndex` of groupPanels(panels)) back into the
// dashboard's panel list; y positions of every group are rebased so rows stay in order.
export function applyGroupLayout(panels: Panel[], groupIndex: number, items: LayoutItem[]): Panel[] {
  const groups = groupPanels(panels);
  const g = groups[groupIndex];
  if (!g) return panels;
  const byId = new Map(items.map((it) => [it.id, it]));
  groups[groupIndex] = {
    ...g,
    panels: g.panels.map((p) => {
      const it = byId.get(p.id);
      return it ? { ...p, gridPos: { x: it.x, y: it.y, w: it.w, h: it.h } } : p;
    }),
  };
  return flattenGroups(groups);
}

// Moves panel `id` to `to` inside its group; the rest of the group makes room and compacts.
export function movePanelTo(panels: Panel[], id: number, to: GridPos): Panel[] {
  const groups = groupPanels(panels);
  const gi = groups.findIndex((g) => g.panels.some((p) => p.id === id));
  if (gi < 0) return panels;
  return applyGroupLayout(panels, gi, placeItem(itemsOf(groups[gi].panels), id, to));
}

// Keyboard moves and resizes: dx shifts the panel by columns, dw/dh resize it.
export function nudgePanel(panels: Panel[], id: number, d: { dx?: number; dw?: number; dh?: number }): Panel[] {
  const groups = groupPanels(panels);
  const gi = groups.findIndex((g) => g.panels.some((p) => p.id === id));
  if (gi < 0) return panels;
  const items = itemsOf(groups[gi].panels);
  const cur = items.find((it) => it.id === id)!;
  const w = Math.max(1, Math.min(GRID_COLUMNS, cur.w + (d.dw ?? 0)));
  const h = Math.max(1, cur.h + (d.dh ?? 0));
  const x = Math.max(0, Math.min(GRID_COLUMNS - w, cur.x + (d.dx ?? 0)));
  return applyGroupLayout(panels, gi, placeItem(items, id, { x, y: cur.y, w, h }));
}

// Pixel geometry of a rendered grid: the step between columns and rows, gap included.
export interface GridMetrics {
  colStep: number;
  rowStep: number;
}

export function gridMetrics(widthPx: number, gapPx: number, rowHeightPx: number): GridMetrics {
  const col = (widthPx - gapPx * (GRID_COLUMNS - 1)) / GRID_COLUMNS;
  return { colStep: col + gapPx, rowStep: rowHeightPx + gapPx };
}

// Where a drag that started on an item at `from` ends up after the pointer moved (dxPx, dyPx):
// the position snaps to whole columns and rows. With `resize`, x and y stay and w, h change.
export function dragTarget(from: GridPos, dxPx: number, dyPx: number, m: GridMetrics, resize: boolean): GridPos {
  const dc = Math.round(dxPx / m.colStep);
  const dr = Math.round(dyPx / m.rowStep);
  if (resize) {
    const w = Math.max(1, Math.min(GRID_COLUMNS - from.x, from.w + dc));
    const h = Math.max(1, from.h + dr);
    return { x: from.x, y: from.y, w, h };
  }
  const x = Math.max(0, Math.min(GRID_COLUMNS - from.w, from.x + dc));
  const y = Math.max(0, from.y + dr);
  return { x, y, w: from.w, h: from.h };
}
