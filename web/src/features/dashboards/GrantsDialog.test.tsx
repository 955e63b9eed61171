import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Dashboard, Grant } from '../../api/types';
import { renderUI } from '../../test/render';
import { SessionProvider } from '../session/session';
import { DashboardsPage } from './DashboardsPage';
import { GrantsDialog } from './GrantsDialog';

const me = { user: { id: 'u1', name: 'Ana', email: 'a@x', role: 'editor' }, tenant: { id: 't', slug: 'acme', name: 'ACME' }, teams: [], roles: ['editor'], scope: {} };
const dash = { id: 'd1', name: 'NOC', description: '', visibility: 'private', owner_id: 'u1', version: 1, updated_at: '2026-12-01T10:00:00Z', layout_json: {}, filters_json: {} } as unknown as Dashboard;

function json(status: number, body?: unknown) {
  return Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status }));
}

/** A fake server holding the grants of d1, answering as docs/api.md says. */
function server() {
  const calls: { method: string; url: string; body?: Record<string, string> }[] = [];
  const people = [{ id: 'u2', name: 'Bruno' }, { id: 'u3', name: 'Carla' }];
  const teams = [{ id: 't1', name: 'NOC Team' }];
  let grants: Grant[] = [{ id: 'g1', dashboard_id: 'd1', subject_type: 'user', subject_id: 'u3', subject_name: 'Carla', role: 'editor', created_at: '2026-12-01T10:00:00Z' }];
  let seq = 1;
  const fetch = vi.fn((url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    if (url === '/api/me') return json(200, me);
    if (url === '/api/catalog') return json(200, { sources: [] });
    if (url.startsWith('/api/dashboards?')) return json(200, { items: [dash], total: 1, limit: 25, offset: 0 });
    if (url === '/api/dashboards/d1/grants' && method === 'GET') return json(200, { items: grants });
    if (url.startsWith('/api/dashboards/d1/grant-subjects')) {
      const q = new URL(url, 'http://x').searchParams.get('q')?.toLowerCase() ?? '';
      return json(200, { users: people.filter((p) => p.name.toLowerCase().includes(q)), teams: teams.filter((x) => x.name.toLowerCase().includes(q)) });
    }
    if (url === '/api/dashboards/d1/grants' && method === 'POST') {
      if (body.role !== 'viewer' && body.role !== 'editor') return json(400, { error: { code: 'invalid', message: 'must be viewer or editor', field: 'role' } });
      const subject = [...people, ...teams].find((x) => x.id === body.subject_id);
      if (!subject) return json(400, { error: { code: 'invalid', message: 'unknown user', field: 'subject_id' } });
      const existing = grants.find((x) => x.subject_type === body.subject_type && x.subject_id === body.subject_id);
      if (existing) {
        grants = grants.map((x) => (x === existing ? { ...x, role: body.role } : x));
        return json(200, { ...existing, role: body.role });
      }
      const g = { id: `g${++seq}`, dashboard_id: 'd1', subject_type: body.subject_type, subject_id: body.subject_id, subject_name: subject.name, role: body.role, created_at: '2026-12-02T10:00:00Z' };
      grants = [...grants, g];
      return json(201, g);
    }
    const del = url.match(/^\/api\/dashboards\/d1\/grants\/(.+)$/);
    if (del && method === 'DELETE') {
      if (!grants.some((x) => x.id === del[1])) return json(404, { error: { code: 'not_found', message: 'grant not found' } });
      grants = grants.filter((x) => x.id !== del[1]);
      return json(204);
    }
    return json(404, { error: { code: 'not_found', message: 'no' } });
  });
  vi.stubGlobal('fetch', fetch);
  return { calls, grants: () => grants, people };
}

afterEach(() => vi.unstubAllGlobals());

function dialog() { return screen.getByRole('dialog', { name: 'Compartilhar “NOC” com pessoas e equipes' }); }

