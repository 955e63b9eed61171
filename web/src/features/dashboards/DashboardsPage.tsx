// The dashboards list: tabs mine / my teams' / all, search, create,
// rename, share with people and teams, duplicate, delete.
import { useRef, useState, type KeyboardEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAnnounce } from '../../app/Announcer';
import { Dialog } from '../../app/Dialog';
import { ApiError } from '../../api/http';
import type { Dashboard } from '../../api/types';
import { useI18n } from '../../i18n/I18n';
import { useSession } from '../session/session';
import { dashboardsAPI, type Tab } from './api';
import { changedFields, DashboardForm, fieldsOf } from './DashboardForm';
import { GrantsDialog } from './GrantsDialog';
import { PAGE_SIZE, useDashboardList } from './useDashboardList';

const TABS: Tab[] = ['mine', 'team', 'tenant'];

type Editing = { kind: 'create' } | { kind: 'rename'; d: Dashboard } | { kind: 'share'; d: Dashboard } | { kind: 'delete'; d: Dashboard } | null;

export function DashboardsPage() {
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const announce = useAnnounce();
  const navigate = useNavigate();
  const s = useDashboardList();
  const [editing, setEditing] = useState<Editing>(null);
  const [failure, setFailure] = useState('');
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const canEdit = me?.user.role !== 'viewer';

  function tabKeys(e: KeyboardEvent, i: number) {
    const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
    if (next < 0) return;
    e.preventDefault();
    s.setTab(TABS[next]);
    tabRefs.current[next]?.focus();
  }

  async function act(fn: () => Promise<string>) {
    setFailure('');
    try {
      announce(await fn());
      setEditing(null);
      s.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // Changed elsewhere: show the current version and say so.
        setFailure(t('dashboards.conflict'));
        setEditing(null);
        s.reload();
        return;
      }
      setFailure((e as Error).message);
      throw e;
    }
  }

  const pages = s.list ? Math.max(1, Math.ceil(s.list.total / PAGE_SIZE)) : 1;
  const page = Math.floor(s.offset / PAGE_SIZE) + 1;

  return (
    <section aria-labelledby="dashboards-title" className="page">
      <div className="page-head">
        <h1 id="dashboards-title">{t('dashboards.title')}</h1>
        {canEdit && <button type="button" className="primary" onClick={() => setEditing({ kind: 'create' })}>{t('dashboards.create')}</button>}
      </div>
      <div className="list-tools">
        <div role="tablist" aria-label={t('dashboards.tabs')} className="tabs">
          {TABS.map((tab, i) => (
            <button key={tab} role="tab" type="button" id={`tab-${tab}`} aria-selected={s.tab === tab} aria-controls="dashboards-panel"
              tabIndex={s.tab === tab ? 0 : -1} ref={(el) => { tabRefs.current[i] = el; }}
              onClick={() => s.setTab(tab)} onKeyDown={(e) => tabKeys(e, i)}>
              {t(`dashboards.tab.${tab}` as 'dashboards.tab.mine')}
            </button>
          ))}
        </div>
        <label className="search">
          <span>{t('dashboards.search')}</span>
          <input type="search" value={s.search} placeholder={t('dashboards.searchPlaceholder')} onChange={(e) => s.setSearch(e.target.value)} />
        </label>
      </div>
      {failure && <p className="error" role="alert">{failure}</p>}
      <div id="dashboards-panel" role="tabpanel" aria-labelledby={`tab-${s.tab}`}>
        {s.error && <p className="error" role="alert">{t('app.error', { message: s.error.message })}</p>}
        {!s.list && !s.error && <p role="status">{t('app.loading')}</p>}
        {s.list && (
          <>
            <p className="muted" role="status">{t('dashboards.count', { count: s.list.total })}</p>
            {s.list.items.length === 0 ? <p>{t('dashboards.empty')}</p> : (
              <ul className="cards">
                {s.list.items.map((d) => (
                  <li key={d.id} className="card dashboard-card">
                    <h2><Link to={`/ui/dashboards/${d.id}`}>{d.name}</Link></h2>
                    {d.description && <p>{d.description}</p>}
                    <p className="muted">
                      {t(`visibility.${d.visibility}` as 'visibility.private')} · {t('dashboards.updated')} {dateTime(d.updated_at)}
                    </p>
                    {canEdit && (
                      <div className="actions" role="group" aria-label={t('dashboards.actionsFor', { name: d.name })}>
                        <button type="button" onClick={() => setEditing({ kind: 'rename', d })}>{t('dashboards.rename')}</button>
                        <button type="button" onClick={() => act(async () => {
                          const copy = await dashboardsAPI.duplicate(d.id);
                          return t('dashboards.duplicated', { name: copy.name });
                        }).catch(() => {})}>{t('dashboards.duplicate')}</button>
                        {(d.owner_id === me?.user.id || me?.user.role === 'admin') && (
                          <>
                            <button type="button" onClick={() => setEditing({ kind: 'share', d })}>{t('grants.share')}</button>
                            <button type="button" className="danger" onClick={() => setEditing({ kind: 'delete', d })}>{t('dashboards.delete')}</button>
                          </>
                        )}
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {pages > 1 && (
              <nav className="pager" aria-label={t('dashboards.page', { page, pages })}>
                <button type="button" disabled={page <= 1} onClick={() => s.setOffset(s.offset - PAGE_SIZE)}>{t('dashboards.prev')}</button>
                <span>{t('dashboards.page', { page, pages })}</span>
                <button type="button" disabled={page >= pages} onClick={() => s.setOffset(s.offset + PAGE_SIZE)}>{t('dashboards.next')}</button>
              </nav>
            )}
          </>
        )}
      </div>
      {editing?.kind === 'create' && (
        <Dialog title={t('dashboards.create')} onClose={() => setEditing(null)}>
          <DashboardForm initial={fieldsOf()} onCancel={() => setEditing(null)} onSubmit={async (f) => {
            const d = await dashboardsAPI.create(f);
            announce(t('dashboards.created', { name: d.name }));
            navigate(`/ui/dashboards/${d.id}`);
          }} />
        </Dialog>
      )}
      {editing?.kind === 'rename' && (
        <Dialog title={t('dashboards.renameTitle', { name: editing.d.name })} onClose={() => setEditing(null)}>
          <DashboardForm initial={fieldsOf(editing.d)} onCancel={() => setEditing(null)} onSubmit={(f) => act(async () => {
            const d = await dashboardsAPI.update(editing.d.id, editing.d.version, changedFields(fieldsOf(editing.d), f));
            return t('dashboards.renamed', { name: d.name });
          })} />
        </Dialog>
      )}
      {editing?.kind === 'share' && <GrantsDialog dashboard={editing.d} onClose={() => setEditing(null)} />}
      {editing?.kind === 'delete' && (
        <Dialog title={t('dashboards.deleteTitle', { name: editing.d.name })} onClose={() => setEditing(null)}>
          <p>{t('dashboards.deleteConfirm')}</p>
          <div className="actions">
            <button type="button" onClick={() => setEditing(null)}>{t('dashboards.cancel')}</button>
            <button type="button" className="danger" onClick={() => act(async () => {
              await dashboardsAPI.remove(editing.d.id, editing.d.version);
              return t('dashboards.deleted', { name: editing.d.name });
            }).catch(() => {})}>{t('dashboards.delete')}</button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
