// A dashboard's live state: each widget's rows as its realtime frames
// leave them, widget errors, the banner, and what the page must do about
// a frame (ask again for a widget's snapshot, reload the definition).
import type { ErrorDetail, ViewWidget } from '../../api/types';
import { applyFrame, type WidgetRows } from '../../realtime/applyFrame';
import type { BannerFrame, ServerFrame } from '../../realtime/frames';
import type { Status } from '../../realtime/client';
import { isStale } from '../widgets/freshness';
import type { WidgetData } from '../widgets/types';

export interface LiveState {
  rows: Record<string, WidgetRows>;
  errors: Record<string, ErrorDetail>;
  banner: BannerFrame | null;
}

export const emptyLive: LiveState = { rows: {}, errors: {}, banner: null };

export interface FrameOutcome {
  state: LiveState;
  /** A widget whose rows could not follow: it needs a new snapshot. */
  reset?: string;
  /** The dashboard's definition changed (or it was deleted). */
  reload?: 'changed' | 'deleted';
}

/** Applies one frame for the dashboard with the given widgets. */
export function reduceFrame(s: LiveState, f: ServerFrame, dashboardId: string, widgetIds: ReadonlySet<string>): FrameOutcome {
  switch (f.type) {
    case 'snapshot':
    case 'delta': {
      if (!widgetIds.has(f.widgetId)) return { state: s };
      const next = applyFrame(s.rows[f.widgetId], f);
      if (!next) return { state: s, reset: f.widgetId };
      const { [f.widgetId]: _gone, ...errors } = s.errors;
      return { state: { ...s, rows: { ...s.rows, [f.widgetId]: next }, errors } };
    }
    case 'error':
      if (!f.widgetId || !widgetIds.has(f.widgetId)) return { state: s };
      return { state: { ...s, errors: { ...s.errors, [f.widgetId]: { code: f.code, message: f.message } } } };
    case 'banner':
      return f.dashboardId === dashboardId ? { state: { ...s, banner: f } } : { state: s };
    case 'dashboard':
      return f.dashboardId === dashboardId ? { state: s, reload: f.deleted ? 'deleted' : 'changed' } : { state: s };
    default:
      return { state: s };
  }
}

/** What a widget shows: its live rows when it has them, else /view's. */
export function widgetData(w: ViewWidget, live: WidgetRows | undefined): WidgetData | null {
  if (live) return { columns: live.columns, rows: live.rows, totals: live.totals, compare: w.data?.compare };
  return w.data ?? null;
}

/** What a widget card shows: its data, error, age and whether it is stale. */
export interface ShownWidget {
  data: WidgetData | null;
  error: ErrorDetail | undefined;
  at: number | null;
  stale: boolean;
}

/**
 * A widget as the page shows it: live rows over the view's, the newest
 * error, the moment its data is from and the stale marker (the dashboard
 * page and the kiosk alike).
 */
export function shownWidget(w: ViewWidget, page: { live: LiveState; viewAt: number; hasView: boolean }, realtime: boolean,
  rt: { status: Status; downSince: number | null }, now: number): ShownWidget {
  const live = page.live.rows[w.id];
  const at = live?.at ?? (page.hasView ? page.viewAt : null);
  const stale = at !== null && Boolean(at) && isStale({
    now, at, realtime, status: realtime ? rt.status : 'off', downSince: rt.downSince, refreshIntervalSec: w.refresh_interval_sec,
  });
  return { data: widgetData(w, live), error: page.live.errors[w.id] ?? w.error, at, stale };
}
