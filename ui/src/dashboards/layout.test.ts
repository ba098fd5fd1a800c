import { describe, expect, it } from 'vitest';
import {
  applyGroupLayout,
  collides,
  compact,
  dragTarget,
  gridMetrics,
  itemsOf,
  movePanelTo,
  nudgePanel,
  placeItem,
  type LayoutItem,
} from './layout';
import { groupPanels, toggleRow, type GridPos, type Panel } from './model';

const it_ = (id: number, x: number, y: number, w: number, h: number): LayoutItem => ({ id, x, y, w, h });
const pos = (items: LayoutItem[]) => Object.fromEntries(items.map((i) => [i.id, [i.x, i.y, i.w, i.h]]));

function noOverlap(items: LayoutItem[]) {
  for (const a of items) for (const b of items) if (a !== b) expect(collides(a, b), `${a.id} and ${b.id} overlap`).toBe(false);
}

const panel = (id: number, g: GridPos): Panel => ({ id, type: 'stat', title: `p${id}`, gridPos: g });
const row = (id: number, y: number, collapsed = false, panels?: Panel[]): Panel => ({
  id,
  type: 'row',
  title: `row${id}`,
  gridPos: { x: 0, y, w: 24, h: 1 },
  collapsed,
  panels,
});

describe('compact', () => {
  it('floats panels up and keeps side-by-side panels side by side', () => {
    const out = compact([it_(1, 0, 5, 12, 4), it_(2, 12, 9, 12, 4), it_(3, 0, 20, 24, 2)]);
    expect(pos(out)).toEqual({ 1: [0, 0, 12, 4], 2: [12, 0, 12, 4], 3: [0, 4, 24, 2] });
  });
  it('separates overlapping input and shifts too wide panels left', () => {
    const out = compact([it_(1, 0, 0, 12, 4), it_(2, 6, 0, 12, 4), it_(3, 30, 10, 40, 0)]);
    noOverlap(out);
    expect(out[1].y).toBe(4);
    expect(out[2]).toEqual({ id: 3, x: 0, y: 8, w: 24, h: 1 });
  });
  it('is stable', () => {
    const once = compact([it_(1, 0, 3, 8, 5), it_(2, 8, 0, 16, 2), it_(3, 4, 9, 20, 3), it_(4, 0, 1, 4, 1)]);
    expect(compact(once)).toEqual(once);
    noOverlap(once);
  });
});

describe('placeItem', () => {
  const stack = [it_(1, 0, 0, 24, 4), it_(2, 0, 4, 24, 4), it_(3, 0, 8, 24, 4)];
  it('swaps with the panel below once dragged past its middle', () => {
    expect(pos(placeItem(stack, 1, { x: 0, y: 1, w: 24, h: 4 }))).toEqual(pos(stack));
    const out = placeItem(stack, 1, { x: 0, y: 3, w: 24, h: 4 });
    expect(out.map((i) => i.y)).toEqual([4, 0, 8]);
    noOverlap(out);
  });
  it('moves to the top, pushing the others down in order', () => {
    const out = placeItem(stack, 3, { x: 0, y: 0, w: 24, h: 4 });
    expect(out.map((i) => i.y)).toEqual([4, 8, 0]);
  });
  it('moves beside another panel when dropped in free columns', () => {
    const half = [it_(1, 0, 0, 12, 8), it_(2, 0, 8, 12, 8)];
    const out = placeItem(half, 2, { x: 12, y: 0, w: 12, h: 8 });
    expect(pos(out)).toEqual({ 1: [0, 0, 12, 8], 2: [12, 0, 12, 8] });
  });
  it('clamps a drop past the right edge and below the bottom', () => {
    const out = placeItem(stack, 1, { x: 20, y: 99, w: 24, h: 4 });
    expect(out[0]).toEqual({ id: 1, x: 0, y: 8, w: 24, h: 4 });
    noOverlap(out);
  });
  it('resizing pushes the panels it now covers below it', () => {
    const side = [it_(1, 0, 0, 12, 4), it_(2, 12, 0, 12, 4), it_(3, 0, 4, 24, 4)];
    const out = placeItem(side, 1, { x: 0, y: 0, w: 18, h: 6 });
    expect(pos(out)).toEqual({ 1: [0, 0, 18, 6], 2: [12, 6, 12, 4], 3: [0, 10, 24, 4] });
    noOverlap(out);
  });
  it('never overlaps, whatever the target', () => {
    const items = [it_(1, 0, 0, 8, 3), it_(2, 8, 0, 8, 6), it_(3, 16, 0, 8, 2), it_(4, 0, 3, 16, 4), it_(5, 16, 2, 8, 9)];
    for (let x = 0; x < 24; x += 3) {
      for (let y = 0; y < 14; y += 2) {
        const out = placeItem(items, 4, { x, y, w: 16, h: 4 });
        noOverlap(out);
        expect(compact(out)).toEqual(out);
      }
    }
  });
});

