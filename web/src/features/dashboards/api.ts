// The dashboards API (docs/api.md, "Dashboards and widgets").
import { queryString, request } from '../../api/http';
import type { Dashboard, DashboardList, DashboardView, Entity, Grant, GrantRole, GrantSubjects, LayoutJSON, SubjectType } from '../../api/types';
import type { Filters } from '../../realtime/frames';

export type Tab = 'mine' | 'team' | 'tenant';

export const dashboardsAPI = {
  list(tab: Tab, q: string, offset: number, limit: number, signal?: AbortSignal) {
    return request<DashboardList>('GET', '/api/dashboards' + queryString({ tab, q, offset: String(offset), limit: String(limit) }), { signal });
  },
  create(fields: Pick<Dashboard, 'name' | 'description'> & Partial<Pick<Dashboard, 'visibility' | 'team_id' | 'customer_id' | 'realtime_enabled'>>) {
    return request<Dashboard>('POST', '/api/dashboards', { body: fields });
  },
  /** Changes some fields of the version being edited (If-Match). */
  update(id: string, version: number, fields: Partial<Pick<Dashboard, 'name' | 'description' | 'visibility' | 'team_id' | 'customer_id' | 'realtime_enabled'>> & { layout_json?: LayoutJSON }) {
    return request<Dashboard>('PUT', `/api/dashboards/${encodeURIComponent(id)}`, { body: fields, headers: { 'If-Match': `"${version}"` } });
  },
  duplicate(id: string) {
    return request<Dashboard>('POST', `/api/dashboards/${encodeURIComponent(id)}/duplicate`);
  },
  remove(id: string, version: number) {
    return request<void>('DELETE', `/api/dashboards/${encodeURIComponent(id)}`, { headers: { 'If-Match': `"${version}"` } });
  },
  view(id: string, filters: Filters, signal?: AbortSignal) {
    return request<DashboardView>('GET', `/api/dashboards/${encodeURIComponent(id)}/view` + queryString(filters), { signal });
  },
};

/** A dashboard's grants (docs/api.md): listed to its editors, changed by its owner or an admin. */
export const grantsAPI = {
  list(dashboardID: string, signal?: AbortSignal) {
    return request<{ items: Grant[] }>('GET', `/api/dashboards/${encodeURIComponent(dashboardID)}/grants`, { signal });
  },
  /** Grants a role; for a subject that already has one, changes its role (same grant). */
  grant(dashboardID: string, body: { subject_type: SubjectType; subject_id: string; role: GrantRole }) {
    return request<Grant>('POST', `/api/dashboards/${encodeURIComponent(dashboardID)}/grants`, { body });
  },
  revoke(dashboardID: string, grantID: string) {
    return request<void>('DELETE', `/api/dashboards/${encodeURIComponent(dashboardID)}/grants/${encodeURIComponent(grantID)}`);
  },
  subjects(dashboardID: string, q: string, signal?: AbortSignal) {
    return request<GrantSubjects>('GET', `/api/dashboards/${encodeURIComponent(dashboardID)}/grant-subjects` + queryString({ q }), { signal });
  },
};

/** The route of each filter dimension's values (narrowed by the caller's scope). */
const entityRoutes: Record<string, string> = {
  customer: '/api/customers', site: '/api/sites', team: '/api/teams', contract: '/api/contracts', cost_center: '/api/cost-centers',
};

export function listEntities(dim: string, signal?: AbortSignal) {
  return request<{ items: Entity[] }>('GET', entityRoutes[dim], { signal });
}
