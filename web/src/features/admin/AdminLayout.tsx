// The Admin section's frame: its heading and sub-navigation, shown to
// tenant admins only; anyone else who opens an /ui/admin/ address gets
// the "only administrators" page (the API refuses them too: 403).
import { NavLink, Outlet } from 'react-router';
import { useI18n } from '../../i18n/I18n';
import { useSession } from '../session/session';
import { isAdmin } from './admin';
import { OnlyAdmins } from './parts';

export const ADMIN_PAGES = [
  { path: 'users', key: 'admin.users' },
  { path: 'teams', key: 'admin.teams' },
  { path: 'api-keys', key: 'admin.apiKeys' },
  { path: 'dead-letters', key: 'admin.deadLetters' },
  { path: 'audit', key: 'admin.audit' },
] as const;

export function AdminLayout() {
  const { t } = useI18n();
  const { me } = useSession();
  if (!isAdmin(me)) return <OnlyAdmins />;
  return (
    <div className="page admin">
      <h1>{t('admin.title')}</h1>
      <nav aria-label={t('admin.sections')} className="subnav">
        <ul>
          {ADMIN_PAGES.map((p) => <li key={p.path}><NavLink to={`/ui/admin/${p.path}`}>{t(p.key)}</NavLink></li>)}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
