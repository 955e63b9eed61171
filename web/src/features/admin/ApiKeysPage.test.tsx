import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { SessionProvider } from '../session/session';
import { ApiKeysPage } from './ApiKeysPage';
import { fakeAdminServer } from './fakeServer';

afterEach(() => vi.unstubAllGlobals());
const announcer = () => screen.getByTestId('announcer');

describe('ApiKeysPage', () => {
  it('creates a key scoped to sources, shows the secret once with a copy button, then only in the list without it', async () => {
    const s = fakeAdminServer();
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    renderUI(<SessionProvider><ApiKeysPage /></SessionProvider>);
    const table = await screen.findByRole('table', { name: 'Chaves de API (1)' });
    expect(within(table).getByRole('rowheader', { name: 'Old module' }).closest('tr')!.textContent).toContain('Todas');

    const sources = screen.getByRole('group', { name: 'Fontes' });
    // Only the entity sources of the catalogue (a derived stream takes no events).
    await waitFor(() => expect(within(sources).getAllByRole('checkbox')).toHaveLength(2));
    fireEvent.click(within(sources).getByLabelText('Chamados'));
    fireEvent.change(screen.getByLabelText('Nome'), { target: { value: 'Tickets module' } });
    fireEvent.click(screen.getByRole('button', { name: 'Criar chave' }));

    const shown = await screen.findByRole('region', { name: 'Chave “Tickets module” criada' });
    const key = within(shown).getByLabelText('Chave') as HTMLInputElement;
    expect(key.value).toMatch(/^crk_SECRET\d+$/);
    expect(key.readOnly).toBe(true);
    expect(document.activeElement).toBe(key);
    expect(document.getElementById(key.getAttribute('aria-describedby')!)!.textContent).toContain('Ela aparece só esta vez');
    fireEvent.click(within(shown).getByRole('button', { name: 'Copiar' }));
    expect(writeText).toHaveBeenCalledWith(key.value);
    await waitFor(() => expect(announcer().textContent).toBe('Chave copiada.'));
    expect(s.calls.find((c) => c.method === 'POST')!.body).toEqual({ name: 'Tickets module', sources: ['tickets'] });

    const row = within(screen.getByRole('table', { name: 'Chaves de API (2)' })).getByRole('rowheader', { name: 'Tickets module' }).closest('tr')!;
    expect(row.textContent).toContain('Chamados');
    expect(row.textContent).toContain('Ana Admin');
    expect(row.textContent).not.toContain(key.value);

    fireEvent.click(within(shown).getByRole('button', { name: 'Já copiei' }));
    expect(screen.queryByRole('region', { name: /criada/ })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Nome')));
    expect(document.body.textContent).not.toContain('crk_SECRET');
  });

  it('asks for a name before calling the server', async () => {
    const s = fakeAdminServer();
    renderUI(<SessionProvider><ApiKeysPage /></SessionProvider>);
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Criar chave' }));
    expect(screen.getByLabelText('Nome').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Campo obrigatório.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Nome'));
    expect(s.calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('revokes a key after confirming', async () => {
    const s = fakeAdminServer();
    renderUI(<SessionProvider><ApiKeysPage /></SessionProvider>);
    const table = await screen.findByRole('table');
    fireEvent.click(within(table).getByRole('button', { name: 'Revogar Old module' }));
    const confirm = within(table).getByRole('group', { name: /Revogar Old module\?/ });
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Revogar' }));
    fireEvent.click(within(confirm).getByRole('button', { name: 'Revogar' }));
    await waitFor(() => expect(announcer().textContent).toBe('Chave Old module revogada.'));
    const row = within(screen.getByRole('table')).getByRole('rowheader', { name: 'Old module' }).closest('tr')!;
    await waitFor(() => expect(row.textContent).toMatch(/Revogada em/));
    expect(within(row).queryByRole('button', { name: 'Revogar Old module' })).toBeNull();
    expect(s.keys[0].revoked_at).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Nome')));
  });
});
