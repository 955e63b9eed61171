// Where a new widget goes: the first free spot, scanning rows top to
// bottom and columns left to right, of every breakpoint's grid.
import type { GridItem, LayoutJSON } from '../../api/types';
import { COLS, gridLayouts, toLayoutJSON } from '../grid/layout';

function overlaps(a: GridItem, b: GridItem): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The first place for a w x h item among items, in cols columns. */
export function firstFreeSpot(items: GridItem[], cols: number, w: number, h: number): { x: number; y: number } {
  const width = Math.min(w, cols);
  const bottom = items.reduce((m, it) => Math.max(m, it.y + it.h), 0);
  for (let y = 0; y <= bottom; y++) {
    for (let x = 0; x + width <= cols; x++) {
      const cand = { i: '', x, y, w: width, h };
      if (!items.some((it) => overlaps(it, cand))) return { x, y };
    }
  }
  return { x: 0, y: bottom };
}

/**
 * layout_json with the widgets newIds placed at the first free spot of
 * each breakpoint the dashboard has (lg when none), half the width and
 * four rows high; the existing widgets keep their places (those without
 * one get the place the grid would give them).
 */
export function placeWidgets(saved: LayoutJSON | undefined, existingIds: string[], newIds: string[]): LayoutJSON {
  const layouts = gridLayouts(saved, existingIds);
  for (const bp of Object.keys(layouts) as (keyof typeof COLS)[]) {
    const cols = COLS[bp];
    const items = [...(layouts[bp] ?? [])];
    for (const id of newIds) {
      const w = Math.max(1, Math.floor(cols / 2));
      const at = firstFreeSpot(items, cols, w, 4);
      items.push({ i: id, x: at.x, y: at.y, w: Math.min(w, cols), h: 4 });
    }
    layouts[bp] = items;
  }
  return toLayoutJSON(layouts);
}
