// The audit log: recent actions (who, what, which object, when), newest
// first, filtered by person, action, object and time as GET /api/audit
// allows, more pages by its cursor; before/after snapshots behind a
// disclosure.
import { useEffect, useState, type FormEvent } from 'react';
import { useAnnounce } from '../../app/Announcer';
import { useI18n } from '../../i18n/I18n';
import { appendPage, auditQuery, emptyAuditForm, userName, type AuditForm } from './admin';
import { adminAPI, type AuditQuery, type AuditRow } from './api';
import { Field, LoadState, dateTime } from './parts';
import { useLoad } from './useLoad';

export const AUDIT_PAGE = 50;

const loadUsers = (signal: AbortSignal) => adminAPI.users(signal).then((r) => r.items);

export function AuditPage() {
  const { t, lang } = useI18n();
  const announce = useAnnounce();
  const users = useLoad(loadUsers);
  const [form, setForm] = useState<AuditForm>(emptyAuditForm);
  const [formError, setFormError] = useState<{ control: 'since' | 'until'; message: string } | null>(null);
  const [query, setQuery] = useState<AuditQuery>({});
  const [round, setRound] = useState(0);
  const [rows, setRows] = useState<AuditRow[] | null>(null);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    setRows(null);
    setError(null);
    adminAPI.audit({ ...query, limit: String(AUDIT_PAGE) }, ac.signal).then(
      (p) => { setRows(p.items); setCursor(p.next_cursor); if (round > 0) announce(t('admin.auditShown', { count: p.items.length })); },
      (e) => { if (!ac.signal.aborted) setError(e); },
    );
    return () => ac.abort();
    // announce and t are stable for a language; a new query or round reloads.
  }, [query, round]);

  function apply(e: FormEvent) {
    e.preventDefault();
    const r = auditQuery(form);
    if ('error' in r) {
      setFormError({ control: r.error.control, message: t(r.error.reason === 'order' ? 'admin.auditOrder' : 'admin.auditTime') });
      document.getElementById(`audit-${r.error.control}`)?.focus();
      return;
    }
    setFormError(null);
    setQuery(r.query);
    setRound((n) => n + 1);
  }

  async function next() {
    if (!cursor || busy || !rows) return;
    setBusy(true);
    try {
      const p = await adminAPI.audit({ ...query, cursor, limit: String(AUDIT_PAGE) });
      setRows(appendPage(rows, p.items));
      setCursor(p.next_cursor);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const set = (k: keyof AuditForm) => (e: { target: { value: string } }) => { setForm({ ...form, [k]: e.target.value }); setFormError(null); };
  const fieldError = (k: 'since' | 'until') => (formError?.control === k ? formError.message : undefined);
  const who = (id: string) => (id ? userName(users.data ?? [], id) : t('admin.system'));

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('admin.audit')}</h2>
      <form className="filters audit-filters" onSubmit={apply} noValidate aria-label={t('admin.auditFilters')}>
        <Field id="audit-user" label={t('admin.who')}>
          {(a) => (
            <select {...a} value={form.user} onChange={set('user')}>
              <option value="">{t('admin.everyone')}</option>
              {(users.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>
          )}
        </Field>
        <Field id="audit-action" label={t('admin.action')}>
          {(a) => <input {...a} value={form.action} placeholder="user.create" onChange={set('action')} />}
        </Field>
        <Field id="audit-object-type" label={t('admin.objectType')}>
          {(a) => <input {...a} value={form.object_type} placeholder="user" onChange={set('object_type')} />}
        </Field>
        <Field id="audit-object-id" label={t('admin.objectId')}>
          {(a) => <input {...a} value={form.object_id} onChange={set('object_id')} />}
        </Field>
        <Field id="audit-since" label={t('admin.since')} error={fieldError('since')}>
          {(a) => <input {...a} type="datetime-local" value={form.since} onChange={set('since')} />}
        </Field>
        <Field id="audit-until" label={t('admin.until')} error={fieldError('until')}>
          {(a) => <input {...a} type="datetime-local" value={form.until} onChange={set('until')} />}
        </Field>
        <div className="actions">
          <button type="submit" className="primary">{t('admin.filter')}</button>
          <button type="button" onClick={() => { setForm(emptyAuditForm); setFormError(null); setQuery({}); setRound((n) => n + 1); }}>{t('admin.clear')}</button>
        </div>
      </form>
      <LoadState loaded={rows !== null} error={error} />
      {rows && (rows.length === 0 ? <p role="status">{t('admin.auditNone')}</p> : (
        <div className="table-scroll">
          <table className="data-table admin-table audit-table">
            <caption>{t('admin.auditCaption', { count: rows.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.when')}</th>
                <th scope="col">{t('admin.who')}</th>
                <th scope="col">{t('admin.action')}</th>
                <th scope="col">{t('admin.object')}</th>
                <th scope="col">{t('admin.ip')}</th>
                <th scope="col">{t('admin.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{dateTime(r.created_at, lang)}</th>
                  <td>{who(r.user_id)}</td>
                  <td><code>{r.action}</code></td>
                  <td>{r.object_type}{r.object_id && <> <code>{r.object_id}</code></>}</td>
                  <td>{r.ip}</td>
                  <td>
                    {(r.before != null || r.after != null) ? (
                      <details>
                        <summary>{t('admin.changesShow')}<span className="visually-hidden"> {r.action} {r.object_id}</span></summary>
                        {r.before != null && <><p>{t('admin.before')}</p><pre className="payload" tabIndex={0}>{JSON.stringify(r.before, null, 2)}</pre></>}
                        {r.after != null && <><p>{t('admin.after')}</p><pre className="payload" tabIndex={0}>{JSON.stringify(r.after, null, 2)}</pre></>}
                      </details>
                    ) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {cursor && rows && <div className="pager"><button type="button" aria-busy={busy} onClick={next}>{t('admin.more')}</button></div>}
    </section>
  );
}
