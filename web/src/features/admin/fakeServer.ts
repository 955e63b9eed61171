// A fake of the admin API for component tests, answering as docs/api.md
// and http/admin.go say (status codes, error envelope with field, 204s,
// cursor pages, admin-only 403), and recording audit rows for its changes.
import { vi } from 'vitest';
import type { AdminUser, APIKey, AuditRow, DeadLetter, Team } from './api';

function json(status: number, body?: unknown) {
  return Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status }));
}
const invalid = (field: string, message: string) => json(400, { error: { code: 'invalid', message, field } });

export interface FakeOptions {
  role?: 'admin' | 'editor' | 'viewer';
  /** The API refuses the admin routes (a role lost since /api/me). */
  refuse?: boolean;
  deadLetters?: number;
}

export function fakeAdminServer(opts: FakeOptions = {}) {
  const role = opts.role ?? 'admin';
  const me = { user: { id: 'u1', tenant_id: 't', name: 'Ana Admin', email: 'ana@acme.example', role, disabled: false }, tenant: { id: 't', slug: 'acme', name: 'ACME' }, teams: [], roles: [role], scope: {} };
  const at = '2026-12-01T10:00:00Z';
  let seq = 10;
  const users: AdminUser[] = [
    { ...me.user, created_at: at },
    { id: 'u2', tenant_id: 't', name: 'Bruno Editor', email: 'bruno@acme.example', role: 'editor', disabled: false, created_at: at },
    { id: 'u3', tenant_id: 't', name: 'Carla Viewer', email: 'carla@acme.example', role: 'viewer', disabled: false, created_at: at },
  ];
  const teams: Team[] = [{ id: 'tm1', name: 'NOC', created_at: at }];
  const members: Record<string, string[]> = { tm1: ['u2'] };
  const keys: APIKey[] = [{ id: 'k1', name: 'Old module', sources: [], created_by: 'u1', created_at: at }];
  const dead: DeadLetter[] = Array.from({ length: opts.deadLetters ?? 3 }, (_, i) => ({
    id: `dl${i + 1}`, event_id: `ev-${i + 1}`, source: 'tickets', reason: `data.status: must be one of open, closed (${i + 1})`, field: 'data.status',
    payload: JSON.stringify({ id: `ev-${i + 1}`, source: 'tickets', data: { status: 'weird' } }), received_at: at,
  }));
  const audit: AuditRow[] = [];
  const record = (action: string, object_type: string, object_id: string, after: unknown = null) => {
    audit.unshift({ id: `a${++seq}`, user_id: 'u1', action, object_type, object_id, before: null, after, request_id: 'r', ip: '127.0.0.1', user_agent: 'test', created_at: new Date(Date.UTC(2026, 11, 2, 0, seq)).toISOString() });
  };
  record('dashboard.create', 'dashboard', 'd1');
  const calls: { method: string; url: string; body?: Record<string, unknown> }[] = [];

  const fetch = vi.fn((url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    const u = new URL(url, 'http://x');
    const path = u.pathname;
    if (path === '/api/me') return json(200, me);
    if (path === '/api/catalog') {
      return json(200, { sources: [
        { name: 'tickets', kind: 'entity', label: { 'pt-BR': 'Chamados', en: 'Tickets' }, fields: [] },
        { name: 'expenses', kind: 'entity', label: { 'pt-BR': 'Despesas', en: 'Expenses' }, fields: [] },
        { name: 'ticket_changes', kind: 'stream', label: { 'pt-BR': 'Mudanças', en: 'Changes' }, fields: [] },
      ] });
    }
    if (role !== 'admin' || opts.refuse) return json(403, { error: { code: 'forbidden', message: 'administrators only' } });

    if (path === '/api/users' && method === 'GET') return json(200, { items: users });
    if (path === '/api/users' && method === 'POST') {
      if (!body.name?.trim()) return invalid('name', 'is required');
      if (!/^[^@\s]+@[^@\s]+$/.test(body.email)) return invalid('email', 'is not a valid address');
      if (users.some((x) => x.email === body.email)) return json(409, { error: { code: 'conflict', message: 'email already in use', field: 'email' } });
      if (!['admin', 'editor', 'viewer'].includes(body.role)) return invalid('role', 'must be one of admin, editor, viewer');
      if ((body.password ?? '').length < 10) return invalid('password', 'must be at least 10 characters');
      const nu: AdminUser = { id: `u${++seq}`, tenant_id: 't', name: body.name, email: body.email, role: body.role, disabled: false, created_at: at };
      users.push(nu);
      record('user.create', 'user', nu.id, nu);
      return json(201, nu);
    }
    const userM = path.match(/^\/api\/users\/([^/]+)$/);
    if (userM && method === 'PATCH') {
      const x = users.find((y) => y.id === userM[1]);
      if (!x) return json(404, { error: { code: 'not_found', message: 'user not found' } });
      if (x.id === 'u1' && body.disabled) return invalid('disabled', 'administrators cannot disable themselves');
      if (x.id === 'u1' && body.role && body.role !== 'admin') return invalid('role', 'administrators cannot demote themselves');
      Object.assign(x, body);
      record('user.update', 'user', x.id, x);
      return json(200, x);
    }
    if (path === '/api/teams' && method === 'GET') return json(200, { items: teams });
    if (path === '/api/teams' && method === 'POST') {
      if (!body.name?.trim()) return invalid('name', 'is required');
      if (teams.some((x) => x.name === body.name)) return json(409, { error: { code: 'conflict', message: 'a team with this name exists', field: 'name' } });
      const tm: Team = { id: `tm${++seq}`, name: body.name, created_at: at };
      teams.push(tm);
      members[tm.id] = [];
      record('team.create', 'team', tm.id, tm);
      return json(201, tm);
    }
    const memM = path.match(/^\/api\/teams\/([^/]+)\/members(?:\/([^/]+))?$/);
    if (memM) {
      const list = members[memM[1]];
      if (!list) return json(404, { error: { code: 'not_found', message: 'team not found' } });
      if (method === 'GET') return json(200, { items: list });
      if (method === 'POST') {
        if (!users.some((x) => x.id === body.user_id)) return invalid('user_id', 'unknown user');
        if (!list.includes(body.user_id)) list.push(body.user_id);
        record('team.member_add', 'team', memM[1]);
        return json(204);
      }
      if (method === 'DELETE') {
        members[memM[1]] = list.filter((x) => x !== memM[2]);
        record('team.member_remove', 'team', memM[1]);
        return json(204);
      }
    }
    if (path === '/api/api-keys' && method === 'GET') return json(200, { items: keys });
    if (path === '/api/api-keys' && method === 'POST') {
      if (!body.name?.trim()) return invalid('name', 'is required');
      const bad = (body.sources as string[]).findIndex((s) => s !== 'tickets' && s !== 'expenses');
      if (bad >= 0) return invalid(`sources[${bad}]`, 'unknown source');
      const k: APIKey = { id: `k${++seq}`, name: body.name, sources: body.sources, created_by: 'u1', created_at: at };
      keys.push(k);
      record('api_key.create', 'api_key', k.id, k);
      return json(201, { ...k, key: 'crk_SECRET' + seq });
    }
    const keyM = path.match(/^\/api\/api-keys\/([^/]+)$/);
    if (keyM && method === 'DELETE') {
      const k = keys.find((x) => x.id === keyM[1]);
      if (!k) return json(404, { error: { code: 'not_found', message: 'api key not found' } });
      k.revoked_at = '2026-12-03T12:00:00Z';
      record('api_key.revoke', 'api_key', k.id);
      return json(204);
    }
    if (path === '/api/events/dead-letters') {
      const limit = Number(u.searchParams.get('limit') ?? 100);
      const cursor = u.searchParams.get('cursor');
      const start = cursor ? dead.findIndex((d) => d.id === cursor) + 1 : 0;
      const items = dead.slice(start, start + limit);
      return json(200, { items, ...(items.length === limit ? { next_cursor: items[items.length - 1].id } : {}) });
    }
    if (path === '/api/audit') {
      const q = u.searchParams;
      const since = q.get('since');
      if (since && Number.isNaN(Date.parse(since))) return invalid('since', 'must be an RFC 3339 time');
      let rows = audit.filter((r) => (!q.get('user') || r.user_id === q.get('user')) && (!q.get('action') || r.action === q.get('action'))
        && (!q.get('object_type') || r.object_type === q.get('object_type')) && (!q.get('object_id') || r.object_id === q.get('object_id'))
        && (!since || r.created_at >= since) && (!q.get('until') || r.created_at < q.get('until')!));
      const cursor = q.get('cursor');
      if (cursor) rows = rows.slice(rows.findIndex((r) => r.id === cursor) + 1);
      const limit = Number(q.get('limit') ?? 100);
      const items = rows.slice(0, limit);
      return json(200, { items, ...(items.length === limit ? { next_cursor: items[items.length - 1].id } : {}) });
    }
    return json(404, { error: { code: 'not_found', message: 'no route ' + method + ' ' + path } });
  });
  vi.stubGlobal('fetch', fetch);
  return { calls, users, teams, members, keys, dead, audit, me };
}
