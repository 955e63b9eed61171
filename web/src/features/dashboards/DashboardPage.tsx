// An open dashboard: header with the live status, the filters bar, the
// banner, and the widgets on the grid with /view data kept live.
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useAnnounce } from '../../app/Announcer';
import type { ViewWidget } from '../../api/types';
import { useI18n } from '../../i18n/I18n';
import { useRealtime } from '../../realtime/RealtimeProvider';
import { DashboardGrid, type GridChild } from '../grid/DashboardGrid';
import { useLayoutEditor } from '../grid/useLayoutEditor';
import { useSession } from '../session/session';
import { useNow } from '../widgets/useNow';
import { DrillFiltersContext } from '../widgets/useDrill';
import { WidgetCard } from '../widgets/WidgetCard';
import { EntityNamesProvider, FiltersBar, useEntities } from './FiltersBar';
import { filtersToQuery } from './filters';
import { shownWidget } from './liveState';
import { useDashboard } from './useDashboard';
import { DashboardActions } from './DashboardActions';
import { useWidgetActions } from '../editor/useWidgetActions';

/** The realtime connection's state, in words (the kiosk shows it too). */
export function LiveStatus({ enabled }: { enabled: boolean }) {
  const { t } = useI18n();
  const { status } = useRealtime();
  const text = enabled ? t(`live.${status}` as 'live.open') : t('live.off');
  const cls = !enabled ? 'off' : status === 'open' || status === 'fallback' ? 'on' : 'down';
  return (
    <p className={`live live-${cls}`} role="status" data-testid="live-status">
      <span className="live-dot" aria-hidden="true" />
      <span className="visually-hidden">{t('live.status', { status: '' })}</span>{text}
    </p>
  );
}

export function DashboardPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { me } = useSession();
  const announce = useAnnounce();
  const s = useDashboard(id);
  const rt = useRealtime();
  const lists = useEntities();
  const now = useNow(2000);
  const [editing, setEditing] = useState(false);
  const widgets: ViewWidget[] = useMemo(() => s.view?.widgets ?? s.definition?.widgets ?? [], [s.view, s.definition]);
  const ids = useMemo(() => widgets.map((w) => w.id), [widgets]);
  const editor = useLayoutEditor(s.definition, ids, {
    saving: s.saving,
    saved: (d) => { s.adopt(d); announce(t('dashboard.saved')); },
    failed: (e) => announce(t('dashboard.saveFailed', { message: e.message })),
    conflict: () => { announce(t('dashboard.conflict')); s.reload(); },
  });
  const widgetActions = useWidgetActions(s.definition, me?.user.role !== 'viewer', s.reload);

  if (s.error) {
    return (
      <section className="page">
        <p className="error" role="alert">{t('app.error', { message: s.error.message })}</p>
        <Link to="/ui/dashboards">{t('dashboard.back')}</Link>
      </section>
    );
  }
  if (s.notice === 'gone') {
    return (
      <section className="page">
        <p className="notice" role="alert">{t('dashboard.gone')}</p>
        <Link to="/ui/dashboards">{t('dashboard.back')}</Link>
      </section>
    );
  }
  if (!s.definition || !s.filters) return <p role="status" className="page">{t('app.loading')}</p>;
  const d = s.definition;
  const canEdit = me?.user.role !== 'viewer';
  const realtime = d.realtime_enabled;

  const items: GridChild[] = widgets.map((w) => {
    const shown = shownWidget(w, { live: s.live, viewAt: s.viewAt, hasView: Boolean(s.view) }, realtime, rt, now);
    return {
      id: w.id, title: w.title,
      render: (onHandleKey) => (
        <WidgetCard widget={w} data={shown.data} error={shown.error} at={shown.at}
          stale={shown.stale} editing={editing} onHandleKey={onHandleKey} tools={widgetActions.tools(w.id)} />
      ),
    };
  });

  return (
    <EntityNamesProvider lists={lists}>
      <section className="page dashboard" aria-labelledby="dashboard-title">
        <div className="page-head">
          <div>
            <p className="crumb"><Link to="/ui/dashboards">{t('dashboard.back')}</Link></p>
            <h1 id="dashboard-title">{d.name}</h1>
            {d.description && <p className="muted">{d.description}</p>}
            {canEdit && <DashboardActions dashboard={d} onChanged={s.adopt} onConflict={s.reload} />}
          </div>
          <div className="head-tools">
            <LiveStatus enabled={realtime} />
            {widgetActions.add}
            {canEdit && widgets.length > 0 && (
              <button type="button" aria-pressed={editing} onClick={() => setEditing(!editing)}>
                {editing ? t('dashboard.doneEditing') : t('dashboard.editLayout')}
              </button>
            )}
          </div>
        </div>
        {s.notice && (
          <p className="notice" role="status">
            {t(s.notice === 'deleted' ? 'dashboard.deletedElsewhere' : 'dashboard.changed')}
          </p>
        )}
        {s.live.banner && (
          <p className={`banner banner-${s.live.banner.level}`} role="alert" aria-label={t('dashboard.banner')}>{s.live.banner.text}</p>
        )}
        <FiltersBar filtersJSON={d.filters_json} value={s.filters} onChange={s.setFilters} lists={lists} />
        <DrillFiltersContext.Provider value={filtersToQuery(s.filters)}>
          {widgets.length === 0 ? <p>{t('dashboard.noWidgets')}</p> : <DashboardGrid editor={editor} editing={editing} items={items} />}
        </DrillFiltersContext.Provider>
        {widgetActions.dialogs}
      </section>
    </EntityNamesProvider>
  );
}
