// The signed-in frame: skip link, header with navigation, language and
// theme switches and the user menu, then the page.
import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useI18n } from '../../i18n/I18n';
import type { Lang } from '../../i18n/messages';
import { useTheme, type ThemeChoice } from '../../theme/Theme';
import { useSession } from '../session/session';
import { isAdmin } from '../admin/admin';

function UserMenu() {
  const { t } = useI18n();
  const { me, logout } = useSession();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => { if (!ref.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);
  if (!me) return null;
  const role = t(`role.${me.user.role}` as 'role.admin');
  return (
    <div className="menu" ref={ref} onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
      <button type="button" aria-expanded={open} aria-controls="user-menu" onClick={() => setOpen(!open)}>
        <span aria-hidden="true" className="avatar">{me.user.name.slice(0, 1)}</span>
        <span className="menu-name">{me.user.name}</span>
        <span className="visually-hidden">{t('shell.userMenu')}</span>
      </button>
      {open && (
        <div id="user-menu" className="menu-panel">
          <p>{t('shell.signedInAs', { name: me.user.name, role, tenant: me.tenant.name })}</p>
          <p className="muted">{me.user.email}</p>
          <button type="button" onClick={async () => { await logout(); navigate('/ui/login'); }}>{t('shell.logout')}</button>
        </div>
      )}
    </div>
  );
}

export function Shell() {
  const { t, lang, setLang } = useI18n();
  const { choice, setChoice } = useTheme();
  const { me } = useSession();
  return (
    <div className="shell">
      <a className="skip" href="#main">{t('app.skip')}</a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('shell.nav')}>
          <ul>
            <li><NavLink to="/ui/dashboards">{t('shell.dashboards')}</NavLink></li>
            {isAdmin(me) && <li><NavLink to="/ui/admin">{t('shell.admin')}</NavLink></li>}
          </ul>
        </nav>
        <div className="topbar-tools">
          <label>
            <span className="visually-hidden">{t('shell.language')}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('shell.language')}>
              <option value="pt-BR">Português</option>
              <option value="en">English</option>
            </select>
          </label>
          <label>
            <span className="visually-hidden">{t('shell.theme')}</span>
            <select value={choice} onChange={(e) => setChoice(e.target.value as ThemeChoice)} aria-label={t('shell.theme')}>
              <option value="system">{t('shell.theme.system')}</option>
              <option value="light">{t('shell.theme.light')}</option>
              <option value="dark">{t('shell.theme.dark')}</option>
            </select>
          </label>
          <UserMenu />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
