import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { SessionProvider } from '../session/session';
import { fakeAdminServer } from './fakeServer';
import { UsersPage } from './UsersPage';

afterEach(() => vi.unstubAllGlobals());

function page() {
  const s = fakeAdminServer();
  renderUI(<SessionProvider><UsersPage /></SessionProvider>);
  return s;
}
const announcer = () => screen.getByTestId('announcer');
const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

describe('UsersPage', () => {
  it('lists users with e-mail, role and status', async () => {
    page();
    const table = await screen.findByRole('table', { name: 'Usuários do locatário (3)' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Nome', 'E-mail', 'Papel', 'Situação', 'Ações']);
    const row = within(table).getByRole('rowheader', { name: 'Bruno Editor' }).closest('tr')!;
    expect(within(row).getByText('bruno@acme.example')).toBeTruthy();
    expect((within(row).getByLabelText('Papel de Bruno Editor') as HTMLSelectElement).value).toBe('editor');
    expect(within(row).getByText('Ativo')).toBeTruthy();
  });

  it('checks required fields, shows the server error at its field, then creates the user', async () => {
    const s = page();
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Criar usuário' }));
    expect(field('Nome').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(field('Nome'));
    expect(s.calls.some((c) => c.method === 'POST')).toBe(false);

    fireEvent.change(field('Nome'), { target: { value: 'Davi' } });
    fireEvent.change(field('E-mail'), { target: { value: 'davi@acme.example' } });
    fireEvent.change(screen.getByLabelText('Papel'), { target: { value: 'editor' } });
    fireEvent.change(field('Senha inicial'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Criar usuário' }));
    await waitFor(() => expect(field('Senha inicial').getAttribute('aria-invalid')).toBe('true'));
    const describedBy = field('Senha inicial').getAttribute('aria-describedby')!.split(' ');
    expect(describedBy).toContain('user-password-error');
    expect(document.getElementById('user-password-error')!.textContent).toBe('must be at least 10 characters');
    expect(field('E-mail').getAttribute('aria-invalid')).toBeNull();

    fireEvent.change(field('Senha inicial'), { target: { value: 'long-enough-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Criar usuário' }));
    const table = await screen.findByRole('table', { name: 'Usuários do locatário (4)' });
    expect(within(table).getByRole('rowheader', { name: 'Davi' })).toBeTruthy();
    expect(s.calls.filter((c) => c.method === 'POST').at(-1)!.body).toEqual({ name: 'Davi', email: 'davi@acme.example', role: 'editor', password: 'long-enough-1' });
    await waitFor(() => expect(announcer().textContent).toBe('Usuário Davi criado.'));
    expect(field('Nome').value).toBe('');
  });

  it('changes a role, and disables then enables after confirming', async () => {
    const s = page();
    const table = await screen.findByRole('table');
    fireEvent.change(within(table).getByLabelText('Papel de Carla Viewer'), { target: { value: 'editor' } });
    await waitFor(() => expect(announcer().textContent).toBe('Carla Viewer agora é editor.'));
    expect(s.users.find((u) => u.id === 'u3')!.role).toBe('editor');

    fireEvent.click(within(table).getByRole('button', { name: 'Desativar Carla Viewer' }));
    const confirm = within(table).getByRole('group', { name: /Desativar Carla Viewer\?/ });
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Desativar' }));
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancelar' }));
    expect(s.users.find((u) => u.id === 'u3')!.disabled).toBe(false);
    // The keyboard goes back to the row's button, not to the top of the page.
    await waitFor(() => expect(document.activeElement).toBe(within(table).getByRole('button', { name: 'Desativar Carla Viewer' })));

    fireEvent.click(within(table).getByRole('button', { name: 'Desativar Carla Viewer' }));
    fireEvent.click(within(within(table).getByRole('group', { name: /Desativar Carla Viewer\?/ })).getByRole('button', { name: 'Desativar' }));
    await waitFor(() => expect(announcer().textContent).toBe('Carla Viewer foi desativado.'));
    const row = within(table).getByRole('rowheader', { name: 'Carla Viewer' }).closest('tr')!;
    expect(within(row).getByText('Desativado')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(within(row).getByRole('button', { name: 'Reativar Carla Viewer' })));
    expect(s.calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ role: 'editor' }, { disabled: true }]);

    fireEvent.click(within(row).getByRole('button', { name: 'Reativar Carla Viewer' }));
    fireEvent.click(within(within(row).getByRole('group')).getByRole('button', { name: 'Reativar' }));
    await waitFor(() => expect(within(row).getByText('Ativo')).toBeTruthy());
  });

  it("shows the server's refusal at the row (an admin cannot disable herself)", async () => {
    page();
    const table = await screen.findByRole('table');
    expect(within(table).getByText('(você)')).toBeTruthy();
    fireEvent.click(within(table).getByRole('button', { name: 'Desativar Ana Admin' }));
    fireEvent.click(within(within(table).getByRole('group')).getByRole('button', { name: 'Desativar' }));
    const err = await within(table).findByRole('alert');
    expect(err.textContent).toBe('administrators cannot disable themselves');
    expect(within(table).getByLabelText('Papel de Ana Admin').getAttribute('aria-describedby')).toBe(err.id);
  });
});
