// Heatmap data: the x and y columns of a result, either as they are or
// folded (options.fold): time buckets become the hour of day (0-23) or
// the weekday (Sunday first) in the query's time zone, and the values of
// buckets that fold together add up (the demo folds a week of day x hour
// buckets into weekday x hour of day).
import type { Value } from '../../realtime/frames';
import { columnIndex, type WidgetData } from './types';

export type Fold = 'hour_of_day' | 'weekday';

export interface HeatmapOptions {
  x?: string;
  y?: string;
  value?: string;
  fold?: { x?: Fold; y?: Fold };
}

export interface HeatmapGrid {
  xLabels: string[];
  yLabels: string[];
  /** [x index, y index, value] for every non-empty cell. */
  cells: [number, number, number][];
  min: number;
  max: number;
  /** The axes' columns and, for an axis not folded, the raw value of each index (drill-down). */
  xName?: string;
  yName?: string;
  xValues?: Value[];
  yValues?: Value[];
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** The weekday (0 = Sunday) and hour of an instant in a time zone. */
export function localParts(v: Value, timeZone = 'UTC'): { weekday: number; hour: number } | null {
  const d = new Date(typeof v === 'number' ? v : String(v));
  if (v === null || Number.isNaN(d.getTime())) return null;
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
    partsFormats.set(timeZone, f);
  }
  let weekday = 0, hour = 0;
  for (const p of f.formatToParts(d)) {
    if (p.type === 'weekday') weekday = WEEKDAYS.indexOf(p.value);
    if (p.type === 'hour') hour = Number(p.value) % 24;
  }
  return { weekday, hour };
}

interface Axis {
  key(v: Value): number | null;
  labels: string[];
  values?: Value[];
}

function foldAxis(fold: Fold, timeZone: string, weekdayNames: string[]): Axis {
  if (fold === 'hour_of_day') {
    return { key: (v) => localParts(v, timeZone)?.hour ?? null, labels: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')) };
  }
  return { key: (v) => localParts(v, timeZone)?.weekday ?? null, labels: weekdayNames };
}

function categoryAxis(values: Value[], label: (v: Value) => string): Axis {
  const seen = new Map<string, number>();
  const labels: string[] = [];
  const raw: Value[] = [];
  for (const v of values) {
    const k = JSON.stringify(v);
    if (!seen.has(k)) { seen.set(k, labels.length); labels.push(label(v)); raw.push(v); }
  }
  return { key: (v) => seen.get(JSON.stringify(v)) ?? null, labels, values: raw };
}

/**
 * Builds the heatmap grid of data. Without options.x/y the first two
 * columns are the axes and the first numeric one after them the value.
 * weekdayNames are the seven short names, Sunday first, in the UI's
 * language; label formats the values of an axis that is not folded.
 */
export function heatmapGrid(data: WidgetData, opts: HeatmapOptions, timeZone: string | undefined,
  weekdayNames: string[], label: (v: Value, column: string) => string = (v) => String(v ?? '')): HeatmapGrid {
  const xName = opts.x ?? data.columns[0]?.name;
  const yName = opts.y ?? data.columns[1]?.name;
  const vName = opts.value ?? data.columns.find((c, i) => i > 1 && (c.type === 'int' || c.type === 'float'))?.name;
  const xi = columnIndex(data.columns, xName), yi = columnIndex(data.columns, yName), vi = columnIndex(data.columns, vName);
  const empty: HeatmapGrid = { xLabels: [], yLabels: [], cells: [], min: 0, max: 0 };
  if (xi < 0 || yi < 0 || vi < 0) return empty;
  const tz = timeZone || 'UTC';
  const xAxis = opts.fold?.x ? foldAxis(opts.fold.x, tz, weekdayNames) : categoryAxis(data.rows.map((r) => r[xi]), (v) => label(v, xName!));
  const yAxis = opts.fold?.y ? foldAxis(opts.fold.y, tz, weekdayNames) : categoryAxis(data.rows.map((r) => r[yi]), (v) => label(v, yName!));
  const sums = new Map<string, number>();
  for (const r of data.rows) {
    const x = xAxis.key(r[xi]), y = yAxis.key(r[yi]);
    const v = typeof r[vi] === 'number' ? (r[vi] as number) : Number(r[vi]);
    if (x === null || y === null || x < 0 || y < 0 || !Number.isFinite(v)) continue;
    const k = `${x},${y}`;
    sums.set(k, (sums.get(k) ?? 0) + v);
  }
  const cells: [number, number, number][] = [...sums].map(([k, v]) => {
    const [x, y] = k.split(',').map(Number);
    return [x, y, v];
  });
  cells.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const vals = cells.map((c) => c[2]);
  return { xLabels: xAxis.labels, yLabels: yAxis.labels, cells, min: vals.length ? Math.min(...vals) : 0, max: vals.length ? Math.max(...vals) : 0,
    xName, yName, xValues: xAxis.values, yValues: yAxis.values };
}
