import type { Column, Row } from '../../realtime/frames';
import type { QueryData, Widget } from '../../api/types';

/** What a renderer draws: a widget's current rows, from /view or live. */
export interface WidgetData {
  columns: Column[];
  rows: Row[];
  totals?: Row;
  /** Server-computed subtotals; only from /view (frames carry none). */
  subtotals?: QueryData['subtotals'];
  compare?: QueryData['compare'];
}

/** Props every renderer takes. */
export interface RendererProps {
  widget: Widget;
  data: WidgetData;
}

/** Index of a column by name, or -1. */
export function columnIndex(columns: Column[], name: string | undefined): number {
  return name === undefined ? -1 : columns.findIndex((c) => c.name === name);
}

/** Names of the widget's metric columns (aliases of its query's metrics). */
export function metricNames(widget: Widget, columns: Column[]): string[] {
  const q = widget.config_json.query;
  const names = (q?.metrics ?? []).map((m, i) => m.as || `${m.agg}${m.field ? '_' + m.field : ''}` || `m${i}`);
  const present = names.filter((n) => columnIndex(columns, n) >= 0);
  if (present.length) return present;
  // A report-bound widget has no query here: numeric columns are metrics.
  return columns.filter((c) => c.type === 'int' || c.type === 'float').map((c) => c.name);
}

/** The aggregation of a metric column, when the query says it. */
export function metricAgg(widget: Widget, name: string): string | undefined {
  return widget.config_json.query?.metrics.find((m) => m.as === name)?.agg;
}
