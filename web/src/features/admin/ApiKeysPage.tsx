// Module API keys (for POST /api/events): list, create scoped to sources
// of the catalogue, revoke after a confirmation. The server keeps only a
// hash: the plain key is shown once, right after creation, with a copy
// button and a warning.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useAnnounce } from '../../app/Announcer';
import { useI18n } from '../../i18n/I18n';
import { useSession } from '../session/session';
import { keyErrorControl, keySources, upsertById, userName } from './admin';
import { adminAPI, type APIKey, type CreatedAPIKey } from './api';
import { Confirm, Field, LoadState, dateTime, focusSoon } from './parts';
import { useLoad } from './useLoad';

const loadKeys = (signal: AbortSignal) => adminAPI.apiKeys(signal).then((r) => r.items);
const loadUsers = (signal: AbortSignal) => adminAPI.users(signal).then((r) => r.items);

export function ApiKeysPage() {
  const { t, lang } = useI18n();
  const announce = useAnnounce();
  const { catalog } = useSession();
  const keys = useLoad(loadKeys);
  const users = useLoad(loadUsers);
  const [name, setName] = useState('');
  const [sources, setSources] = useState<string[]>([]);
  const [error, setError] = useState<{ control: 'name' | 'sources' | ''; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedAPIKey | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const all = keySources(catalog, lang);
  const labelOf = (s: string) => all.find((x) => x.name === s)?.label ?? s;

  async function create(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!name.trim()) { setError({ control: 'name', message: t('admin.required') }); document.getElementById('key-name')?.focus(); return; }
    setBusy(true);
    setError(null);
    try {
      const k = await adminAPI.createAPIKey(name.trim(), sources);
      // The list never holds the secret.
      const listed: APIKey = { id: k.id, name: k.name, sources: k.sources, created_by: k.created_by, created_at: k.created_at };
      keys.set((ks) => upsertById(ks, listed));
      setCreated(k);
      setName('');
      setSources([]);
      announce(t('admin.keyCreated', { name: k.name }));
    } catch (err) {
      setError({ control: keyErrorControl(err), message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

  async function revoke(k: APIKey) {
    setRowError(null);
    try {
      await adminAPI.revokeAPIKey(k.id);
      keys.set((ks) => upsertById(ks, { ...k, revoked_at: new Date().toISOString() }));
      keys.reload(); // the server's revocation time
      announce(t('admin.keyRevoked', { name: k.name }));
      setConfirming(null);
      focusSoon('key-name'); // the revoke button is gone with the key's activity
    } catch (err) {
      setRowError({ id: k.id, message: (err as Error).message });
      setConfirming(null);
      focusSoon(`key-revoke-${k.id}`);
    }
  }

  const toggle = (s: string, on: boolean) => { setSources(on ? [...sources, s] : sources.filter((x) => x !== s)); setError(null); };

  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">{t('admin.apiKeys')}</h2>
      <p className="muted">{t('admin.keysIntro')}</p>
      {created && <NewKey created={created} onDone={() => { setCreated(null); focusSoon('key-name'); }} />}
      <form className="admin-form" onSubmit={create} noValidate aria-labelledby="key-new-title">
        <h3 id="key-new-title">{t('admin.keyNew')}</h3>
        <Field id="key-name" label={t('admin.name')} error={error?.control === 'name' ? error.message : undefined}>
          {(a) => <input {...a} value={name} maxLength={200} onChange={(e) => { setName(e.target.value); setError(null); }} />}
        </Field>
        <fieldset className="checks" aria-describedby={error?.control === 'sources' ? 'key-sources-hint key-sources-error' : 'key-sources-hint'}>
          <legend>{t('admin.sources')}</legend>
          <p id="key-sources-hint" className="hint muted">{t('admin.sourcesHint')}</p>
          {all.map((s) => (
            <label key={s.name}>
              <input type="checkbox" checked={sources.includes(s.name)} onChange={(e) => toggle(s.name, e.target.checked)} />
              {s.label}
            </label>
          ))}
          {error?.control === 'sources' && <p id="key-sources-error" className="field-error">{error.message}</p>}
        </fieldset>
        <p className="error" role="alert">{error && !error.control ? error.message : ''}</p>
        <div className="actions"><button type="submit" className="primary" aria-busy={busy}>{t('admin.keyCreate')}</button></div>
      </form>
      <LoadState loaded={keys.data !== null} error={keys.error} />
      {keys.data && (
        <div className="table-scroll">
          <table className="data-table admin-table">
            <caption>{t('admin.keysCaption', { count: keys.data.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.sources')}</th>
                <th scope="col">{t('admin.created')}</th>
                <th scope="col">{t('admin.createdBy')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => {
                const err = rowError?.id === k.id ? rowError.message : '';
                return (
                  <tr key={k.id}>
                    <th scope="row">{k.name}</th>
                    <td>{k.sources.length ? k.sources.map(labelOf).join(', ') : t('admin.allSources')}</td>
                    <td>{dateTime(k.created_at, lang)}</td>
                    <td>{userName(users.data ?? [], k.created_by ?? '')}</td>
                    <td>{k.revoked_at ? t('admin.revokedAt', { when: dateTime(k.revoked_at, lang) }) : t('admin.active')}</td>
                    <td>
                      {k.revoked_at ? null : confirming === k.id ? (
                        <Confirm question={t('admin.keyRevokeConfirm', { name: k.name })} confirm={t('admin.revoke')}
                          onCancel={() => { setConfirming(null); focusSoon(`key-revoke-${k.id}`); }} onConfirm={() => revoke(k)} />
                      ) : (
                        <button type="button" id={`key-revoke-${k.id}`} className="danger" aria-label={t('admin.revokeOf', { name: k.name })}
                          onClick={() => { setRowError(null); setConfirming(k.id); }}>{t('admin.revoke')}</button>
                      )}
                      {err && <p className="field-error" role="alert">{err}</p>}
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

/** The plain key, shown once: a read-only field, a copy button and a warning. */
function NewKey({ created, onDone }: { created: CreatedAPIKey; onDone(): void }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => { ref.current?.focus(); ref.current?.select(); }, []);
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      announce(t('admin.keyCopied'));
    } catch {
      // No clipboard permission: leave the key selected for Ctrl+C.
      ref.current?.focus();
      ref.current?.select();
      announce(t('admin.keyCopyManual'));
    }
  }
  return (
    <section className="card new-key" aria-labelledby="new-key-title">
      <h3 id="new-key-title">{t('admin.keyNewTitle', { name: created.name })}</h3>
      <p className="banner banner-warning" id="new-key-warning"><strong>{t('admin.keyOnceTitle')}</strong> {t('admin.keyOnce')}</p>
      <label htmlFor="new-key-value">{t('admin.keyValue')}</label>
      <div className="key-row">
        <input id="new-key-value" ref={ref} readOnly value={created.key} aria-describedby="new-key-warning" spellCheck={false} />
        <button type="button" onClick={copy}>{t('admin.keyCopy')}</button>
      </div>
      <div className="actions"><button type="button" onClick={onDone}>{t('admin.keyDone')}</button></div>
    </section>
  );
}
