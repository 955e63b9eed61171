// A dashboard on a wall display (?kiosk=1): the widgets and their live
// state only, no navigation and no controls, the whole screen (the
// Fullscreen API when the browser allows it, else the whole viewport),
// large type in a high-contrast dark theme. When the connection drops the
// last values stay, marked stale, with how long ago they came; the
// realtime client reconnects by itself. With a playlist it rotates
// through dashboards.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import type { ViewWidget } from '../../api/types';
import { useI18n } from '../../i18n/I18n';
import { useRealtime } from '../../realtime/RealtimeProvider';
import { ForcedTheme } from '../../theme/Theme';
import { LiveStatus } from '../dashboards/DashboardPage';
import { EntityNamesProvider, useEntities } from '../dashboards/FiltersBar';
import { shownWidget } from '../dashboards/liveState';
import { useDashboard } from '../dashboards/useDashboard';
import { filtersToQuery } from '../dashboards/filters';
import { DashboardGrid, type GridChild } from '../grid/DashboardGrid';
import { useLayoutEditor } from '../grid/useLayoutEditor';
import { ageText } from '../widgets/freshness';
import { useNow } from '../widgets/useNow';
import { DrillFiltersContext } from '../widgets/useDrill';
import { WidgetCard } from '../widgets/WidgetCard';
import { KioskContext, kioskPath, kioskRowHeight, parseKiosk, rotation } from './kiosk';
import './kiosk.css';

const noop = () => {};
/** The kiosk's title bar and paddings, pixels (what the grid does not get). */
const KIOSK_CHROME = 90;

function useViewportHeight(): number {
  const [h, setH] = useState(() => window.innerHeight);
  useEffect(() => {
    const on = () => setH(window.innerHeight);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return h;
}

/** Asks for full screen; browsers allow it only after a gesture, so it is tried again on the first one. */
function useFullscreen() {
  useEffect(() => {
    const el = document.documentElement;
    const ask = () => {
      if (document.fullscreenElement || typeof el.requestFullscreen !== 'function') return;
      el.requestFullscreen().catch(() => { /* not allowed now: the page fills the viewport */ });
    };
    ask();
    window.addEventListener('pointerdown', ask);
    window.addEventListener('keydown', ask);
    return () => {
      window.removeEventListener('pointerdown', ask);
      window.removeEventListener('keydown', ask);
    };
  }, []);
}

/** Escape does nothing on a wall display (the browser may still leave full screen; the page stays). */
function useInertEscape() {
  useEffect(() => {
    const stop = (e: KeyboardEvent) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); } };
    window.addEventListener('keydown', stop, true);
    return () => window.removeEventListener('keydown', stop, true);
  }, []);
}

function Kiosk() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { t } = useI18n();
  const opts = useMemo(() => parseKiosk(params) ?? { playlist: [], rotateSec: 60 }, [params]);
  const s = useDashboard(id);
  const rt = useRealtime();
  const lists = useEntities();
  const now = useNow(1000);
  const widgets: ViewWidget[] = useMemo(() => s.view?.widgets ?? s.definition?.widgets ?? [], [s.view, s.definition]);
  const ids = useMemo(() => widgets.map((w) => w.id), [widgets]);
  const editor = useLayoutEditor(s.definition, ids, { saving: noop, saved: noop, failed: noop, conflict: noop });
  useFullscreen();
  useInertEscape();
  const viewport = useViewportHeight();
  const rows = Math.max(0, ...(editor.layouts[editor.breakpoint] ?? []).map((it) => it.y + it.h));

  // Playlist rotation: the next dashboard after rotateSec on this one.
  const rot = rotation(id, opts.playlist);
  const shownSince = useRef(Date.now());
  useEffect(() => { shownSince.current = Date.now(); }, [id]);
  useEffect(() => {
    if (!rot) return;
    const timer = setTimeout(() => navigate(kioskPath(rot.next, opts, params), { replace: true }), opts.rotateSec * 1000);
    return () => clearTimeout(timer);
  }, [id, rot?.next, opts.rotateSec]); // eslint-disable-line react-hooks/exhaustive-deps

  const realtime = Boolean(s.definition?.realtime_enabled);
  const items: GridChild[] = widgets.map((w) => {
    const shown = shownWidget(w, { live: s.live, viewAt: s.viewAt, hasView: Boolean(s.view) }, realtime, rt, now);
    return {
      id: w.id, title: w.title,
      render: () => (
        <WidgetCard widget={w} data={shown.data} error={shown.error} at={shown.at} stale={shown.stale} editing={false} />
      ),
    };
  });
  const latest = Math.max(0, ...widgets.map((w) => s.live.rows[w.id]?.at ?? 0), s.view ? s.viewAt : 0);
  const downFor = rt.downSince !== null && realtime ? Math.floor((now - rt.downSince) / 1000) : null;
  const next = rot ? Math.max(0, Math.ceil((shownSince.current + opts.rotateSec * 1000 - now) / 1000)) : 0;

  return (
    <main id="main" className="kiosk" aria-labelledby="kiosk-title" data-testid="kiosk">
      <header className="kiosk-head">
        <h1 id="kiosk-title">{s.definition?.name ?? t('app.loading')}</h1>
        <div className="kiosk-state">
          {latest > 0 && <p className="age" data-testid="kiosk-age">{ageText(now, latest, t)}</p>}
          {rot && <p data-testid="kiosk-rotation">{t('kiosk.playlist', { index: rot.index + 1, count: rot.count, seconds: next })}</p>}
          <LiveStatus enabled={realtime} />
        </div>
      </header>
      {downFor !== null && downFor >= 2 && (
        // Said once (alert); the seconds count on outside the live region.
        <div className="kiosk-down" data-testid="kiosk-down">
          <p role="alert"><span aria-hidden="true">⚠ </span>{t('kiosk.down')}</p>
          <p>{t('kiosk.downFor', { seconds: downFor })}</p>
        </div>
      )}
      {s.live.banner && <p className={`banner banner-${s.live.banner.level}`} role="alert">{s.live.banner.text}</p>}
      {s.error && <p className="error" role="alert">{t('app.error', { message: s.error.message })}</p>}
      {s.definition && (
        <EntityNamesProvider lists={lists}>
          <DrillFiltersContext.Provider value={s.filters ? filtersToQuery(s.filters) : {}}>
            <DashboardGrid editor={editor} editing={false} items={items} rowHeight={kioskRowHeight(viewport, rows, KIOSK_CHROME)} />
          </DrillFiltersContext.Provider>
        </EntityNamesProvider>
      )}
    </main>
  );
}

export function KioskPage() {
  return (
    <KioskContext.Provider value>
      <ForcedTheme resolved="dark" attribute="kiosk">
        <Kiosk />
      </ForcedTheme>
    </KioskContext.Provider>
  );
}
