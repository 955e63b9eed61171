// Users of the tenant: list (name, e-mail, role, status), create with an
// initial password, change a role, disable or enable after a confirmation.
// The server decides (an admin cannot demote or disable itself): its
// errors are shown at the field or the row they belong to.
import { useState, type FormEvent } from 'react';
import { useAnnounce } from '../../app/Announcer';
import { useI18n } from '../../i18n/I18n';
import { useSession } from '../session/session';
import { errorControl, upsertById } from './admin';
import { adminAPI, ROLES, type AdminUser, type Role } from './api';
import { Confirm, Field, LoadState, focusSoon } from './parts';
import { useLoad } from './useLoad';

const FIELDS = ['name', 'email', 'role', 'password'] as const;
type Control = (typeof FIELDS)[number];
const blank = { name: '', email: '', role: 'viewer' as Role, password: '' };

const loadUsers = (signal: AbortSignal) => adminAPI.users(signal).then((r) => r.items);

export function UsersPage() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const { me } = useSession();
  const users = useLoad(loadUsers);
  const [form, setForm] = useState(blank);
  const [errors, setErrors] = useState<Partial<Record<Control | '', string>>>({});
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const roleName = (r: Role) => t(`role.${r}`);

  async function create(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const missing: Partial<Record<Control, string>> = {};
    for (const k of ['name', 'email', 'password'] as const) if (!form[k].trim()) missing[k] = t('admin.required');
    setErrors(missing);
    if (Object.keys(missing).length) {
      document.getElementById(`user-${Object.keys(missing)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const u = await adminAPI.createUser({ ...form, name: form.name.trim(), email: form.email.trim() });
      users.set((us) => upsertById(us, u));
      setForm(blank);
      announce(t('admin.userCreated', { name: u.name }));
    } catch (err) {
      const c = errorControl(err, FIELDS);
      setErrors({ [c]: (err as Error).message });
      if (c) document.getElementById(`user-${c}`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  async function update(u: AdminUser, change: { role?: Role; disabled?: boolean }, said: string) {
    setRowError(null);
    try {
      const saved = await adminAPI.updateUser(u.id, change);
      users.set((us) => upsertById(us, saved));
      announce(said);
    } catch (err) {
      setRowError({ id: u.id, message: (err as Error).message });
    } finally {
      if (change.disabled !== undefined) { setConfirming(null); focusSoon(`user-toggle-${u.id}`); }
    }
  }

  const set = (k: Control) => (e: { target: { value: string } }) => { setForm({ ...form, [k]: e.target.value }); setErrors({ ...errors, [k]: undefined }); };

  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">{t('admin.users')}</h2>
      <form className="admin-form" onSubmit={create} noValidate aria-labelledby="user-new-title">
        <h3 id="user-new-title">{t('admin.userNew')}</h3>
        <Field id="user-name" label={t('admin.name')} error={errors.name}>
          {(a) => <input {...a} value={form.name} maxLength={200} autoComplete="off" onChange={set('name')} />}
        </Field>
        <Field id="user-email" label={t('admin.email')} error={errors.email}>
          {(a) => <input {...a} type="email" value={form.email} maxLength={254} autoComplete="off" onChange={set('email')} />}
        </Field>
        <Field id="user-role" label={t('admin.role')} error={errors.role}>
          {(a) => (
            <select {...a} value={form.role} onChange={set('role')}>
              {ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
            </select>
          )}
        </Field>
        <Field id="user-password" label={t('admin.initialPassword')} error={errors.password}>
          {(a) => <input {...a} type="password" value={form.password} autoComplete="new-password" onChange={set('password')}
            aria-describedby={[a['aria-describedby'], 'user-password-hint'].filter(Boolean).join(' ')} />}
        </Field>
        <p id="user-password-hint" className="hint muted">{t('admin.passwordHint')}</p>
        <p className="error" role="alert">{errors[''] ?? ''}</p>
        <div className="actions"><button type="submit" className="primary" aria-busy={busy}>{t('admin.userCreate')}</button></div>
      </form>
      <LoadState loaded={users.data !== null} error={users.error} />
      {users.data && (
        <div className="table-scroll">
          <table className="data-table admin-table">
            <caption>{t('admin.usersCaption', { count: users.data.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.email')}</th>
                <th scope="col">{t('admin.role')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => {
                const err = rowError?.id === u.id ? rowError.message : '';
                const self = u.id === me?.user.id;
                return (
                  <tr key={u.id}>
                    <th scope="row">{u.name}{self && <span className="muted"> {t('admin.you')}</span>}</th>
                    <td>{u.email}</td>
                    <td>
                      <select aria-label={t('admin.roleOf', { name: u.name })} value={u.role}
                        onChange={(e) => { const r = e.target.value as Role; update(u, { role: r }, t('admin.roleChanged', { name: u.name, role: roleName(r) })); }}
                        {...(err ? { 'aria-invalid': true as const, 'aria-describedby': `user-row-error-${u.id}` } : {})}>
                        {ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
                      </select>
                      {err && <p id={`user-row-error-${u.id}`} className="field-error" role="alert">{err}</p>}
                    </td>
                    <td>{u.disabled ? t('admin.disabled') : t('admin.active')}</td>
                    <td>
                      {confirming === u.id ? (
                        <Confirm question={t(u.disabled ? 'admin.enableConfirm' : 'admin.disableConfirm', { name: u.name })}
                          confirm={t(u.disabled ? 'admin.enable' : 'admin.disable')} onCancel={() => { setConfirming(null); focusSoon(`user-toggle-${u.id}`); }}
                          onConfirm={() => update(u, { disabled: !u.disabled }, t(u.disabled ? 'admin.enabled' : 'admin.disabledDone', { name: u.name }))} />
                      ) : (
                        <button type="button" id={`user-toggle-${u.id}`} className={u.disabled ? '' : 'danger'} aria-label={t(u.disabled ? 'admin.enableOf' : 'admin.disableOf', { name: u.name })}
                          onClick={() => { setRowError(null); setConfirming(u.id); }}>{t(u.disabled ? 'admin.enable' : 'admin.disable')}</button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
