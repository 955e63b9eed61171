// The admin API (docs/api.md; http/admin.go, http/events.go): users,
// teams and their members, module API keys, dead letters and the audit log.
// Every route is for tenant admins; the server answers 403 to others.
import { queryString, request } from '../../api/http';
import type { User } from '../../api/types';

export type Role = User['role'];
export const ROLES: Role[] = ['admin', 'editor', 'viewer'];

/** A user as GET /api/users lists it (app.UserJSON). */
export interface AdminUser extends User {
  external_id?: string;
  created_at: string;
}

export interface Team { id: string; name: string; created_at: string }

/** A module API key without its secret (app.APIKeyJSON). */
export interface APIKey {
  id: string;
  name: string;
  /** The sources it may ingest; empty means every source. */
  sources: string[];
  created_by?: string;
  created_at: string;
  revoked_at?: string;
}

/** The 201 answer of POST /api/api-keys: the only time the secret is shown. */
export interface CreatedAPIKey extends APIKey { key: string }

export interface DeadLetter {
  id: string;
  event_id: string;
  source: string;
  reason: string;
  field: string;
  payload: string;
  received_at: string;
}

export interface AuditRow {
  id: string;
  user_id: string;
  action: string;
  object_type: string;
  object_id: string;
  before: unknown;
  after: unknown;
  request_id: string;
  ip: string;
  user_agent: string;
  created_at: string;
}

/** GET /api/audit's query: user, action, object_type, object_id, since, until (RFC 3339), cursor, limit. */
export interface AuditQuery {
  user?: string;
  action?: string;
  object_type?: string;
  object_id?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit?: string;
}

export interface Page<T> { items: T[]; next_cursor?: string }

const id = encodeURIComponent;

export const adminAPI = {
  users(signal?: AbortSignal) {
    return request<Page<AdminUser>>('GET', '/api/users', { signal });
  },
  createUser(body: { name: string; email: string; role: Role; password: string }) {
    return request<AdminUser>('POST', '/api/users', { body });
  },
  updateUser(userID: string, body: { name?: string; role?: Role; disabled?: boolean; password?: string }) {
    return request<AdminUser>('PATCH', `/api/users/${id(userID)}`, { body });
  },
  teams(signal?: AbortSignal) {
    return request<Page<Team>>('GET', '/api/teams', { signal });
  },
  createTeam(name: string) {
    return request<Team>('POST', '/api/teams', { body: { name } });
  },
  /** The ids of a team's members. */
  members(teamID: string, signal?: AbortSignal) {
    return request<Page<string>>('GET', `/api/teams/${id(teamID)}/members`, { signal });
  },
  addMember(teamID: string, userID: string) {
    return request<void>('POST', `/api/teams/${id(teamID)}/members`, { body: { user_id: userID } });
  },
  removeMember(teamID: string, userID: string) {
    return request<void>('DELETE', `/api/teams/${id(teamID)}/members/${id(userID)}`);
  },
  apiKeys(signal?: AbortSignal) {
    return request<Page<APIKey>>('GET', '/api/api-keys', { signal });
  },
  createAPIKey(name: string, sources: string[]) {
    return request<CreatedAPIKey>('POST', '/api/api-keys', { body: { name, sources } });
  },
  revokeAPIKey(keyID: string) {
    return request<void>('DELETE', `/api/api-keys/${id(keyID)}`);
  },
  deadLetters(cursor: string, limit: number, signal?: AbortSignal) {
    return request<Page<DeadLetter>>('GET', '/api/events/dead-letters' + queryString({ cursor, limit: String(limit) }), { signal });
  },
  audit(q: AuditQuery, signal?: AbortSignal) {
    return request<Page<AuditRow>>('GET', '/api/audit' + queryString({ ...q }), { signal });
  },
};
