// Teams of the tenant: list, create, and one team's members (add a user,
// remove one after a confirmation).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useAnnounce } from '../../app/Announcer';
import { useI18n } from '../../i18n/I18n';
import { candidates, errorControl, membersOf, upsertById } from './admin';
import { adminAPI, type AdminUser, type Team } from './api';
import { Confirm, Field, LoadState, dateTime, focusSoon } from './parts';
import { useLoad } from './useLoad';

const loadTeams = (signal: AbortSignal) => adminAPI.teams(signal).then((r) => r.items);
const loadUsers = (signal: AbortSignal) => adminAPI.users(signal).then((r) => r.items);

export function TeamsPage() {
  const { t, lang } = useI18n();
  const announce = useAnnounce();
  const teams = useLoad(loadTeams);
  const users = useLoad(loadUsers);
  const [name, setName] = useState('');
  const [error, setError] = useState<{ control: 'name' | ''; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<Team | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!name.trim()) { setError({ control: 'name', message: t('admin.required') }); document.getElementById('team-name')?.focus(); return; }
    setBusy(true);
    setError(null);
    try {
      const team = await adminAPI.createTeam(name.trim());
      teams.set((ts) => upsertById(ts, team));
      setName('');
      announce(t('admin.teamCreated', { name: team.name }));
    } catch (err) {
      setError({ control: errorControl(err, ['name'] as const), message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="teams-title">
      <h2 id="teams-title">{t('admin.teams')}</h2>
      <form className="admin-form" onSubmit={create} noValidate aria-labelledby="team-new-title">
        <h3 id="team-new-title">{t('admin.teamNew')}</h3>
        <Field id="team-name" label={t('admin.name')} error={error?.control === 'name' ? error.message : undefined}>
          {(a) => <input {...a} value={name} maxLength={200} onChange={(e) => { setName(e.target.value); setError(null); }} />}
        </Field>
        <p className="error" role="alert">{error && !error.control ? error.message : ''}</p>
        <div className="actions"><button type="submit" className="primary" aria-busy={busy}>{t('admin.teamCreate')}</button></div>
      </form>
      <LoadState loaded={teams.data !== null} error={teams.error} />
      {teams.data && (
        <div className="table-scroll">
          <table className="data-table admin-table">
            <caption>{t('admin.teamsCaption', { count: teams.data.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.created')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {teams.data.map((team) => (
                <tr key={team.id}>
                  <th scope="row">{team.name}</th>
                  <td>{dateTime(team.created_at, lang)}</td>
                  <td>
                    <button type="button" aria-expanded={open?.id === team.id} aria-controls="team-members"
                      aria-label={t('admin.membersOf', { name: team.name })}
                      onClick={() => setOpen(open?.id === team.id ? null : team)}>{t('admin.members')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div id="team-members">
        {open && <Members key={open.id} team={open} users={users.data ?? []} usersError={users.error} />}
      </div>
    </section>
  );
}

function Members({ team, users, usersError }: { team: Team; users: AdminUser[]; usersError: unknown }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const members = useLoad((signal) => adminAPI.members(team.id, signal).then((r) => r.items));
  const [pick, setPick] = useState('');
  const [error, setError] = useState<{ control: 'user_id' | ''; message: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const pickRef = useRef<HTMLSelectElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { heading.current?.focus(); }, []);
  const ids = members.data ?? [];
  const list = membersOf(users, ids);
  const offer = candidates(users, ids);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!pick) { setError({ control: 'user_id', message: t('admin.chooseUser') }); pickRef.current?.focus(); return; }
    setError(null);
    try {
      await adminAPI.addMember(team.id, pick);
      members.set((m) => (m.includes(pick) ? m : [...m, pick]));
      announce(t('admin.memberAdded', { name: list.find((x) => x.id === pick)?.name ?? users.find((u) => u.id === pick)?.name ?? pick, team: team.name }));
      setPick('');
    } catch (err) {
      setError({ control: errorControl(err, ['user_id'] as const), message: (err as Error).message });
    }
  }

  async function remove(id: string, name: string) {
    setError(null);
    try {
      await adminAPI.removeMember(team.id, id);
      members.set((m) => m.filter((x) => x !== id));
      announce(t('admin.memberRemoved', { name, team: team.name }));
      pickRef.current?.focus();
    } catch (err) {
      setError({ control: '', message: (err as Error).message });
    } finally {
      setConfirming(null);
    }
  }

  return (
    <section className="card admin-detail" aria-labelledby="members-title">
      <h3 id="members-title" tabIndex={-1} ref={heading}>{t('admin.membersTitle', { name: team.name })}</h3>
      <LoadState loaded={members.data !== null} error={members.error ?? usersError} />
      {members.data && (
        <>
          <form className="admin-form inline" onSubmit={add} noValidate aria-label={t('admin.memberAdd')}>
            <Field id="member-user" label={t('admin.user')} error={error?.control === 'user_id' ? error.message : undefined}>
              {(a) => (
                <select {...a} ref={pickRef} value={pick} onChange={(e) => { setPick(e.target.value); setError(null); }}>
                  <option value="">{t('editor.choose')}</option>
                  {offer.map((u) => <option key={u.id} value={u.id}>{u.name} ({u.email})</option>)}
                </select>
              )}
            </Field>
            <button type="submit" className="primary">{t('admin.memberAdd')}</button>
          </form>
          <p className="error" role="alert">{error && !error.control ? error.message : ''}</p>
          {list.length === 0 ? <p>{t('admin.noMembers')}</p> : (
            <div className="table-scroll">
              <table className="data-table admin-table">
                <caption>{t('admin.membersCaption', { name: team.name, count: list.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.name')}</th>
                    <th scope="col">{t('admin.email')}</th>
                    <th scope="col">{t('admin.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((m) => (
                    <tr key={m.id}>
                      <th scope="row">{m.name}</th>
                      <td>{m.email}</td>
                      <td>
                        {confirming === m.id ? (
                          <Confirm question={t('admin.memberRemoveConfirm', { name: m.name, team: team.name })} confirm={t('admin.remove')}
                            onCancel={() => { setConfirming(null); focusSoon(`member-remove-${m.id}`); }} onConfirm={() => remove(m.id, m.name)} />
                        ) : (
                          <button type="button" id={`member-remove-${m.id}`} className="danger" aria-label={t('admin.removeOf', { name: m.name })}
                            onClick={() => setConfirming(m.id)}>{t('admin.remove')}</button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
