import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { SessionProvider } from '../session/session';
import { DEAD_LETTER_PAGE, DeadLettersPage } from './DeadLettersPage';
import { fakeAdminServer } from './fakeServer';

afterEach(() => vi.unstubAllGlobals());

describe('DeadLettersPage', () => {
  it('lists refused events with reason and field, the payload behind a disclosure', async () => {
    fakeAdminServer({ deadLetters: 2 });
    renderUI(<SessionProvider><DeadLettersPage /></SessionProvider>);
    const table = await screen.findByRole('table', { name: 'Eventos recusados (2)' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Recebido em', 'Fonte', 'Id do evento', 'Motivo', 'Campo', 'Conteúdo']);
    const row = within(table).getByRole('cell', { name: 'ev-1' }).closest('tr')!;
    expect(within(row).getByText('data.status: must be one of open, closed (1)')).toBeTruthy();
    expect(within(row).getByText('data.status').tagName).toBe('CODE');
    const details = row.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(within(row).getByText('Ver conteúdo').tagName).toBe('SUMMARY');
    expect(row.querySelector('pre')!.textContent).toBe(JSON.stringify({ id: 'ev-1', source: 'tickets', data: { status: 'weird' } }, null, 2));
    expect(screen.queryByRole('button', { name: 'Carregar mais' })).toBeNull();
  });

  it('loads the next page by the cursor', async () => {
    const s = fakeAdminServer({ deadLetters: DEAD_LETTER_PAGE + 3 });
    renderUI(<SessionProvider><DeadLettersPage /></SessionProvider>);
    await screen.findByRole('table', { name: `Eventos recusados (${DEAD_LETTER_PAGE})` });
    fireEvent.click(screen.getByRole('button', { name: 'Carregar mais' }));
    await screen.findByRole('table', { name: `Eventos recusados (${DEAD_LETTER_PAGE + 3})` });
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Carregar mais' })).toBeNull());
    expect(s.calls.filter((c) => c.url.startsWith('/api/events/dead-letters')).map((c) => c.url)).toEqual([
      `/api/events/dead-letters?limit=${DEAD_LETTER_PAGE}`, `/api/events/dead-letters?cursor=dl${DEAD_LETTER_PAGE}&limit=${DEAD_LETTER_PAGE}`]);
  });

  it('says when there is none', async () => {
    fakeAdminServer({ deadLetters: 0 });
    renderUI(<SessionProvider><DeadLettersPage /></SessionProvider>);
    expect(await screen.findByText('Nenhum evento recusado.')).toBeTruthy();
  });
});
