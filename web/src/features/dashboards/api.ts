// The dashboards API (docs/api.md, "Dashboards and widgets").
import { queryString, request } from '../../api/http';
import type { Dashboard, DashboardList, DashboardView, Entity, LayoutJSON } from '../../api/types';
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

/** The route of each filter dimension's values (narrowed by the caller's scope). */
const entityRoutes: Record<string, string> = {
  customer: '/api/customers', site: '/api/sites', team: '/api/teams', contract: '/api/contracts', cost_center: '/api/cost-centers',
};

export function listEntities(dim: string, signal?: AbortSignal) {
  return request<{ items: Entity[] }>('GET', entityRoutes[dim], { signal });
}
