import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { SessionProvider } from '../session/session';
import { Shell } from '../shell/Shell';
import { AdminLayout } from './AdminLayout';
import { fakeAdminServer, type FakeOptions } from './fakeServer';
import { UsersPage } from './UsersPage';

afterEach(() => vi.unstubAllGlobals());

function app(route: string, opts: FakeOptions = {}, lang: 'pt-BR' | 'en' = 'pt-BR') {
  const s = fakeAdminServer(opts);
  renderUI(
    <SessionProvider>
      <Routes>
        <Route element={<Shell />}>
          <Route path="/ui/dashboards" element={<p>dashboards</p>} />
          <Route path="/ui/admin" element={<AdminLayout />}>
            <Route path="users" element={<UsersPage />} />
          </Route>
        </Route>
      </Routes>
    </SessionProvider>,
    { route, lang },
  );
  return s;
}

describe('AdminLayout', () => {
  it('shows admins the Admin link and the sections', async () => {
    app('/ui/admin/users');
    const main = screen.getByRole('navigation', { name: 'Navegação principal' });
    expect(await within(main).findByRole('link', { name: 'Administração' })).toBeTruthy();
    const sections = await screen.findByRole('navigation', { name: 'Seções da administração' });
    expect(within(sections).getAllByRole('link').map((a) => a.textContent)).toEqual(['Usuários', 'Equipes', 'Chaves de API', 'Eventos recusados', 'Auditoria']);
    expect(within(sections).getByRole('link', { name: 'Usuários' }).getAttribute('aria-current')).toBe('page');
    expect(await screen.findByRole('table', { name: /Usuários do locatário/ })).toBeTruthy();
  });

  it('hides the link from a viewer and tells her only administrators may open the page, calling no admin route', async () => {
    const s = app('/ui/admin/users', { role: 'viewer' });
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Somente administradores podem abrir esta página.');
    expect(within(screen.getByRole('navigation', { name: 'Navegação principal' })).queryByRole('link', { name: 'Administração' })).toBeNull();
    expect(s.calls.some((c) => c.url === '/api/users')).toBe(false);
  });

  it('speaks English when chosen', async () => {
    app('/ui/admin/users', {}, 'en');
    const sections = await screen.findByRole('navigation', { name: 'Administration sections' });
    expect(within(sections).getAllByRole('link').map((a) => a.textContent)).toEqual(['Users', 'Teams', 'API keys', 'Dead letters', 'Audit log']);
    const table = await screen.findByRole('table', { name: "The tenant's users (3)" });
    expect(within(table).getByLabelText('Role of Bruno Editor')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Create user' })).toBeTruthy();
  });

  it("says the same when the API refuses (the role was taken away after sign-in)", async () => {
    app('/ui/admin/users', { refuse: true });
    expect(await screen.findByText('Somente administradores podem abrir esta página.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });
});
