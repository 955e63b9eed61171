// The drill-down state of one widget: the path clicked so far, the rows of
// the level it shows (POST /api/widgets/{id}/drill with the dashboard's
// global filters), going down on a click and back by the breadcrumb. The
// drilled rows are asked again when the filters change and, at most every
// few seconds, when the widget's own (live) data moves.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { request } from '../../api/http';
import type { QueryData, Query, Widget } from '../../api/types';
import type { Filters } from '../../realtime/frames';
import { canDrill, drillBody, drilledWidget, drillLevels, popTo, pushStep, shownLevel, stepFor, levelColumn, type DrillStep, type Hierarchy } from './drill';
import type { Keys } from './chartOptions';
import type { WidgetData } from './types';

/** The global filters drilling runs with (the dashboard page provides them). */
export const DrillFiltersContext = createContext<Filters>({});

/** How often at most a drilled widget asks again while its live data moves. */
export const DRILL_REFRESH_MS = 5000;

interface Level { path: DrillStep[]; query: Query; data: WidgetData }

export interface Drill {
  /** The levels the widget drills through; null when it cannot drill. */
  levels: string[] | null;
  path: DrillStep[];
  /** The widget as it shows now (its query replaced by the drilled one). */
  widget: Widget;
  /** The rows shown when drilled; null at the top (the widget's own data). */
  data: WidgetData | null;
  busy: boolean;
  error: string | null;
  /** Set after a click on the bottom level: the column that has nothing below. */
  bottom: string | null;
  /** Whether a click on what is shown can go further down. */
  more: boolean;
  /** A click on an element with these raw keys. */
  drill(keys: Keys | null): void;
  /** How the step a click on these keys would make reads (null: no step from here). */
  stepLabel(keys: Keys | null): string | null;
  /** Back to depth (0: the widget's own view). */
  back(depth: number): void;
}

async function fetchLevel(widgetId: string, path: DrillStep[], filters: Filters): Promise<{ query: Query; data: WidgetData }> {
  const r = await request<QueryData & { query: Query }>('POST', `/api/widgets/${encodeURIComponent(widgetId)}/drill`, { body: drillBody(path, filters) });
  return { query: r.query, data: { columns: r.columns, rows: r.rows, totals: r.totals, subtotals: r.subtotals } };
}

export function useDrill(widget: Widget, hierarchies: Hierarchy[] | undefined, topData: WidgetData | null,
  label: (v: unknown, column: string) => string): Drill {
  const filters = useContext(DrillFiltersContext);
  const filtersKey = JSON.stringify(filters);
  const levels = useMemo(() => drillLevels(widget, hierarchies), [widget, hierarchies]);
  const [level, setLevel] = useState<Level | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [bottom, setBottom] = useState<string | null>(null);
  const busyRef = useRef(busy);
  busyRef.current = busy;
  const seq = useRef(0);
  const fetchedAt = useRef(0);
  const path = level?.path ?? [];

  const go = useCallback((next: DrillStep[]) => {
    const n = ++seq.current;
    setBottom(null);
    setError(null);
    if (!next.length) { setLevel(null); setBusy(false); return; }
    setBusy(true);
    fetchedAt.current = Date.now();
    fetchLevel(widget.id, next, JSON.parse(filtersKey) as Filters).then((r) => {
      if (n !== seq.current) return;
      setLevel({ path: next, ...r });
      setBusy(false);
    }, (e: Error) => {
      if (n !== seq.current) return;
      setError(e.message);
      setBusy(false);
    });
  }, [widget.id, filtersKey]);

  // The filters changed: the same path, again with them.
  const current = useRef(level);
  current.current = level;
  useEffect(() => {
    if (current.current) go(current.current.path);
  }, [filtersKey]); // eslint-disable-line react-hooks/exhaustive-deps

  // The widget's own data moved (live): the drilled level follows, throttled.
  useEffect(() => {
    if (!current.current || !topData) return;
    const wait = Math.max(0, fetchedAt.current + DRILL_REFRESH_MS - Date.now());
    const timer = setTimeout(() => { if (current.current && !busyRef.current) go(current.current.path); }, wait);
    return () => clearTimeout(timer);
  }, [topData]); // eslint-disable-line react-hooks/exhaustive-deps
  const shownQuery = level?.query ?? widget.config_json.query;
  const shown = useMemo(() => (level ? drilledWidget(widget, level.query) : widget), [widget, level]);

  const drill = useCallback((keys: Keys | null) => {
    if (!levels || busyRef.current) return;
    if (!canDrill(levels, path)) {
      setBottom(levelColumn(shownQuery, shownLevel(levels, path)) ?? shownLevel(levels, path));
      return;
    }
    const step = stepFor(levels, path, shownQuery, keys, label as (v: unknown, c: string) => string);
    if (step) go(pushStep(path, step));
  }, [levels, path, shownQuery, label, go]);

  const back = useCallback((depth: number) => go(popTo(path, depth)), [path, go]);

  const stepLabel = useCallback((keys: Keys | null) => {
    if (!levels || !canDrill(levels, path)) return null;
    return stepFor(levels, path, shownQuery, keys, label as (v: unknown, c: string) => string)?.label ?? null;
  }, [levels, path, shownQuery, label]);

  // Without levels (layout editing, kiosk) the widget shows its own data,
  // whatever was drilled before.
  if (!levels) {
    return { levels, path: [], widget, data: null, busy: false, error: null, bottom: null, more: false, drill, back, stepLabel };
  }
  return {
    levels, path, widget: shown, data: level?.data ?? null, busy, error, bottom,
    more: Boolean(levels && canDrill(levels, path)), drill, back, stepLabel,
  };
}
