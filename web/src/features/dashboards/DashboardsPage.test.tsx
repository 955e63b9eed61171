import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { SessionProvider } from '../session/session';
import { DashboardsPage } from './DashboardsPage';
import { audienceBody, changedFields, fieldsOf } from './DashboardForm';
import type { Dashboard } from '../../api/types';

const me = { user: { id: 'u1', name: 'Ana', email: 'a@x', role: 'admin' }, tenant: { id: 't', slug: 'acme', name: 'ACME' }, teams: [], roles: ['admin'], scope: {} };
const noc = { id: 'd1', name: 'NOC', description: 'Wall', visibility: 'public', owner_id: 'u1', version: 3, updated_at: '2026-12-01T10:00:00Z', layout_json: {}, filters_json: {} };

function json(status: number, body?: unknown) {
  return Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status }));
}

/** A fake server: records requests, answers the list with what it holds. */
function server(opts: { conflict?: boolean } = {}) {
  const calls: { method: string; url: string; body?: unknown; headers?: Record<string, string> }[] = [];
  let items = [noc];
  const fetch = vi.fn((url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    calls.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : undefined, headers: init.headers as Record<string, string> });
    if (url === '/api/me') return json(200, me);
    if (url === '/api/catalog') return json(200, { sources: [] });
    if (url.startsWith('/api/dashboards?')) return json(200, { items, total: items.length, limit: 25, offset: 0 });
    if (url === '/api/dashboards/d1/duplicate') { items = [...items, { ...noc, id: 'd2', name: 'Copy of NOC' }]; return json(201, items[1]); }
    if (url === '/api/customers') return json(200, { items: [{ id: 'c1', name: 'Globex' }] });
    if (url === '/api/dashboards' && method === 'POST' && (calls.at(-1)!.body as { visibility?: string; customer_id?: string }).visibility === 'customer' &&
      !(calls.at(-1)!.body as { customer_id?: string }).customer_id) {
      return json(400, { error: { code: 'invalid', message: 'a customer-visible dashboard needs its customer', field: 'customer_id' } });
    }
    if (url === '/api/dashboards' && method === 'POST') return json(201, { ...noc, id: 'd9', ...(calls.at(-1)!.body as object), version: 1 });
    if (url === '/api/dashboards/d1' && method === 'PUT' && opts.conflict) {
      items = [{ ...noc, name: 'NOC (changed elsewhere)', version: 5 }];
      return json(409, { error: { code: 'conflict', message: 'version 3 is stale', field: 'version' }, current_version: 5 });
    }
    if (url === '/api/dashboards/d1' && method === 'PUT') { items = [{ ...noc, ...(calls.at(-1)!.body as object), version: 4 }]; return json(200, items[0]); }
    if (url === '/api/dashboards/d1' && method === 'DELETE') { items = []; return json(204); }
    return json(404, { error: { code: 'not_found', message: 'no' } });
  });
  vi.stubGlobal('fetch', fetch);
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe('DashboardsPage', () => {
  it('lists by tab and search', async () => {
    const calls = server();
    renderUI(<SessionProvider><DashboardsPage /></SessionProvider>);
    await screen.findByRole('link', { name: 'NOC' });
    expect(calls.some((c) => c.url === '/api/dashboards?tab=tenant&offset=0&limit=25')).toBe(true);
    fireEvent.click(screen.getByRole('tab', { name: 'Meus' }));
    await waitFor(() => expect(calls.some((c) => c.url.startsWith('/api/dashboards?tab=mine'))).toBe(true));
    expect(screen.getByRole('tab', { name: 'Meus' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.change(screen.getByLabelText('Buscar painéis'), { target: { value: 'noc' } });
    await waitFor(() => expect(calls.some((c) => c.url.includes('q=noc'))).toBe(true));
  });

  it('renames with the version, duplicates and deletes', async () => {
    const calls = server();
    renderUI(<SessionProvider><DashboardsPage /></SessionProvider>);
    const card = (await screen.findByRole('link', { name: 'NOC' })).closest('li')!;
    fireEvent.click(within(card).getByRole('button', { name: 'Renomear' }));
    const dialog = screen.getByRole('dialog', { name: 'Renomear “NOC”' });
    fireEvent.change(within(dialog).getByLabelText('Nome'), { target: { value: 'NOC wall' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Salvar' }));
    await screen.findByRole('link', { name: 'NOC wall' });
    const put = calls.find((c) => c.method === 'PUT')!;
    // The audience did not change: not sent (changing it needs ownership).
    expect(put.body).toEqual({ name: 'NOC wall', description: 'Wall' });
    expect(put.headers!['If-Match']).toBe('"3"');

    fireEvent.click(within(screen.getByRole('link', { name: 'NOC wall' }).closest('li')!).getByRole('button', { name: 'Duplicar' }));
    await screen.findByRole('link', { name: 'Copy of NOC' });

    fireEvent.click(within(screen.getByRole('link', { name: 'NOC wall' }).closest('li')!).getByRole('button', { name: 'Excluir' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Excluir' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'NOC wall' })).toBeNull());
    expect(calls.find((c) => c.method === 'DELETE')!.headers!['If-Match']).toBe('"4"');
  });

  it('creates with an audience, a refused one showing its problem at the control', async () => {
    const calls = server();
    renderUI(<SessionProvider><DashboardsPage /></SessionProvider>);
    fireEvent.click(await screen.findByRole('button', { name: 'Novo painel' }));
    const dialog = screen.getByRole('dialog', { name: 'Novo painel' });
    fireEvent.change(within(dialog).getByLabelText('Nome'), { target: { value: 'Globex wall' } });
    fireEvent.change(within(dialog).getByLabelText('Visibilidade'), { target: { value: 'customer' } });
    fireEvent.click(within(dialog).getByLabelText('Tempo real (widgets atualizados ao vivo)'));
    const customer = within(dialog).getByLabelText('Cliente');
    await within(dialog).findByRole('option', { name: 'Globex' });
    // Without the customer the server refuses it; the problem shows at the control.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Salvar' }));
    await within(dialog).findByText('a customer-visible dashboard needs its customer');
    expect(customer.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(customer.getAttribute('aria-describedby')!)!.textContent).toBe('a customer-visible dashboard needs its customer');
    fireEvent.change(customer, { target: { value: 'c1' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Salvar' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST' && c.url === '/api/dashboards').length).toBeGreaterThan(0));
    const post = calls.filter((c) => c.method === 'POST' && c.url === '/api/dashboards').at(-1)!;
    expect(post.body).toEqual({ name: 'Globex wall', description: '', visibility: 'customer', team_id: '', customer_id: 'c1', realtime_enabled: true });
    await screen.findByText('Painel criado: Globex wall');
  });

  it('on a conflict reloads the list and says so', async () => {
    server({ conflict: true });
    renderUI(<SessionProvider><DashboardsPage /></SessionProvider>);
    const card = (await screen.findByRole('link', { name: 'NOC' })).closest('li')!;
    fireEvent.click(within(card).getByRole('button', { name: 'Renomear' }));
    fireEvent.change(within(screen.getByRole('dialog')).getByLabelText('Nome'), { target: { value: 'Mine' } });
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Salvar' }));
    await screen.findByText(/alterado em outro lugar/);
    await screen.findByRole('link', { name: 'NOC (changed elsewhere)' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('changedFields', () => {
  it('sends the audience only when it changed, the team only for a team audience', () => {
    const before = fieldsOf({ name: 'A', description: '', visibility: 'group', team_id: 't1' } as Dashboard);
    expect(changedFields(before, { ...before, name: 'B' })).toEqual({ name: 'B', description: '' });
    expect(changedFields(before, { ...before, realtime_enabled: true })).toEqual({ name: 'A', description: '', realtime_enabled: true });
    expect(changedFields(before, audienceBody({ ...before, visibility: 'public' })))
      .toEqual({ name: 'A', description: '', visibility: 'public', team_id: '', customer_id: '' });
    expect(audienceBody({ ...before, visibility: 'private' }).team_id).toBe('');
  });
});
