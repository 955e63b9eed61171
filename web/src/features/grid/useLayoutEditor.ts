// Layout editing: the grid's layouts per breakpoint, changed by drag and
// resize or by the keyboard, saved to layout_json with PUT and the
// version being edited (If-Match); a conflict reloads the dashboard.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/http';
import type { Breakpoint, Dashboard, GridItem, LayoutJSON } from '../../api/types';
import { dashboardsAPI } from '../dashboards/api';
import { COLS, gridLayouts, moveItem, resizeItem, sameLayout, toLayoutJSON, type Layouts } from './layout';

export interface LayoutEditor {
  layouts: Layouts;
  breakpoint: Breakpoint;
  setBreakpoint(bp: Breakpoint): void;
  /** A drag or resize ended with this layout of the current breakpoint. */
  commit(layout: readonly GridItem[]): void;
  /** The grid's current layout of the breakpoint (derived ones included). */
  observe(layout: readonly GridItem[]): void;
  /** Moves (dx, dy) or resizes (dw, dh) one widget; returns its new item, or null at an edge. */
  nudge(id: string, kind: 'move' | 'resize', dx: number, dy: number): GridItem | null;
}

export interface LayoutEditorEvents {
  saving(l: LayoutJSON): void;
  saved(d: Dashboard): void;
  failed(e: Error): void;
  conflict(): void;
}

const SAVE_DELAY_MS = 500;

export function useLayoutEditor(d: Dashboard | null, widgetIds: string[], on: LayoutEditorEvents): LayoutEditor {
  const [layouts, setLayouts] = useState<Layouts>(() => gridLayouts(d?.layout_json, widgetIds));
  const [breakpoint, setBreakpoint] = useState<Breakpoint>('lg');
  const pending = useRef<Layouts | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const dash = useRef(d);
  dash.current = d;
  const events = useRef(on);
  events.current = on;
  const key = widgetIds.join(',');
  // What the grid shows on breakpoints the dashboard never saved.
  const shown = useRef<Layouts>({});

  // A new definition (loaded, or changed by someone else) resets the grid,
  // unless a change of ours is still to be saved.
  useEffect(() => {
    if (d && !pending.current) setLayouts(gridLayouts(d.layout_json, widgetIds));
  }, [d?.id, d?.layout_json, key]); // eslint-disable-line react-hooks/exhaustive-deps

  // Saves go one at a time, each with the version the previous one made.
  const chain = useRef<Promise<void>>(Promise.resolve());
  const lastVersion = useRef(0);
  const save = useCallback(async () => {
    const next = pending.current;
    const cur = dash.current;
    pending.current = null;
    if (!next || !cur) return;
    try {
      const layout = toLayoutJSON(next);
      events.current.saving(layout);
      const saved = await dashboardsAPI.update(cur.id, Math.max(cur.version, lastVersion.current), { layout_json: layout });
      lastVersion.current = saved.version;
      events.current.saved(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) events.current.conflict();
      else events.current.failed(e as Error);
    }
  }, []);
  useEffect(() => { lastVersion.current = 0; }, [d?.id]);
  const flush = useCallback(() => { chain.current = chain.current.then(save); return chain.current; }, [save]);

  const schedule = useCallback((next: Layouts) => {
    pending.current = next;
    clearTimeout(timer.current);
    timer.current = setTimeout(flush, SAVE_DELAY_MS);
  }, [flush]);

  useEffect(() => () => { clearTimeout(timer.current); void flush(); }, [flush]);

  const commit = useCallback((layout: readonly GridItem[]) => {
    setLayouts((prev) => {
      if (sameLayout(prev[breakpoint], [...layout])) return prev;
      const next = { ...prev, [breakpoint]: layout.map(({ i, x, y, w, h }) => ({ i, x, y, w, h })) };
      schedule(next);
      return next;
    });
  }, [breakpoint, schedule]);

  const nudge = useCallback((id: string, kind: 'move' | 'resize', dx: number, dy: number) => {
    const cols = COLS[breakpoint];
    const cur = layouts[breakpoint] ?? shown.current[breakpoint] ?? gridLayouts(undefined, widgetIds).lg!;
    const next = kind === 'move' ? moveItem(cur, id, dx, dy, cols) : resizeItem(cur, id, dx, dy, cols);
    if (next === cur) return null;
    const all = { ...layouts, [breakpoint]: next };
    setLayouts(all);
    schedule(all);
    return next.find((it) => it.i === id) ?? null;
  }, [breakpoint, layouts, schedule, widgetIds]);

  const observe = useCallback((layout: readonly GridItem[]) => {
    shown.current = { ...shown.current, [breakpoint]: layout.map(({ i, x, y, w, h }) => ({ i, x, y, w, h })) };
  }, [breakpoint]);

  return { layouts, breakpoint, setBreakpoint, commit, nudge, observe };
}
