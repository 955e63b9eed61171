// Grid layout logic: layout_json <-> react-grid-layout layouts, default
// places for widgets without one, and the keyboard alternative to drag and
// resize (WCAG 2.1.1): move or resize one widget by one grid unit, with
// the same collision handling as a drag.
import { moveElement, verticalCompactor } from 'react-grid-layout/core';
import type { Breakpoint, GridItem, LayoutJSON } from '../../api/types';

/** Columns per breakpoint (domain.Breakpoints, react-grid-layout's defaults). */
export const COLS: Record<Breakpoint, number> = { lg: 12, md: 10, sm: 6, xs: 4, xxs: 2 };
/** Minimum container width of each breakpoint, in pixels. */
export const BREAKPOINTS: Record<Breakpoint, number> = { lg: 1200, md: 996, sm: 768, xs: 480, xxs: 0 };
export const BREAKPOINT_NAMES = Object.keys(COLS) as Breakpoint[];
/** The server's bound on an item's height (domain.maxGridHeight). */
export const MAX_H = 100;

export type Layouts = Partial<Record<Breakpoint, GridItem[]>>;

function clampItem(it: GridItem, cols: number): GridItem {
  const w = Math.max(1, Math.min(cols, Math.round(it.w)));
  const x = Math.max(0, Math.min(cols - w, Math.round(it.x)));
  return { i: it.i, x, y: Math.max(0, Math.round(it.y)), w, h: Math.max(1, Math.min(MAX_H, Math.round(it.h))) };
}

/**
 * The layouts to draw for widgetIds: the saved items of each breakpoint
 * (items of widgets that are gone dropped, sizes clamped to the columns),
 * and a place at the bottom for a widget the breakpoint has no item for.
 * Breakpoints the dashboard never saved are left to react-grid-layout,
 * which derives them from the nearest saved one.
 */
export function gridLayouts(saved: LayoutJSON | undefined, widgetIds: string[]): Layouts {
  const out: Layouts = {};
  const bps = BREAKPOINT_NAMES.filter((bp) => saved?.[bp]);
  if (!bps.length) bps.push('lg');
  for (const bp of bps) {
    const cols = COLS[bp];
    const items = (saved?.[bp] ?? []).filter((it) => widgetIds.includes(it.i)).map((it) => clampItem(it, cols));
    let bottom = items.reduce((m, it) => Math.max(m, it.y + it.h), 0);
    let x = 0;
    const w = Math.max(1, Math.floor(cols / 2));
    for (const id of widgetIds) {
      if (items.some((it) => it.i === id)) continue;
      if (x + w > cols) { x = 0; bottom += 4; }
      items.push({ i: id, x, y: bottom, w, h: 4 });
      x += w;
    }
    out[bp] = items;
  }
  return out;
}

/** The layout_json of layouts: grid units only, per breakpoint. */
export function toLayoutJSON(layouts: Layouts): LayoutJSON {
  const out: LayoutJSON = {};
  for (const bp of BREAKPOINT_NAMES) {
    const items = layouts[bp];
    if (items) out[bp] = items.map((it) => clampItem(it, COLS[bp]));
  }
  return out;
}

/** Whether two layouts place every widget alike (order aside). */
export function sameLayout(a: GridItem[] | undefined, b: GridItem[] | undefined): boolean {
  const key = (l: GridItem[] | undefined) => JSON.stringify((l ?? []).map((it) => [it.i, it.x, it.y, it.w, it.h]).sort());
  return key(a) === key(b);
}

type RGLItem = GridItem & { moved?: boolean; static?: boolean };

function compact(layout: RGLItem[], cols: number): GridItem[] {
  return (verticalCompactor.compact(layout as never, cols) as unknown as RGLItem[]).map((it) => ({ i: it.i, x: it.x, y: it.y, w: it.w, h: it.h }));
}

/**
 * Moves widget id by (dx, dy) grid units as a drag would: items in the way
 * move aside, the grid compacts upwards. A downward step that compaction
 * would undo is retried one unit further, so Down gets past the widget
 * below and Up past the one above (like dragging over it). Returns the layout unchanged when
 * the widget is at the edge.
 */
export function moveItem(layout: GridItem[], id: string, dx: number, dy: number, cols: number): GridItem[] {
  const start = layout.find((it) => it.i === id);
  if (!start) return layout;
  const maxY = layout.reduce((m, it) => Math.max(m, it.y + it.h), 0);
  let last = '';
  for (let step = 1; step <= maxY + cols + 1; step++) {
    const x = Math.max(0, Math.min(cols - start.w, start.x + dx * step));
    const y = Math.max(0, start.y + dy * step);
    const target = `${x},${y}`;
    if ((x === start.x && y === start.y) || target === last) return layout;
    last = target;
    const copy = layout.map((it) => ({ ...it })) as RGLItem[];
    const item = copy.find((it) => it.i === id)!;
    const moved = moveElement(copy as never, item as never, x, y, true, false, 'vertical', cols) as unknown as RGLItem[];
    const next = compact(moved, cols);
    const now = next.find((it) => it.i === id)!;
    if (now.x !== start.x || now.y !== start.y) return next;
  }
  return layout;
}

/**
 * Resizes widget id by (dw, dh) grid units within the columns and the
 * height bound; widgets it now covers move down.
 */
export function resizeItem(layout: GridItem[], id: string, dw: number, dh: number, cols: number): GridItem[] {
  const start = layout.find((it) => it.i === id);
  if (!start) return layout;
  const w = Math.max(1, Math.min(cols - start.x, start.w + dw));
  const h = Math.max(1, Math.min(MAX_H, start.h + dh));
  if (w === start.w && h === start.h) return layout;
  const grown = layout.map((it) => (it.i === id ? { ...it, w, h } : { ...it }));
  // The resized widget keeps its place; the others make room below it.
  const others = grown.filter((it) => it.i !== id);
  const me = grown.find((it) => it.i === id)!;
  const fixed: RGLItem[] = [{ ...me, static: true }];
  for (const it of others.sort((a, b) => a.y - b.y || a.x - b.x)) fixed.push(it);
  return compact(fixed, cols).map((it) => (it.i === id ? { ...it, x: me.x, y: me.y, w, h } : it));
}
