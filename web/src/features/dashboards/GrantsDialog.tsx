// "Share with people and teams": a dashboard's grants (R5.2). Lists who
// was given access (name, person or team, role), changes a role, removes
// access after a confirmation, and gives access to a person or team of the
// tenant picked from the server's list. Only the owner and admins reach it
// (the server decides: others get 403/404 in the dialog).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/http';
import type { Dashboard, Grant, GrantRole, GrantSubjects } from '../../api/types';
import { useAnnounce } from '../../app/Announcer';
import { Dialog } from '../../app/Dialog';
import { useI18n } from '../../i18n/I18n';
import { grantsAPI } from './api';
import { availableSubjects, grantErrorControl, parseSubject, removeGrant, subjectKey, upsertGrant } from './grants';

const ROLES: GrantRole[] = ['viewer', 'editor'];

type FieldError = { control: 'subject' | 'role' | ''; message: string } | null;

export function GrantsDialog({ dashboard: d, onClose }: { dashboard: Dashboard; onClose(): void }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const [grants, setGrants] = useState<Grant[] | null>(null);
  const [loadError, setLoadError] = useState('');
  const [subjects, setSubjects] = useState<GrantSubjects>({ users: [], teams: [] });
  const [q, setQ] = useState('');
  const [subject, setSubject] = useState('');
  const [role, setRole] = useState<GrantRole>('viewer');
  const [error, setError] = useState<FieldError>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pickerRef = useRef<HTMLSelectElement>(null);

  useEffect(() => {
    const ac = new AbortController();
    grantsAPI.list(d.id, ac.signal).then((r) => setGrants(r.items), (e: Error) => { if (!ac.signal.aborted) setLoadError(e.message); });
    return () => ac.abort();
  }, [d.id]);
  useEffect(() => {
    const ac = new AbortController();
    grantsAPI.subjects(d.id, q.trim(), ac.signal).then(setSubjects, (e: Error) => { if (!ac.signal.aborted) setError({ control: '', message: e.message }); });
    return () => ac.abort();
  }, [d.id, q]);

  const nameOf = (g: Grant) => g.subject_name || g.subject_id;
  const roleName = (r: GrantRole) => t(`grants.role.${r}`);
  const open = availableSubjects(subjects, grants ?? []);
  const nothing = open.users.length === 0 && open.teams.length === 0;

  async function add(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const s = parseSubject(subject);
    if (!s) { setError({ control: 'subject', message: t('grants.chooseRequired') }); pickerRef.current?.focus(); return; }
    setBusy(true);
    setError(null);
    try {
      const g = await grantsAPI.grant(d.id, { ...s, role });
      setGrants((gs) => upsertGrant(gs ?? [], g));
      setSubject('');
      announce(t('grants.granted', { name: nameOf(g), role: roleName(g.role) }));
    } catch (err) {
      const control = err instanceof ApiError ? grantErrorControl(err.field) : '';
      setError({ control, message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

  async function changeRole(g: Grant, r: GrantRole) {
    setRowError(null);
    try {
      const saved = await grantsAPI.grant(d.id, { subject_type: g.subject_type, subject_id: g.subject_id, role: r });
      setGrants((gs) => upsertGrant(gs ?? [], saved));
      announce(t('grants.roleChanged', { name: nameOf(saved), role: roleName(saved.role) }));
    } catch (err) {
      setRowError({ id: g.id, message: (err as Error).message });
    }
  }

  async function revoke(g: Grant) {
    setRowError(null);
    try {
      await grantsAPI.revoke(d.id, g.id);
      setGrants((gs) => removeGrant(gs ?? [], g.id));
      setConfirming(null);
      announce(t('grants.revoked', { name: nameOf(g) }));
      pickerRef.current?.focus();
    } catch (err) {
      setConfirming(null);
      setRowError({ id: g.id, message: (err as Error).message });
    }
  }

  const at = (control: 'subject' | 'role') => (error?.control === control
    ? { 'aria-invalid': true as const, 'aria-describedby': `grant-${control}-error` } : {});
  const errorOf = (control: 'subject' | 'role') => (error?.control === control
    ? <p id={`grant-${control}-error`} className="error field-error">{error.message}</p> : null);

  return (
    <Dialog title={t('grants.title', { name: d.name })} onClose={onClose} className="grants-dialog">
      <p className="muted">{t('grants.intro')}</p>
      <form onSubmit={add} noValidate aria-labelledby="grants-add-title">
        <h3 id="grants-add-title">{t('grants.add')}</h3>
        <label htmlFor="grant-search">{t('grants.search')}</label>
        <input id="grant-search" type="search" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} aria-describedby="grant-search-hint" />
        <p id="grant-search-hint" className="hint muted" aria-live="polite">{nothing ? t('grants.noMatches') : ''}</p>
        <label htmlFor="grant-subject">{t('grants.subject')}</label>
        <select id="grant-subject" ref={pickerRef} value={subject} onChange={(e) => { setSubject(e.target.value); setError(null); }} {...at('subject')}>
          <option value="">{t('editor.choose')}</option>
          {open.users.length > 0 && (
            <optgroup label={t('grants.people')}>
              {open.users.map((u) => <option key={u.id} value={subjectKey('user', u.id)}>{u.name}</option>)}
            </optgroup>
          )}
          {open.teams.length > 0 && (
            <optgroup label={t('grants.teams')}>
              {open.teams.map((x) => <option key={x.id} value={subjectKey('team', x.id)}>{x.name}</option>)}
            </optgroup>
          )}
        </select>
        {errorOf('subject')}
        <label htmlFor="grant-role">{t('grants.role')}</label>
        <select id="grant-role" value={role} onChange={(e) => { setRole(e.target.value as GrantRole); setError(null); }} {...at('role')}>
          {ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
        </select>
        {errorOf('role')}
        <p className="error" role="alert">{error && !error.control ? error.message : ''}</p>
        <div className="actions">
          {/* Never disabled: a disabled button drops the keyboard focus out of the dialog. */}
          <button type="submit" className="primary" aria-busy={busy}>{t('grants.add')}</button>
        </div>
      </form>
      <h3 id="grants-current">{t('grants.current')}</h3>
      {loadError && <p className="error" role="alert">{t('app.error', { message: loadError })}</p>}
      {!grants && !loadError && <p role="status">{t('app.loading')}</p>}
      {grants && grants.length === 0 && <p>{t('grants.none')}</p>}
      {grants && grants.length > 0 && (
        <div className="table-scroll">
          <table className="data-table grants-table" aria-labelledby="grants-current">
            <thead>
              <tr>
                <th scope="col">{t('grants.subject')}</th>
                <th scope="col">{t('grants.type')}</th>
                <th scope="col">{t('grants.role')}</th>
                <th scope="col">{t('grants.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {grants.map((g) => {
                const err = rowError?.id === g.id ? rowError.message : '';
                return (
                  <tr key={g.id}>
                    <th scope="row">{nameOf(g)}</th>
                    <td>{t(`grants.type.${g.subject_type}`)}</td>
                    <td>
                      <select aria-label={t('grants.roleOf', { name: nameOf(g) })} value={g.role}
                        onChange={(e) => changeRole(g, e.target.value as GrantRole)}
                        {...(err ? { 'aria-invalid': true as const, 'aria-describedby': `grant-row-error-${g.id}` } : {})}>
                        {ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
                      </select>
                      {err && <p id={`grant-row-error-${g.id}`} className="error field-error" role="alert">{err}</p>}
                    </td>
                    <td>
                      {confirming === g.id ? (
                        <div className="actions" role="group" aria-label={t('grants.removeConfirm', { name: nameOf(g) })}>
                          <span>{t('grants.removeConfirm', { name: nameOf(g) })}</span>
                          <button type="button" onClick={() => setConfirming(null)}>{t('dashboards.cancel')}</button>
                          <ConfirmButton onClick={() => revoke(g)}>{t('grants.confirmRemove')}</ConfirmButton>
                        </div>
                      ) : (
                        <button type="button" className="danger" aria-label={t('grants.removeOf', { name: nameOf(g) })}
                          onClick={() => { setRowError(null); setConfirming(g.id); }}>{t('grants.remove')}</button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>{t('grants.close')}</button>
      </div>
    </Dialog>
  );
}

/** The confirming button takes the focus when it appears, so the keyboard lands on the choice. */
function ConfirmButton({ onClick, children }: { onClick(): void; children: string }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => { ref.current?.focus(); }, []);
  return <button type="button" className="danger" ref={ref} onClick={onClick}>{children}</button>;
}
