import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { SessionProvider } from '../session/session';
import { fakeAdminServer } from './fakeServer';
import { TeamsPage } from './TeamsPage';

afterEach(() => vi.unstubAllGlobals());
const announcer = () => screen.getByTestId('announcer');

describe('TeamsPage', () => {
  it('creates a team, showing a conflict at the name', async () => {
    const s = fakeAdminServer();
    renderUI(<SessionProvider><TeamsPage /></SessionProvider>);
    await screen.findByRole('table', { name: 'Equipes (1)' });
    const name = screen.getByLabelText('Nome') as HTMLInputElement;
    fireEvent.change(name, { target: { value: 'NOC' } });
    fireEvent.click(screen.getByRole('button', { name: 'Criar equipe' }));
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(name.getAttribute('aria-describedby')!)!.textContent).toBe('a team with this name exists');

    fireEvent.change(name, { target: { value: 'Field crew' } });
    fireEvent.click(screen.getByRole('button', { name: 'Criar equipe' }));
    const table = await screen.findByRole('table', { name: 'Equipes (2)' });
    expect(within(table).getByRole('rowheader', { name: 'Field crew' })).toBeTruthy();
    await waitFor(() => expect(announcer().textContent).toBe('Equipe Field crew criada.'));
    expect(s.teams.map((t) => t.name)).toEqual(['NOC', 'Field crew']);
  });

  it("opens a team's members, adds one and removes one after confirming", async () => {
    const s = fakeAdminServer();
    renderUI(<SessionProvider><TeamsPage /></SessionProvider>);
    const teams = await screen.findByRole('table', { name: 'Equipes (1)' });
    const open = within(teams).getByRole('button', { name: 'Membros de NOC' });
    fireEvent.click(open);
    expect(open.getAttribute('aria-expanded')).toBe('true');
    const members = await screen.findByRole('table', { name: 'Membros de NOC (1)' });
    expect(within(members).getByRole('rowheader', { name: 'Bruno Editor' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Membros de NOC' }));

    const pick = screen.getByLabelText('Usuário') as HTMLSelectElement;
    // Members are not offered again.
    await waitFor(() => expect(within(pick).getAllByRole('option').map((o) => o.textContent)).toEqual(['Escolha…', 'Ana Admin (ana@acme.example)', 'Carla Viewer (carla@acme.example)']));
    fireEvent.click(screen.getByRole('button', { name: 'Adicionar membro' }));
    expect(pick.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(pick, { target: { value: 'u3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Adicionar membro' }));
    await screen.findByRole('table', { name: 'Membros de NOC (2)' });
    await waitFor(() => expect(announcer().textContent).toBe('Carla Viewer entrou na equipe NOC.'));
    expect(s.members.tm1).toEqual(['u2', 'u3']);

    const list = screen.getByRole('table', { name: 'Membros de NOC (2)' });
    fireEvent.click(within(list).getByRole('button', { name: 'Remover Bruno Editor' }));
    const confirm = within(list).getByRole('group', { name: 'Remover Bruno Editor da equipe NOC?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Remover' }));
    await screen.findByRole('table', { name: 'Membros de NOC (1)' });
    expect(s.members.tm1).toEqual(['u3']);
    expect(s.calls.filter((c) => c.url.includes('/members')).map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/teams/tm1/members', 'POST /api/teams/tm1/members', 'DELETE /api/teams/tm1/members/u2']);
  });
});
