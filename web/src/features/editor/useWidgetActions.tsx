// The widget actions of an open dashboard: "Add widget", and on each
// widget in layout editing "Edit" and "Delete" (after a confirmation);
// the editor and confirmation dialogs. Saved changes reload the dashboard
// definition (no page reload); a 409 reloads it and says so.
import { useState, type ReactNode } from 'react';
import { ApiError } from '../../api/http';
import type { Dashboard, Widget } from '../../api/types';
import { useAnnounce } from '../../app/Announcer';
import { Dialog } from '../../app/Dialog';
import { useI18n } from '../../i18n/I18n';
import { widgetsAPI } from './api';
import { WidgetEditor } from './WidgetEditor';

export function useWidgetActions(d: Dashboard | null, canEdit: boolean, reload: () => void) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const [editing, setEditing] = useState<{ widget?: Widget } | null>(null);
  const [removing, setRemoving] = useState<Widget | null>(null);
  const [failure, setFailure] = useState('');

  const conflict = () => { setEditing(null); setRemoving(null); announce(t('editor.conflict')); reload(); };

  async function remove(w: Widget) {
    try {
      await widgetsAPI.remove(w.id, w.version);
      setRemoving(null);
      announce(t('editor.deleted', { title: w.title }));
      reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) conflict();
      else setFailure((e as Error).message);
    }
  }

  const add: ReactNode = canEdit && d ? (
    <button type="button" className="primary" onClick={() => setEditing({})}>{t('editor.add')}</button>
  ) : null;

  /** Edit and Delete of widget id (its definition's current version). */
  const tools = (id: string): ReactNode => {
    const w = d?.widgets?.find((x) => x.id === id);
    if (!w || !canEdit) return null;
    return (
      <span className="widget-tools">
        <button type="button" aria-label={t('editor.editWidget', { title: w.title })} onClick={() => setEditing({ widget: w })}>{t('editor.edit')}</button>
        <button type="button" className="danger" aria-label={t('editor.deleteWidget', { title: w.title })}
          onClick={() => { setFailure(''); setRemoving(w); }}>{t('editor.delete')}</button>
      </span>
    );
  };

  const dialogs: ReactNode = d ? (
    <>
      {editing && (
        <WidgetEditor dashboard={d} widget={editing.widget} onClose={() => setEditing(null)} onConflict={conflict}
          onSaved={(r) => {
            setEditing(null);
            announce(r.saved.length === 1 ? t('editor.saved', { title: r.saved[0].title }) : t('editor.savedMany', { count: r.saved.length }));
            reload();
          }} />
      )}
      {removing && (
        <Dialog title={t('editor.deleteTitle', { title: removing.title })} onClose={() => setRemoving(null)}>
          <p>{t('editor.deleteConfirm')}</p>
          {failure && <p className="error" role="alert">{failure}</p>}
          <div className="actions">
            <button type="button" onClick={() => setRemoving(null)}>{t('editor.cancel')}</button>
            <button type="button" className="danger" onClick={() => remove(removing)}>{t('editor.delete')}</button>
          </div>
        </Dialog>
      )}
    </>
  ) : null;

  return { add, tools, dialogs };
}
