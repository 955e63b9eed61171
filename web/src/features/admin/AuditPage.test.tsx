import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { SessionProvider } from '../session/session';
import { AuditPage } from './AuditPage';
import { fakeAdminServer } from './fakeServer';

afterEach(() => vi.unstubAllGlobals());

describe('AuditPage', () => {
  it('lists recent actions with who, what, object and the changes', async () => {
    const s = fakeAdminServer();
    s.audit.unshift({ id: 'a99', user_id: 'u2', action: 'user.update', object_type: 'user', object_id: 'u3', before: { role: 'viewer' }, after: { role: 'editor' },
      request_id: 'r', ip: '10.0.0.9', user_agent: 'x', created_at: '2026-12-03T10:00:00Z' });
    renderUI(<SessionProvider><AuditPage /></SessionProvider>);
    const table = await screen.findByRole('table', { name: 'Ações registradas (2), da mais recente' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Quando', 'Quem', 'Ação', 'Objeto', 'IP', 'Alterações']);
    const row = within(table).getByText('user.update').closest('tr')!;
    await waitFor(() => expect(within(row).getByText('Bruno Editor')).toBeTruthy());
    expect(row.textContent).toContain('user u3');
    expect(row.textContent).toContain('10.0.0.9');
    expect(row.querySelector('details')!.textContent).toContain('"role": "viewer"');
    expect(row.querySelector('details')!.textContent).toContain('"role": "editor"');
  });

  it('filters by person and action through the API, and refuses a period that ends before it starts', async () => {
    const s = fakeAdminServer();
    renderUI(<SessionProvider><AuditPage /></SessionProvider>);
    await screen.findByRole('table');
    const who = screen.getByLabelText('Quem') as HTMLSelectElement;
    await within(who).findByRole('option', { name: 'Ana Admin' });
    fireEvent.change(who, { target: { value: 'u1' } });
    fireEvent.change(screen.getByLabelText('Ação'), { target: { value: 'user.create' } });
    fireEvent.click(screen.getByRole('button', { name: 'Filtrar' }));
    expect(await screen.findByText('Nenhuma ação encontrada.')).toBeTruthy();
    expect(s.calls.filter((c) => c.url.startsWith('/api/audit')).at(-1)!.url).toBe('/api/audit?user=u1&action=user.create&limit=50');

    fireEvent.change(screen.getByLabelText('Ação'), { target: { value: 'dashboard.create' } });
    fireEvent.click(screen.getByRole('button', { name: 'Filtrar' }));
    const table = await screen.findByRole('table', { name: 'Ações registradas (1), da mais recente' });
    expect(within(table).getByText('dashboard.create')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('announcer').textContent).toBe('1 registro(s) de auditoria.'));

    const n = s.calls.length;
    fireEvent.change(screen.getByLabelText('De'), { target: { value: '2026-12-05T00:00' } });
    fireEvent.change(screen.getByLabelText('Até'), { target: { value: '2026-12-04T00:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Filtrar' }));
    const until = screen.getByLabelText('Até');
    expect(until.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(until.getAttribute('aria-describedby')!)!.textContent).toBe('Deve ser depois de “De”.');
    expect(document.activeElement).toBe(until);
    expect(s.calls.length).toBe(n);

    fireEvent.click(screen.getByRole('button', { name: 'Limpar' }));
    await screen.findByRole('table', { name: 'Ações registradas (1), da mais recente' });
    expect(s.calls.at(-1)!.url).toBe('/api/audit?limit=50');
  });
});
