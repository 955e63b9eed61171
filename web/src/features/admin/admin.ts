// The admin section's logic as pure functions: who may open it, which
// form control a server error belongs to, list updates after a change,
// the audit filter form turned into GET /api/audit's query, and how a
// dead letter's payload is shown.
import { ApiError } from '../../api/http';
import type { Me } from '../../api/types';
import type { AdminUser, AuditQuery } from './api';

/** Only tenant admins see the Admin section. */
export function isAdmin(me: Me | null | undefined): boolean {
  return me?.user.role === 'admin';
}

/** The server refused because the caller is not an admin (or lost the role). */
export function isForbidden(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403;
}

/**
 * The form control a server error belongs to: its `field` when the form has
 * that control, else '' (shown as a general error of the form).
 */
export function errorControl<F extends string>(err: unknown, controls: readonly F[]): F | '' {
  const field = err instanceof ApiError ? err.field : '';
  return (controls as readonly string[]).includes(field) ? (field as F) : '';
}

/** The list with x replacing the item of the same id, or appended when new. */
export function upsertById<T extends { id: string }>(items: T[], x: T): T[] {
  return items.some((i) => i.id === x.id) ? items.map((i) => (i.id === x.id ? x : i)) : [...items, x];
}

/** Items of a next page appended, without repeating one already shown. */
export function appendPage<T extends { id: string }>(items: T[], more: T[]): T[] {
  const seen = new Set(items.map((i) => i.id));
  return [...items, ...more.filter((i) => !seen.has(i.id))];
}

/** A user's name by id; the id itself for one not in the list (deleted, another source). */
export function userName(users: AdminUser[], id: string): string {
  if (!id) return '';
  return users.find((u) => u.id === id)?.name ?? id;
}

/** Active users who are not in the team yet, by name: the ones "add member" offers. */
export function candidates(users: AdminUser[], memberIDs: string[]): AdminUser[] {
  const taken = new Set(memberIDs);
  return users.filter((u) => !u.disabled && !taken.has(u.id)).sort((a, b) => a.name.localeCompare(b.name));
}

/** The members as users, by name (ids the list does not know are kept with the id as name). */
export function membersOf(users: AdminUser[], memberIDs: string[]): { id: string; name: string; email: string }[] {
  return memberIDs
    .map((id) => {
      const u = users.find((x) => x.id === id);
      return { id, name: u?.name ?? id, email: u?.email ?? '' };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The audit filter form: values as the inputs hold them (datetime-local is local time, no zone). */
export interface AuditForm {
  user: string;
  action: string;
  object_type: string;
  object_id: string;
  since: string;
  until: string;
}

export const emptyAuditForm: AuditForm = { user: '', action: '', object_type: '', object_id: '', since: '', until: '' };

/** A datetime-local value ("2026-12-04T10:30") as RFC 3339 in UTC; null when it is not a time. */
export function localToRFC3339(v: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)) return null;
  const d = new Date(v); // no zone: the browser's local time
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * GET /api/audit's query from the filter form, or the control that is
 * wrong: a time that does not parse, or "since" after "until".
 */
export function auditQuery(f: AuditForm): { query: AuditQuery } | { error: { control: 'since' | 'until'; reason: 'time' | 'order' } } {
  const q: AuditQuery = {};
  for (const k of ['user', 'action', 'object_type', 'object_id'] as const) {
    const v = f[k].trim();
    if (v) q[k] = v;
  }
  for (const k of ['since', 'until'] as const) {
    if (!f[k]) continue;
    const ts = localToRFC3339(f[k]);
    if (!ts) return { error: { control: k, reason: 'time' } };
    q[k] = ts;
  }
  if (q.since && q.until && q.since > q.until) return { error: { control: 'until', reason: 'order' } };
  return { query: q };
}

/** A payload for reading: indented when it is JSON, as received otherwise. */
export function prettyPayload(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** The sources a module key may be scoped to: the catalogue's entity sources. */
export function keySources(catalog: { sources: { name: string; kind?: string; label: Record<string, string> }[] } | null, lang: string): { name: string; label: string }[] {
  return (catalog?.sources ?? [])
    .filter((s) => s.kind === undefined || s.kind === 'entity')
    .map((s) => ({ name: s.name, label: s.label[lang] ?? s.label.en ?? s.name }));
}

/** The form control of an API key error: "sources[2]" belongs to the sources group. */
export function keyErrorControl(err: unknown): 'name' | 'sources' | '' {
  const field = err instanceof ApiError ? err.field : '';
  if (field === 'name') return 'name';
  if (field === 'sources' || field.startsWith('sources[')) return 'sources';
  return '';
}
