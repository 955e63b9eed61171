import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import type { Me } from '../../api/types';
import {
  appendPage, auditQuery, candidates, emptyAuditForm, errorControl, isAdmin, isForbidden, keyErrorControl, keySources,
  localToRFC3339, membersOf, prettyPayload, upsertById, userName,
} from './admin';
import type { AdminUser } from './api';

const user = (id: string, name: string, extra: Partial<AdminUser> = {}): AdminUser =>
  ({ id, name, email: `${id}@x`, role: 'viewer', disabled: false, tenant_id: 't', created_at: '2026-12-01T00:00:00Z', ...extra });

describe('admin logic', () => {
  it('lets only admins in and recognises the API refusal', () => {
    const me = (role: 'admin' | 'editor' | 'viewer') => ({ user: { role } } as Me);
    expect(isAdmin(me('admin'))).toBe(true);
    expect(isAdmin(me('editor'))).toBe(false);
    expect(isAdmin(me('viewer'))).toBe(false);
    expect(isAdmin(null)).toBe(false);
    expect(isForbidden(new ApiError(403, 'forbidden', 'admins only'))).toBe(true);
    expect(isForbidden(new ApiError(404, 'not_found', 'no'))).toBe(false);
    expect(isForbidden(new Error('x'))).toBe(false);
  });

  it('puts a server error at its field when the form has it', () => {
    const fields = ['name', 'email', 'password'] as const;
    expect(errorControl(new ApiError(400, 'invalid', 'bad', 'email'), fields)).toBe('email');
    expect(errorControl(new ApiError(400, 'invalid', 'bad', 'origin'), fields)).toBe('');
    expect(errorControl(new ApiError(409, 'conflict', 'taken', ''), fields)).toBe('');
    expect(errorControl(new Error('net'), fields)).toBe('');
    expect(keyErrorControl(new ApiError(400, 'invalid', 'unknown source', 'sources[1]'))).toBe('sources');
    expect(keyErrorControl(new ApiError(400, 'invalid', 'required', 'name'))).toBe('name');
    expect(keyErrorControl(new ApiError(500, 'internal', 'x', ''))).toBe('');
  });

  it('updates lists by id and appends pages without repeats', () => {
    const a = user('a', 'Ana');
    const b = user('b', 'Bia');
    expect(upsertById([a], b)).toEqual([a, b]);
    expect(upsertById([a, b], { ...a, role: 'admin' })).toEqual([{ ...a, role: 'admin' }, b]);
    expect(appendPage([a], [a, b]).map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('offers active non-members, names members and unknown ids', () => {
    const us = [user('c', 'Caio'), user('a', 'Ana'), user('d', 'Dora', { disabled: true }), user('b', 'Bia')];
    expect(candidates(us, ['b']).map((u) => u.name)).toEqual(['Ana', 'Caio']);
    expect(membersOf(us, ['c', 'zz', 'a'])).toEqual([
      { id: 'a', name: 'Ana', email: 'a@x' }, { id: 'c', name: 'Caio', email: 'c@x' }, { id: 'zz', name: 'zz', email: '' }]);
    expect(userName(us, 'b')).toBe('Bia');
    expect(userName(us, 'gone')).toBe('gone');
    expect(userName(us, '')).toBe('');
  });

  it('turns the audit filter form into the API query and refuses bad times', () => {
    expect(auditQuery(emptyAuditForm)).toEqual({ query: {} });
    const since = '2026-12-04T10:30';
    const r = auditQuery({ ...emptyAuditForm, user: 'u1', action: ' user.create ', since, until: '2026-12-04T11:00' });
    expect(r).toEqual({ query: { user: 'u1', action: 'user.create', since: localToRFC3339(since), until: localToRFC3339('2026-12-04T11:00') } });
    expect(localToRFC3339(since)).toBe(new Date(2026, 11, 4, 10, 30).toISOString().replace('.000Z', 'Z'));
    expect(auditQuery({ ...emptyAuditForm, since: 'yesterday' })).toEqual({ error: { control: 'since', reason: 'time' } });
    expect(auditQuery({ ...emptyAuditForm, since: '2026-12-05T00:00', until: '2026-12-04T00:00' })).toEqual({ error: { control: 'until', reason: 'order' } });
  });

  it('shows JSON payloads indented and anything else as received', () => {
    expect(prettyPayload('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyPayload('{not json')).toBe('{not json');
  });

  it('offers the entity sources of the catalogue, labelled in the language', () => {
    const cat: { sources: { name: string; kind: string; label: Record<string, string> }[] } = { sources: [
      { name: 'tickets', kind: 'entity', label: { 'pt-BR': 'Chamados', en: 'Tickets' } },
      { name: 'ticket_events', kind: 'stream', label: { en: 'Ticket events' } },
      { name: 'expenses', kind: 'entity', label: { en: 'Expenses' } },
    ] };
    expect(keySources(cat, 'pt-BR')).toEqual([{ name: 'tickets', label: 'Chamados' }, { name: 'expenses', label: 'Expenses' }]);
    expect(keySources(null, 'en')).toEqual([]);
  });
});
