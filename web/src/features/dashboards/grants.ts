// The state of a dashboard's grants dialog, as pure functions: the
// picker's value ("user:<id>" / "team:<id>"), the subjects still
// available to it, and the list after a grant, role change or revoke.
import type { Entity, Grant, GrantSubjects, SubjectType } from '../../api/types';

/** The picker's value of a subject. */
export function subjectKey(type: SubjectType, id: string): string {
  return `${type}:${id}`;
}

/** Parses a picker value; null for none or a malformed one. */
export function parseSubject(key: string): { subject_type: SubjectType; subject_id: string } | null {
  const i = key.indexOf(':');
  if (i < 0) return null;
  const type = key.slice(0, i);
  const id = key.slice(i + 1);
  if ((type !== 'user' && type !== 'team') || !id) return null;
  return { subject_type: type, subject_id: id };
}

/** The subjects that have no grant yet, users and teams apart. */
export function availableSubjects(subjects: GrantSubjects, grants: Grant[]): { users: Entity[]; teams: Entity[] } {
  const taken = new Set(grants.map((g) => subjectKey(g.subject_type, g.subject_id)));
  return {
    users: subjects.users.filter((u) => !taken.has(subjectKey('user', u.id))),
    teams: subjects.teams.filter((x) => !taken.has(subjectKey('team', x.id))),
  };
}

/** The list with g added, or replacing the grant with its id (a role change). */
export function upsertGrant(grants: Grant[], g: Grant): Grant[] {
  return grants.some((x) => x.id === g.id) ? grants.map((x) => (x.id === g.id ? g : x)) : [...grants, g];
}

/** The list without the grant id. */
export function removeGrant(grants: Grant[], id: string): Grant[] {
  return grants.filter((g) => g.id !== id);
}

/** The form control a server error belongs to: the picker, the role, or none (general). */
export function grantErrorControl(field: string): 'subject' | 'role' | '' {
  if (field === 'subject_id' || field === 'subject_type') return 'subject';
  if (field === 'role') return 'role';
  return '';
}