describe('GrantsDialog', () => {
  it('lists the grants, gives access to a person and a team, changes a role and removes after confirming', async () => {
    const s = server();
    const onClose = vi.fn();
    renderUI(<SessionProvider><GrantsDialog dashboard={dash} onClose={onClose} /></SessionProvider>);
    const d = dialog();
    const table = await within(d).findByRole('table', { name: 'Com acesso' });
    expect(within(table).getByRole('rowheader', { name: 'Carla' })).toBeTruthy();
    expect((within(table).getByLabelText('Papel de Carla') as HTMLSelectElement).value).toBe('editor');
    // The search field has the focus first; the picker offers only who has no grant yet.
    expect(document.activeElement).toBe(within(d).getByLabelText('Buscar pessoas e equipes'));
    const picker = within(d).getByLabelText('Pessoa ou equipe') as HTMLSelectElement;
    await within(picker).findByRole('option', { name: 'Bruno' });
    expect(within(picker).queryByRole('option', { name: 'Carla' })).toBeNull();
    expect(within(within(picker).getByRole('group', { name: 'Equipes' })).getByRole('option', { name: 'NOC Team' })).toBeTruthy();

    fireEvent.change(picker, { target: { value: 'user:u2' } });
    fireEvent.change(within(d).getByLabelText('Papel'), { target: { value: 'viewer' } });
    fireEvent.click(within(d).getByRole('button', { name: 'Conceder acesso' }));
    await within(table).findByRole('rowheader', { name: 'Bruno' });
    expect(s.calls.find((c) => c.method === 'POST')!.body).toEqual({ subject_type: 'user', subject_id: 'u2', role: 'viewer' });
    expect(await screen.findByText('Acesso concedido a Bruno: Pode ver')).toBeTruthy();
    expect(picker.value).toBe('');
    expect(within(picker).queryByRole('option', { name: 'Bruno' })).toBeNull();

    fireEvent.change(picker, { target: { value: 'team:t1' } });
    fireEvent.change(within(d).getByLabelText('Papel'), { target: { value: 'editor' } });
    fireEvent.click(within(d).getByRole('button', { name: 'Conceder acesso' }));
    await within(table).findByRole('rowheader', { name: 'NOC Team' });
    expect(within(within(table).getByRole('rowheader', { name: 'NOC Team' }).closest('tr')!).getByRole('cell', { name: 'Equipe' })).toBeTruthy();

    // Role change: the same grant, a new role.
    fireEvent.change(within(table).getByLabelText('Papel de Bruno'), { target: { value: 'editor' } });
    await screen.findByText('Papel de Bruno alterado: Pode editar');
    expect(s.grants().find((x) => x.subject_id === 'u2')!.role).toBe('editor');
    expect(s.grants()).toHaveLength(3);

    // Remove: asks first; cancelling keeps the grant.
    fireEvent.click(within(table).getByRole('button', { name: 'Remover o acesso de Carla' }));
    const confirm = within(table).getByRole('button', { name: 'Sim, remover' });
    expect(document.activeElement).toBe(confirm);
    fireEvent.click(within(table).getByRole('button', { name: 'Cancelar' }));
    expect(s.calls.some((c) => c.method === 'DELETE')).toBe(false);
    fireEvent.click(within(table).getByRole('button', { name: 'Remover o acesso de Carla' }));
    fireEvent.click(within(table).getByRole('button', { name: 'Sim, remover' }));
    await waitFor(() => expect(within(table).queryByRole('rowheader', { name: 'Carla' })).toBeNull());
    expect(s.calls.find((c) => c.method === 'DELETE')!.url).toBe('/api/dashboards/d1/grants/g1');
    expect(s.grants().map((x) => x.subject_id)).toEqual(['u2', 't1']);
    // Carla is offered again.
    await within(picker).findByRole('option', { name: 'Carla' });

    fireEvent.click(within(d).getByRole('button', { name: 'Fechar' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('shows problems at their field: nothing picked, and a subject the server refuses', async () => {
    const s = server();
    renderUI(<SessionProvider><GrantsDialog dashboard={dash} onClose={() => {}} /></SessionProvider>);
    const d = dialog();
    const picker = within(d).getByLabelText('Pessoa ou equipe') as HTMLSelectElement;
    fireEvent.click(within(d).getByRole('button', { name: 'Conceder acesso' }));
    await within(d).findByText('Escolha uma pessoa ou equipe.');
    expect(picker.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(picker.getAttribute('aria-describedby')!)!.textContent).toBe('Escolha uma pessoa ou equipe.');
    expect(s.calls.some((c) => c.method === 'POST')).toBe(false);

    // A person who left the list meanwhile: the server's problem shows at the picker.
    await within(picker).findByRole('option', { name: 'Bruno' });
    fireEvent.change(picker, { target: { value: 'user:u2' } });
    s.people.splice(0, 1);
    fireEvent.click(within(d).getByRole('button', { name: 'Conceder acesso' }));
    await within(d).findByText('unknown user');
    expect(picker.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(picker.getAttribute('aria-describedby')!)!.textContent).toBe('unknown user');
  });

  it('searches the people and teams by name', async () => {
    const s = server();
    renderUI(<SessionProvider><GrantsDialog dashboard={dash} onClose={() => {}} /></SessionProvider>);
    const d = dialog();
    const picker = within(d).getByLabelText('Pessoa ou equipe');
    await within(picker).findByRole('option', { name: 'Bruno' });
    fireEvent.change(within(d).getByLabelText('Buscar pessoas e equipes'), { target: { value: 'noc' } });
    await waitFor(() => expect(within(picker).queryByRole('option', { name: 'Bruno' })).toBeNull());
    expect(within(picker).getByRole('option', { name: 'NOC Team' })).toBeTruthy();
    expect(s.calls.some((c) => c.url === '/api/dashboards/d1/grant-subjects?q=noc')).toBe(true);
    fireEvent.change(within(d).getByLabelText('Buscar pessoas e equipes'), { target: { value: 'zzz' } });
    await within(d).findByText('Nenhuma pessoa ou equipe disponível com esse nome.');
  });

  it('is reached from the dashboards list by the owner, in English too', async () => {
    server();
    renderUI(<SessionProvider><DashboardsPage /></SessionProvider>, { lang: 'en' });
    const card = (await screen.findByRole('link', { name: 'NOC' })).closest('li')!;
    fireEvent.click(within(card).getByRole('button', { name: 'Share' }));
    const d = screen.getByRole('dialog', { name: 'Share “NOC” with people and teams' });
    const table = await within(d).findByRole('table', { name: 'Who has access' });
    expect((within(table).getByLabelText('Role of Carla') as HTMLSelectElement).selectedOptions[0].textContent).toBe('Can edit');
    fireEvent.keyDown(d, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
