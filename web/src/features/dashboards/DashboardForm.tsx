// A dashboard's name, description and audience (visibility, with the team
// or customer it is aimed at), for creating one or changing its settings.
// A problem the server names (name, visibility, team_id, customer_id)
// shows at that control.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/http';
import type { Dashboard, Entity, Visibility } from '../../api/types';
import { useI18n } from '../../i18n/I18n';
import { useSession } from '../session/session';
import { listEntities } from './api';

export const VISIBILITIES: Visibility[] = ['private', 'group', 'customer', 'public'];

export interface DashboardFields {
  name: string;
  description: string;
  visibility: Visibility;
  team_id: string;
  customer_id: string;
  /** Widgets pushed live (realtime feeds) rather than refreshed by interval. */
  realtime_enabled: boolean;
}

export function fieldsOf(d?: Dashboard): DashboardFields {
  return {
    name: d?.name ?? '', description: d?.description ?? '', visibility: d?.visibility ?? 'private',
    team_id: d?.team_id ?? '', customer_id: d?.customer_id ?? '', realtime_enabled: d?.realtime_enabled ?? false,
  };
}

/** What is sent: the team only for a team audience, the customer only for a customer one. */
export function audienceBody(f: DashboardFields): DashboardFields {
  return {
    ...f, name: f.name.trim(),
    team_id: f.visibility === 'group' ? f.team_id : '',
    customer_id: f.visibility === 'customer' ? f.customer_id : '',
  };
}

/**
 * The fields of an update: name and description, realtime when it changed, and the audience only
 * when it changed (changing who may see a dashboard needs ownership, so a
 * co-editor renaming it must not send it).
 */
export function changedFields(before: DashboardFields, after: DashboardFields): Partial<DashboardFields> {
  const out: Partial<DashboardFields> = { name: after.name, description: after.description };
  if (before.realtime_enabled !== after.realtime_enabled) out.realtime_enabled = after.realtime_enabled;
  const b = audienceBody(before);
  if (b.visibility !== after.visibility || b.team_id !== after.team_id || b.customer_id !== after.customer_id) {
    Object.assign(out, { visibility: after.visibility, team_id: after.team_id, customer_id: after.customer_id });
  }
  return out;
}

const CONTROLS: Record<string, string> = { name: 'dash-name', visibility: 'dash-visibility', team_id: 'dash-team', customer_id: 'dash-customer' };

export function DashboardForm({ initial, onSubmit, onCancel }: {
  initial: DashboardFields;
  onSubmit(f: DashboardFields): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const [f, setF] = useState(initial);
  const [error, setError] = useState<{ field: string; message: string } | null>(null);
  const [customers, setCustomers] = useState<Entity[]>([]);
  const [teams, setTeams] = useState<Entity[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (f.visibility !== 'customer' || customers.length) return;
    const ac = new AbortController();
    listEntities('customer', ac.signal).then((r) => setCustomers(r.items), () => {});
    return () => ac.abort();
  }, [f.visibility, customers.length]);
  useEffect(() => {
    if (f.visibility !== 'group' || teams.length) return;
    // Admins may aim at any team; others at their own (the server checks).
    if (me?.user.role !== 'admin') { setTeams((me?.teams ?? []).map((x) => ({ id: x.id, name: x.name }))); return; }
    const ac = new AbortController();
    listEntities('team', ac.signal).then((r) => setTeams(r.items), () => setTeams((me?.teams ?? []).map((x) => ({ id: x.id, name: x.name }))));
    return () => ac.abort();
  }, [f.visibility, teams.length, me]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!f.name.trim()) { setError({ field: 'name', message: t('editor.required') }); return; }
    setBusy(true);
    try {
      await onSubmit(audienceBody(f));
    } catch (err) {
      const field = err instanceof ApiError && CONTROLS[err.field] ? err.field : '';
      setError({ field, message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

  const at = (field: string) => (error && error.field === field ? { 'aria-invalid': true as const, 'aria-describedby': `${CONTROLS[field]}-error` } : {});
  const errorOf = (field: string) => (error && error.field === field
    ? <p id={`${CONTROLS[field]}-error`} className="error field-error">{error.message}</p> : null);
  const set = (patch: Partial<DashboardFields>) => { setF({ ...f, ...patch }); setError(null); };

  return (
    <form onSubmit={submit} noValidate>
      <label htmlFor="dash-name">{t('dashboards.name')}</label>
      <input id="dash-name" required maxLength={200} value={f.name} onChange={(e) => set({ name: e.target.value })} {...at('name')} />
      {errorOf('name')}
      <label htmlFor="dash-description">{t('dashboards.description')}</label>
      <textarea id="dash-description" maxLength={2000} rows={3} value={f.description} onChange={(e) => set({ description: e.target.value })} />
      <label htmlFor="dash-visibility">{t('dashboards.visibility')}</label>
      <select id="dash-visibility" value={f.visibility} onChange={(e) => set({ visibility: e.target.value as Visibility })}
        {...at('visibility')} aria-describedby={error?.field === 'visibility' ? 'dash-visibility-error dash-visibility-help' : 'dash-visibility-help'}>
        {VISIBILITIES.map((v) => <option key={v} value={v}>{t(`visibility.${v}`)}</option>)}
      </select>
      <p id="dash-visibility-help" className="hint muted">{t(`dashboards.visibilityHelp.${f.visibility}`)}</p>
      {errorOf('visibility')}
      {f.visibility === 'group' && (
        <>
          <label htmlFor="dash-team">{t('dashboards.team')}</label>
          <select id="dash-team" value={f.team_id} onChange={(e) => set({ team_id: e.target.value })} {...at('team_id')}>
            <option value="">{t('dashboards.anyTeam')}</option>
            {teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select>
          {errorOf('team_id')}
        </>
      )}
      {f.visibility === 'customer' && (
        <>
          <label htmlFor="dash-customer">{t('dashboards.customer')}</label>
          <select id="dash-customer" value={f.customer_id} onChange={(e) => set({ customer_id: e.target.value })} {...at('customer_id')}>
            <option value="">{t('editor.choose')}</option>
            {customers.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select>
          {errorOf('customer_id')}
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={f.realtime_enabled} onChange={(e) => set({ realtime_enabled: e.target.checked })} />
        {t('dashboards.realtime')}
      </label>
      <p id="dash-error" className="error" role="alert">{error && !error.field ? error.message : ''}</p>
      <div className="actions">
        <button type="button" onClick={onCancel}>{t('dashboards.cancel')}</button>
        <button type="submit" className="primary" disabled={busy}>{t('dashboards.save')}</button>
      </div>
    </form>
  );
}
