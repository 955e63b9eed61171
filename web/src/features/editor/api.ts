// The widgets and query API (docs/api.md): create, change (If-Match with
// the version edited) and delete widgets; run a query for the preview.
import { request } from '../../api/http';
import type { QueryData, Query, Widget, WidgetConfig, WidgetType } from '../../api/types';

export interface WidgetInput {
  type: WidgetType;
  viz: string;
  title: string;
  config_json: WidgetConfig;
  refresh_interval_sec: number;
}

export const widgetsAPI = {
  create(dashboardId: string, w: WidgetInput) {
    return request<Widget>('POST', '/api/widgets', { body: { dashboard_id: dashboardId, ...w } });
  },
  update(id: string, version: number, w: WidgetInput) {
    return request<Widget>('PUT', `/api/widgets/${encodeURIComponent(id)}`, { body: w, headers: { 'If-Match': `"${version}"` } });
  },
  remove(id: string, version: number) {
    return request<void>('DELETE', `/api/widgets/${encodeURIComponent(id)}`, { headers: { 'If-Match': `"${version}"` } });
  },
  query(q: Query, signal?: AbortSignal) {
    return request<QueryData>('POST', '/api/query', { body: q, signal });
  },
};
