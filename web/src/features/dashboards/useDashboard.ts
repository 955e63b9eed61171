// The state of an open dashboard: its definition, the global filters (in
// the URL), GET /view with them, and its widgets' live rows from the tab's
// realtime connection, subscribed with the same filters.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, request } from '../../api/http';
import type { Dashboard, DashboardView, LayoutJSON } from '../../api/types';
import { BREAKPOINT_NAMES, sameLayout } from '../grid/layout';
import { useRealtime } from '../../realtime/RealtimeProvider';
import { dashboardsAPI } from './api';
import { filtersFromURL, filtersToQuery, filtersToURL, type FilterState } from './filters';
import { emptyLive, reduceFrame, type LiveState } from './liveState';

export interface DashboardState {
  definition: Dashboard | null;
  view: DashboardView | null;
  /** When the view arrived (ms). */
  viewAt: number;
  live: LiveState;
  filters: FilterState | null;
  setFilters(f: FilterState): void;
  error: ApiError | Error | null;
  /** Set when the definition changed under the page (another editor). */
  /** changed: reloaded; deleted: deleted here; gone: deleted elsewhere or the viewer's access was removed. */
  notice: 'changed' | 'deleted' | 'gone' | null;
  /** Takes a saved definition (a layout save) without reloading the view. */
  adopt(d: Dashboard): void;
  /** Says a layout of ours is being saved (its echo is not news). */
  saving(l: LayoutJSON): void;
  reload(): void;
}

export function useDashboard(id: string): DashboardState {
  const [params, setParams] = useSearchParams();
  const [definition, setDefinition] = useState<Dashboard | null>(null);
  const [view, setView] = useState<DashboardView | null>(null);
  const [viewAt, setViewAt] = useState(0);
  const [live, setLive] = useState<LiveState>(emptyLive);
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<DashboardState['notice']>(null);
  const [nonce, setNonce] = useState(0);
  const version = useRef(0);
  const current = useRef<Dashboard | null>(null);
  current.current = definition;
  const ownLayout = useRef<LayoutJSON | null>(null);
  const rt = useRealtime();

  // The definition first: it says which filters the dashboard offers.
  useEffect(() => {
    const ac = new AbortController();
    request<Dashboard>('GET', `/api/dashboards/${encodeURIComponent(id)}`, { signal: ac.signal }).then((d) => {
      version.current = d.version;
      setDefinition(d);
      setError(null);
    }, (e: Error) => { if (e.name !== 'AbortError') setError(e); });
    return () => ac.abort();
  }, [id, nonce]);

  const filters = useMemo(() => (definition ? filtersFromURL(definition.filters_json, params) : null), [definition, params]);
  const query = useMemo(() => (filters ? filtersToQuery(filters) : null), [filters]);
  const queryKey = JSON.stringify(query);

  const widgetIds = useMemo(() => (definition?.widgets ?? []).filter((w) => w.type !== 'text').map((w) => w.id), [definition]);
  // Widgets added, removed or edited (a new version) load the view again.
  const widgetKey = (definition?.widgets ?? []).map((w) => `${w.id}:${w.version}`).join(',');

  useEffect(() => {
    if (!query) return;
    const ac = new AbortController();
    const load = () => dashboardsAPI.view(id, query, ac.signal).then((v) => {
      setView(v);
      setViewAt(Date.now());
    }, (e: Error) => { if (e.name !== 'AbortError') setError(e); });
    load();
    // Dashboards without realtime refresh by their widgets' intervals.
    const polled = !definition?.realtime_enabled
      ? Math.min(...(definition?.widgets ?? []).map((w) => w.refresh_interval_sec).filter((s) => s > 0), Infinity) : Infinity;
    const timer = Number.isFinite(polled) ? setInterval(load, polled * 1000) : undefined;
    return () => { ac.abort(); clearInterval(timer); };
  }, [id, queryKey, widgetKey, definition?.realtime_enabled]); // eslint-disable-line react-hooks/exhaustive-deps


  // One subscription per open dashboard, again whenever the filters change.
  useEffect(() => {
    const c = rt.client;
    if (!c || !definition?.realtime_enabled || !query || !widgetIds.length) return;
    // Rows of other filters must not take deltas of these: start empty
    // (the view shows meanwhile) until this subscription's snapshots.
    setLive(emptyLive);
    c.subscribe(id, widgetIds, query);
    const ids = new Set(widgetIds);
    const stop = rt.listen((f) => {
      setLive((s) => {
        const o = reduceFrame(s, f, id, ids);
        if (o.reset) queueMicrotask(() => c.reset(id, [o.reset!]));
        if (o.reload) queueMicrotask(() => definitionChanged(o.reload!));
        return o.state;
      });
    });
    return () => { stop(); c.unsubscribe(id); };
  }, [rt.client, id, widgetKey, queryKey, definition?.realtime_enabled]); // eslint-disable-line react-hooks/exhaustive-deps

  const definitionChanged = useCallback((kind: 'changed' | 'deleted') => {
    if (kind === 'deleted') { setNotice('deleted'); return; }
    // Our own saves come back as a change too: only a newer version counts.
    request<Dashboard>('GET', `/api/dashboards/${encodeURIComponent(id)}`).then((d) => {
      if (d.version <= version.current) return;
      version.current = d.version;
      setDefinition(d);
      if (!onlyOurLayout(current.current, d, ownLayout.current)) setNotice('changed');
    }, (e: unknown) => {
      // Not found (or forbidden) after a change: the dashboard was deleted
      // or this viewer lost it (a grant revoked, visibility narrowed). The
      // server has stopped its data; the page stops showing it.
      if (e instanceof ApiError && (e.status === 404 || e.status === 403)) setNotice('gone');
    });
  }, [id]);

  const setFilters = useCallback((f: FilterState) => {
    setParams(filtersToURL(definition?.filters_json, f), { replace: true });
  }, [definition, setParams]);

  const adopt = useCallback((d: Dashboard) => {
    version.current = d.version;
    setDefinition((prev) => (prev ? { ...prev, ...d, widgets: d.widgets ?? prev.widgets } : d));
  }, []);

  const saving = useCallback((l: LayoutJSON) => { ownLayout.current = l; }, []);

  return {
    definition, view, viewAt, live, filters, setFilters, error, notice, adopt, saving,
    reload: () => { setNotice(null); setNonce((n) => n + 1); },
  };
}

/**
 * Whether next differs from prev only by a layout we saved ourselves (the
 * dashboard frame of our own save may come before its PUT answer).
 */
export function onlyOurLayout(prev: Dashboard | null, next: Dashboard, ours: LayoutJSON | null): boolean {
  if (!prev || !ours) return false;
  const widgets = (d: Dashboard) => (d.widgets ?? []).map((w) => `${w.id}:${w.version}`).join(',');
  return prev.name === next.name && prev.description === next.description &&
    JSON.stringify(prev.filters_json) === JSON.stringify(next.filters_json) && widgets(prev) === widgets(next) &&
    BREAKPOINT_NAMES.every((bp) => sameLayout(ours[bp], next.layout_json[bp]));
}