describe('dragTarget', () => {
  const m = gridMetrics(24 * 40 + 23 * 8, 8, 30); // columns of 40px, gaps of 8px
  it('snaps pointer movement to columns and rows', () => {
    expect(m).toEqual({ colStep: 48, rowStep: 38 });
    expect(dragTarget({ x: 0, y: 0, w: 12, h: 8 }, 48 * 5 + 20, 38 * 3 - 15, m, false)).toEqual({ x: 5, y: 3, w: 12, h: 8 });
    expect(dragTarget({ x: 6, y: 2, w: 12, h: 8 }, 48 * 20, -500, m, false)).toEqual({ x: 12, y: 0, w: 12, h: 8 });
  });
  it('resizes from the corner within the grid', () => {
    expect(dragTarget({ x: 6, y: 2, w: 6, h: 4 }, 48 * 3, 38 * 2, m, true)).toEqual({ x: 6, y: 2, w: 9, h: 6 });
    expect(dragTarget({ x: 6, y: 2, w: 6, h: 4 }, 48 * 30, -38 * 30, m, true)).toEqual({ x: 6, y: 2, w: 18, h: 1 });
  });
});

describe('panel lists', () => {
  it('a move inside a row keeps the rows and the panels after them in place', () => {
    const panels = [
      panel(1, { x: 0, y: 0, w: 12, h: 4 }),
      row(2, 4),
      panel(3, { x: 0, y: 5, w: 12, h: 4 }),
      panel(4, { x: 12, y: 5, w: 12, h: 4 }),
      row(5, 9, true, [panel(6, { x: 0, y: 10, w: 24, h: 3 })]),
    ];
    const out = movePanelTo(panels, 3, { x: 12, y: 4, w: 12, h: 4 });
    const groups = groupPanels(out);
    expect(groups.map((g) => [g.row?.id, g.panels.map((p) => p.id)])).toEqual([
      [undefined, [1]],
      [2, [4, 3]],
      [5, [6]],
    ]);
    const p3 = out.find((p) => p.id === 3)!;
    const r2 = out.find((p) => p.id === 2)!;
    expect(p3.gridPos.y).toBe(r2.gridPos.y + 1 + 4);
    // The collapsed row keeps its panel and still comes after.
    const r5 = out.find((p) => p.id === 5)!;
    expect(r5.gridPos.y).toBeGreaterThanOrEqual(p3.gridPos.y + p3.gridPos.h);
    expect(r5.panels!.map((p) => p.id)).toEqual([6]);
    // Expanding it still finds the panel under it.
    expect(groupPanels(toggleRow(out, 5)).at(-1)!.panels.map((p) => p.id)).toEqual([6]);
  });
  it('keyboard nudges move by a column and resize', () => {
    const panels = [panel(1, { x: 0, y: 0, w: 12, h: 4 }), panel(2, { x: 12, y: 0, w: 12, h: 4 })];
    const right = nudgePanel(panels, 1, { dx: 1 });
    // Column 12 is taken at that height: panel 2 goes below.
    expect(right.find((p) => p.id === 1)!.gridPos).toEqual({ x: 1, y: 0, w: 12, h: 4 });
    expect(right.find((p) => p.id === 2)!.gridPos.y).toBe(4);
    const taller = nudgePanel(panels, 2, { dh: 2 });
    expect(taller.find((p) => p.id === 2)!.gridPos).toEqual({ x: 12, y: 0, w: 12, h: 6 });
    const narrow = nudgePanel(panels, 1, { dw: -20 });
    expect(narrow.find((p) => p.id === 1)!.gridPos.w).toBe(1);
  });
  it('applyGroupLayout writes compacted positions', () => {
    const panels = [panel(1, { x: 0, y: 7, w: 12, h: 4 }), panel(2, { x: 12, y: 30, w: 12, h: 4 })];
    const out = applyGroupLayout(panels, 0, itemsOf(panels));
    expect(out.map((p) => p.gridPos.y)).toEqual([0, 0]);
  });
});
