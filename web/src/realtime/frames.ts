// Realtime frames of DESIGN.md §4, as specified by
// schema/realtime/frames.schema.json (the server validates every frame it
// encodes against that schema in schema/frames_test.go).

/** A cell of a result row. */
export type Value = string | number | boolean | null;
/** A result row. */
export type Row = Value[];

/** A result column. */
export interface Column {
  name: string;
  type: 'string' | 'int' | 'float' | 'bool' | 'time';
  label?: string;
}

/** Global filters of a subscription: a value or a list of values each. */
export type Filters = Record<string, string | string[]>;

export interface SnapshotFrame {
  type: 'snapshot';
  widgetId: string;
  seq: number;
  columns: Column[];
  keyColumns: number;
  rows: Row[];
  totals?: Row;
  at: number;
}

export interface DeltaFrame {
  type: 'delta';
  widgetId: string;
  seq: number;
  upsert: Row[];
  delete: Row[];
  order?: Row[];
  totals?: Row;
  at: number;
}

export interface BannerFrame {
  type: 'banner';
  dashboardId: string;
  level: 'info' | 'warning' | 'critical';
  text: string;
}

export interface DashboardFrame {
  type: 'dashboard';
  dashboardId: string;
  deleted?: boolean;
}

export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  widgetId?: string;
}

export interface ControlFrame {
  type: 'PONG' | 'revoked';
}

/** Every frame the server sends. */
export type ServerFrame = SnapshotFrame | DeltaFrame | BannerFrame | DashboardFrame | ErrorFrame | ControlFrame;

/** Frames the client sends over the WebSocket. */
export type ClientFrame =
  | { type: 'SUBSCRIBE'; dashboardId: string; widgetIds: string[]; filters: Filters; lastSeq: Record<string, number> }
  | { type: 'UNSUBSCRIBE'; dashboardId: string; widgetIds: string[] }
  | { type: 'PING' };
