// The open dashboard's own actions in its header: settings (name,
// description, audience), sharing with people and teams (owner and admins:
// GrantsDialog), duplicate (opens the copy) and delete (after a
// confirmation, back to the list). A 409 reloads the dashboard and says so.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/http';
import type { Dashboard } from '../../api/types';
import { useAnnounce } from '../../app/Announcer';
import { Dialog } from '../../app/Dialog';
import { useI18n } from '../../i18n/I18n';
import { useSession } from '../session/session';
import { dashboardsAPI } from './api';
import { changedFields, DashboardForm, fieldsOf } from './DashboardForm';
import { GrantsDialog } from './GrantsDialog';

export function DashboardActions({ dashboard: d, onChanged, onConflict }: {
  dashboard: Dashboard;
  /** The settings were saved (the new definition). */
  onChanged(d: Dashboard): void;
  /** Changed elsewhere: reload. */
  onConflict(): void;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const announce = useAnnounce();
  const navigate = useNavigate();
  const [open, setOpen] = useState<'settings' | 'share' | 'delete' | null>(null);
  const [failure, setFailure] = useState('');
  // Deleting and changing grants both need the manage right: owner or admin.
  const mayDelete = d.owner_id === me?.user.id || me?.user.role === 'admin';

  function conflict(e: unknown): boolean {
    if (!(e instanceof ApiError && e.status === 409)) return false;
    setOpen(null);
    setFailure(t('dashboards.conflict'));
    announce(t('dashboards.conflict'));
    onConflict();
    return true;
  }

  async function duplicate() {
    setFailure('');
    try {
      const copy = await dashboardsAPI.duplicate(d.id);
      announce(t('dashboards.duplicated', { name: copy.name }));
      navigate(`/ui/dashboards/${copy.id}`);
    } catch (e) {
      setFailure((e as Error).message);
    }
  }

  async function remove() {
    try {
      await dashboardsAPI.remove(d.id, d.version);
      announce(t('dashboards.deleted', { name: d.name }));
      navigate('/ui/dashboards');
    } catch (e) {
      if (!conflict(e)) { setOpen(null); setFailure((e as Error).message); }
    }
  }

  return (
    <>
      <div className="actions dash-actions" role="group" aria-label={t('dashboard.actions')}>
        <button type="button" onClick={() => { setFailure(''); setOpen('settings'); }}>{t('dashboards.settings')}</button>
        {mayDelete && <button type="button" onClick={() => { setFailure(''); setOpen('share'); }}>{t('grants.share')}</button>}
        <button type="button" onClick={duplicate}>{t('dashboards.duplicate')}</button>
        {mayDelete && <button type="button" className="danger" onClick={() => setOpen('delete')}>{t('dashboards.delete')}</button>}
      </div>
      {failure && <p className="error" role="alert">{failure}</p>}
      {open === 'settings' && (
        <Dialog title={t('dashboards.settingsTitle', { name: d.name })} onClose={() => setOpen(null)}>
          <DashboardForm initial={fieldsOf(d)} onCancel={() => setOpen(null)} onSubmit={async (f) => {
            try {
              const saved = await dashboardsAPI.update(d.id, d.version, changedFields(fieldsOf(d), f));
              setOpen(null);
              announce(t('dashboards.updatedSettings', { name: saved.name }));
              onChanged(saved);
            } catch (e) {
              if (!conflict(e)) throw e;
            }
          }} />
        </Dialog>
      )}
      {open === 'share' && <GrantsDialog dashboard={d} onClose={() => setOpen(null)} />}
      {open === 'delete' && (
        <Dialog title={t('dashboards.deleteTitle', { name: d.name })} onClose={() => setOpen(null)}>
          <p>{t('dashboards.deleteConfirm')}</p>
          <div className="actions">
            <button type="button" onClick={() => setOpen(null)}>{t('dashboards.cancel')}</button>
            <button type="button" className="danger" onClick={remove}>{t('dashboards.delete')}</button>
          </div>
        </Dialog>
      )}
    </>
  );
}
