import { describe, expect, it } from 'vitest';
import type { Grant } from '../../api/types';
import { availableSubjects, grantErrorControl, parseSubject, removeGrant, subjectKey, upsertGrant } from './grants';

const g = (id: string, type: 'user' | 'team', subject: string, role: 'viewer' | 'editor' = 'viewer'): Grant =>
  ({ id, dashboard_id: 'd1', subject_type: type, subject_id: subject, subject_name: subject.toUpperCase(), role, created_at: '2026-12-01T10:00:00Z' });

describe('grants state', () => {
  it('round-trips the picker value and refuses malformed ones', () => {
    expect(parseSubject(subjectKey('user', 'u:1'))).toEqual({ subject_type: 'user', subject_id: 'u:1' });
    expect(parseSubject(subjectKey('team', 't1'))).toEqual({ subject_type: 'team', subject_id: 't1' });
    for (const bad of ['', 'user', 'user:', 'group:t1', ':x']) expect(parseSubject(bad)).toBeNull();
  });

  it('offers only the subjects without a grant, a team and a user with the same id kept apart', () => {
    const subjects = { users: [{ id: 'a', name: 'Ana' }, { id: 'b', name: 'Bia' }], teams: [{ id: 'a', name: 'NOC' }, { id: 'c', name: 'Field' }] };
    const open = availableSubjects(subjects, [g('g1', 'user', 'a'), g('g2', 'team', 'c')]);
    expect(open.users.map((u) => u.id)).toEqual(['b']);
    expect(open.teams.map((x) => x.id)).toEqual(['a']);
  });

  it('adds a new grant at the end, replaces one by id (role change), removes by id', () => {
    const list = [g('g1', 'user', 'a'), g('g2', 'team', 'c')];
    expect(upsertGrant(list, g('g3', 'user', 'b')).map((x) => x.id)).toEqual(['g1', 'g2', 'g3']);
    const changed = upsertGrant(list, g('g1', 'user', 'a', 'editor'));
    expect(changed.map((x) => `${x.id}:${x.role}`)).toEqual(['g1:editor', 'g2:viewer']);
    expect(list[0].role).toBe('viewer');
    expect(removeGrant(list, 'g2').map((x) => x.id)).toEqual(['g1']);
    expect(removeGrant(list, 'nope')).toEqual(list);
  });

  it('puts a server problem at its control', () => {
    expect(grantErrorControl('subject_id')).toBe('subject');
    expect(grantErrorControl('subject_type')).toBe('subject');
    expect(grantErrorControl('role')).toBe('role');
    expect(grantErrorControl('')).toBe('');
    expect(grantErrorControl('tenant_id')).toBe('');
  });
});
