// Shapes of the REST API (docs/api.md; app/views.go and http/*.go). The
// realtime frames are in realtime/frames.ts, after their JSON Schema.
import type { Column, Row } from '../realtime/frames';

export interface User {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  role: 'admin' | 'editor' | 'viewer';
  disabled: boolean;
}

export interface Me {
  user: User;
  tenant: { id: string; slug: string; name: string };
  teams: { id: string; name: string }[];
  roles: string[];
  scope: Record<string, string[]>;
}

export type Visibility = 'private' | 'group' | 'customer' | 'public';

/** A grid item of layout_json: widget id and grid units. */
export interface GridItem { i: string; x: number; y: number; w: number; h: number }
/** layout_json: a grid per breakpoint. */
export type LayoutJSON = Partial<Record<Breakpoint, GridItem[]>>;
export type Breakpoint = 'lg' | 'md' | 'sm' | 'xs' | 'xxs';

/** filters_json: the global filters a dashboard offers. */
export interface FiltersJSON {
  date_range?: { presets?: string[]; default?: string };
  dimensions?: Dimension[];
}
export type Dimension = 'customer' | 'site' | 'team' | 'contract' | 'cost_center';

export interface Dashboard {
  id: string;
  name: string;
  description: string;
  layout_json: LayoutJSON;
  filters_json: FiltersJSON;
  owner_id: string;
  team_id?: string;
  customer_id?: string;
  visibility: Visibility;
  realtime_enabled: boolean;
  version: number;
  created_at: string;
  updated_at: string;
  widgets?: Widget[];
}

export interface DashboardList {
  items: Dashboard[];
  total: number;
  limit: number;
  offset: number;
}

export interface QueryMetric { agg: string; field?: string; as?: string }
export interface QueryGroup { field: string; granularity?: string; as?: string }
export interface Query {
  source: string;
  metrics: QueryMetric[];
  groups?: QueryGroup[];
  time_zone?: string;
  compare?: string;
  [k: string]: unknown;
}

export interface Threshold { value: number; level: 'ok' | 'warn' | 'crit' }
export interface KPIConfig {
  metric?: string;
  target?: number;
  direction?: 'higher_is_better' | 'lower_is_better';
  thresholds?: Threshold[];
  /** The KPI's recent trend: its query by a time field, the last points buckets. */
  sparkline?: { field?: string; granularity?: 'hour' | 'day' | 'week' | 'month'; points?: number };
}

export interface WidgetConfig {
  query?: Query;
  report_id?: string;
  options?: Record<string, unknown>;
  hierarchy?: string;
  kpi?: KPIConfig;
  text?: string;
}

export type WidgetType = 'chart' | 'table' | 'kpi' | 'text';
export type Viz = 'bar' | 'line' | 'area' | 'pie' | 'donut' | 'treemap' | 'heatmap' | 'table' | 'kpi' | string;

export interface Widget {
  id: string;
  dashboard_id: string;
  type: WidgetType;
  viz: Viz;
  title: string;
  config_json: WidgetConfig;
  position: number;
  refresh_interval_sec: number;
  realtime_channel?: string;
  version: number;
}

/** A query result as /view and POST /api/query answer it. */
export interface QueryData {
  columns: Column[];
  rows: Row[];
  totals?: Row;
  subtotals?: Record<string, Row[]>;
  compare?: { kind: string; from: string; to: string; rows: Row[]; totals?: Row };
  meta?: { route: string; cache: string; sql_ms: number; rows: number };
}

export interface ErrorDetail { code: string; message: string; field?: string }

export interface ViewWidget extends Widget {
  data?: QueryData;
  error?: ErrorDetail;
}

export interface DashboardView {
  dashboard: Dashboard;
  filters: { from?: string; to?: string; dims?: Record<string, string[]> };
  widgets: ViewWidget[];
}

/** An entity of the filter bar (customer, site, team, ...). */
export interface Entity { id: string; name: string; customer_id?: string; code?: string }

/** A user's or team's role on a dashboard, besides its owner (R5.2). */
export type GrantRole = 'viewer' | 'editor';
export type SubjectType = 'user' | 'team';

/** A grant on a dashboard, with its subject's name. */
export interface Grant {
  id: string;
  dashboard_id: string;
  subject_type: SubjectType;
  subject_id: string;
  subject_name: string;
  role: GrantRole;
  created_at: string;
}

/** Who a grant may be given to: ids and names of the dashboard's tenant. */
export interface GrantSubjects { users: Entity[]; teams: Entity[] }
