// ECharts options for the chart visualisations (bar/column, line, area,
// pie, donut, treemap, heatmap), each with the data table that stands in
// for the chart for people who cannot see it (WCAG 1.1.1).
import type { Value } from '../../realtime/frames';
import type { Widget } from '../../api/types';
import { heatmapGrid, type HeatmapOptions } from './heatmap';
import { columnIndex, metricNames, type WidgetData } from './types';

/** A plain table: what the chart shows, as text. */
export interface DataTable {
  headers: string[];
  rows: (string | number)[][];
  /** Per row, the raw values of its dimensions (column -> value), for drill-down. */
  keys?: (Keys | null)[];
}

/** Raw dimension values of a chart element or table row: column -> value. */
export type Keys = Record<string, Value>;

/** The parts of an ECharts click event the charts read. */
export interface ClickParams {
  dataIndex?: number;
  data?: unknown;
  value?: unknown;
}

export interface ChartModel {
  /** An ECharts option object (echarts' own type is not worth its import here). */
  option: Record<string, unknown>;
  table: DataTable;
  /** The raw dimension values of a clicked element (null: none, e.g. a folded axis). */
  pick(p: ClickParams): Keys | null;
}

/** What the builders need of the UI: labels, numbers, colours. */
export interface ChartEnv {
  /** A value of a column as people read it (entity names, dates). */
  label(v: Value, column: string): string;
  /** A column's header. */
  header(column: string): string;
  num(v: number): string;
  weekdays: string[];
  palette: string[];
  text: string;
  muted: string;
  background: string;
  /** The colour of a heatmap's smallest value, apart from the background. */
  scaleLow: string;
  reducedMotion: boolean;
}

function toNum(v: Value): number {
  return typeof v === 'number' ? v : Number(v ?? 0);
}

function base(env: ChartEnv): Record<string, unknown> {
  return {
    animation: !env.reducedMotion,
    color: env.palette,
    textStyle: { color: env.text },
    backgroundColor: 'transparent',
    aria: { enabled: true },
    tooltip: { trigger: 'item', confine: true },
  };
}

function axisStyle(env: ChartEnv) {
  return { axisLabel: { color: env.text }, axisLine: { lineStyle: { color: env.muted } }, splitLine: { lineStyle: { color: env.muted, opacity: 0.3 } } };
}

/** The category (non-metric) columns and the metric columns of data. */
function split(widget: Widget, data: WidgetData) {
  const metrics = metricNames(widget, data.columns);
  const dims = data.columns.map((c) => c.name).filter((n) => !metrics.includes(n));
  return { metrics, dims };
}

/** The dimension values of a row. */
function rowKeys(data: WidgetData, dims: string[], r: Value[]): Keys {
  const out: Keys = {};
  for (const d of dims) {
    const i = columnIndex(data.columns, d);
    if (i >= 0) out[d] = r[i];
  }
  return out;
}

function plainTable(data: WidgetData, env: ChartEnv, dims: string[]): DataTable {
  return {
    headers: data.columns.map((c) => env.header(c.name)),
    rows: data.rows.map((r) => r.map((v, i) => (typeof v === 'number' ? env.num(v) : env.label(v, data.columns[i].name)))),
    keys: data.rows.map((r) => rowKeys(data, dims, r)),
  };
}

/**
 * Series of a category chart: the first dimension is the category axis; a
 * second dimension splits the first metric into one series per value,
 * else each metric is a series.
 */
function categorySeries(widget: Widget, data: WidgetData, env: ChartEnv) {
  const { metrics, dims } = split(widget, data);
  const ci = columnIndex(data.columns, dims[0]);
  const categories: string[] = [];
  const raw: Value[] = [];
  const catIndex = new Map<string, number>();
  for (const r of data.rows) {
    const k = JSON.stringify(ci >= 0 ? r[ci] : '');
    if (!catIndex.has(k)) {
      catIndex.set(k, categories.length);
      categories.push(ci >= 0 ? env.label(r[ci], dims[0]) : '');
      raw.push(ci >= 0 ? r[ci] : null);
    }
  }
  const series: { name: string; data: (number | null)[] }[] = [];
  if (dims.length > 1) {
    const si = columnIndex(data.columns, dims[1]);
    const mi = columnIndex(data.columns, metrics[0]);
    const byName = new Map<string, (number | null)[]>();
    for (const r of data.rows) {
      const name = env.label(r[si], dims[1]);
      if (!byName.has(name)) byName.set(name, new Array(categories.length).fill(null));
      byName.get(name)![catIndex.get(JSON.stringify(ci >= 0 ? r[ci] : ''))!] = toNum(r[mi]);
    }
    for (const [name, d] of byName) series.push({ name, data: d });
  } else {
    for (const m of metrics) {
      const mi = columnIndex(data.columns, m);
      const d: (number | null)[] = new Array(categories.length).fill(null);
      for (const r of data.rows) d[catIndex.get(JSON.stringify(ci >= 0 ? r[ci] : ''))!] = toNum(r[mi]);
      series.push({ name: env.header(m), data: d });
    }
  }
  return { categories, series, raw, dim: ci >= 0 ? dims[0] : undefined };
}

/** Keys of element i of a list of raw values of column dim. */
function indexPick(raw: Value[], dim: string | undefined) {
  return (p: ClickParams): Keys | null => (dim && p.dataIndex !== undefined && p.dataIndex < raw.length ? { [dim]: raw[p.dataIndex] } : null);
}

function barOrLine(widget: Widget, data: WidgetData, env: ChartEnv, kind: 'bar' | 'line' | 'area'): ChartModel {
  const opts = (widget.config_json.options ?? {}) as { orientation?: string; stacked?: boolean; stack?: boolean };
  const { categories, series, raw, dim } = categorySeries(widget, data, env);
  const horizontal = kind === 'bar' && opts.orientation === 'horizontal';
  const stacked = Boolean(opts.stacked ?? opts.stack);
  const cat = { type: 'category', data: categories, ...axisStyle(env), inverse: horizontal };
  const val = { type: 'value', ...axisStyle(env) };
  return {
    option: {
      ...base(env),
      tooltip: { trigger: 'axis', confine: true },
      legend: series.length > 1 ? { textStyle: { color: env.text }, type: 'scroll' } : undefined,
      grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? cat : val,
      series: series.map((s) => ({
        type: kind === 'bar' ? 'bar' : 'line', name: s.name, data: s.data,
        stack: stacked || kind === 'area' ? 'total' : undefined,
        areaStyle: kind === 'area' ? {} : undefined,
        smooth: false,
      })),
    },
    table: plainTable(data, env, split(widget, data).dims),
    pick: indexPick(raw, dim),
  };
}

function pie(widget: Widget, data: WidgetData, env: ChartEnv, donut: boolean): ChartModel {
  const { metrics, dims } = split(widget, data);
  const ci = columnIndex(data.columns, dims[0]);
  const mi = columnIndex(data.columns, metrics[0]);
  return {
    option: {
      ...base(env),
      legend: { type: 'scroll', bottom: 0, textStyle: { color: env.text } },
      series: [{
        type: 'pie', radius: donut ? ['45%', '70%'] : '70%', center: ['50%', '45%'],
        label: { color: env.text },
        data: data.rows.map((r) => ({ name: ci >= 0 ? env.label(r[ci], dims[0]) : '', value: toNum(r[mi]) })),
      }],
    },
    table: plainTable(data, env, dims),
    pick: indexPick(data.rows.map((r) => (ci >= 0 ? r[ci] : null)), ci >= 0 ? dims[0] : undefined),
  };
}

/** A treemap node; keys are the raw values of the dimensions down to it. */
interface TreeNode { name: string; value: number; keys: Keys; children?: TreeNode[] }

/** Nests rows by their dimensions, in order; leaves carry the metric. */
export function treeOf(data: WidgetData, dims: string[], metric: string, label: ChartEnv['label']): TreeNode[] {
  const mi = columnIndex(data.columns, metric);
  const idx = dims.map((d) => columnIndex(data.columns, d));
  const root: TreeNode = { name: '', value: 0, keys: {}, children: [] };
  for (const r of data.rows) {
    let node = root;
    const v = toNum(r[mi]);
    idx.forEach((i, depth) => {
      const name = label(r[i], dims[depth]);
      node.children ??= [];
      let child = node.children.find((c) => c.name === name);
      if (!child) node.children.push((child = { name, value: 0, keys: { ...node.keys, [dims[depth]]: r[i] } }));
      child.value += v;
      node = child;
    });
  }
  return root.children ?? [];
}

/**
 * A treemap shows the top level; a click drills into a node's children:
 * on the server along the widget's hierarchy when it has one (drill),
 * else by zooming into the children the data already holds.
 */
function treemap(widget: Widget, data: WidgetData, env: ChartEnv, drill: boolean): ChartModel {
  const { metrics, dims } = split(widget, data);
  const tree = treeOf(data, dims, metrics[0], env.label);
  return {
    option: {
      ...base(env),
      series: [{
        type: 'treemap', name: widget.title, data: tree, roam: false, nodeClick: drill ? false : 'zoomToNode',
        leafDepth: dims.length > 1 ? 1 : undefined,
        // Drilling on the server, the widget's own breadcrumb says where it is.
        breadcrumb: { show: !drill, itemStyle: { color: env.background, borderColor: env.muted, textStyle: { color: env.text } } },
        label: { show: true, formatter: '{b}' }, upperLabel: { show: false },
        levels: [{ itemStyle: { borderColor: env.background, borderWidth: 2, gapWidth: 2 } }, { colorSaturation: [0.35, 0.6], itemStyle: { gapWidth: 1 } }],
      }],
    },
    table: plainTable(data, env, dims),
    pick: (p) => ((p.data as TreeNode | undefined)?.keys ?? null),
  };
}

function heatmap(widget: Widget, data: WidgetData, env: ChartEnv): ChartModel {
  const opts = (widget.config_json.options ?? {}) as HeatmapOptions;
  const g = heatmapGrid(data, opts, widget.config_json.query?.time_zone, env.weekdays, env.label);
  const grid = new Map(g.cells.map(([x, y, v]) => [`${x},${y}`, v]));
  return {
    option: {
      ...base(env),
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: g.xLabels, splitArea: { show: true }, ...axisStyle(env) },
      // The first row (Sunday, or the first category) on top, as in a calendar.
      yAxis: { type: 'category', data: g.yLabels, inverse: true, splitArea: { show: true }, ...axisStyle(env) },
      visualMap: {
        min: g.min, max: Math.max(g.max, g.min + 1), calculable: true, orient: 'vertical', right: 0, top: 'middle', itemHeight: 100,
        textStyle: { color: env.text }, inRange: { color: [env.scaleLow, env.palette[0]] },
      },
      // The scale's low end is close to the background on purpose (few
      // events look faint), so every cell is outlined in the muted axis
      // colour (>= 3:1 against the background, WCAG 1.4.11); the values
      // themselves are in the tooltip and the data table.
      series: [{ type: 'heatmap', data: g.cells, label: { show: false }, itemStyle: { borderColor: env.muted, borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: env.text, borderWidth: 2 } } }],
    },
    table: {
      headers: ['', ...g.xLabels],
      rows: g.yLabels.map((y, yi) => [y, ...g.xLabels.map((_, xi) => env.num(grid.get(`${xi},${yi}`) ?? 0))]),
      // A table row is a y value; folded axes have no raw value to drill by.
      keys: g.yLabels.map((_, yi) => (g.yValues && g.yName ? { [g.yName]: g.yValues[yi] } : null)),
    },
    pick: (p) => {
      const [x, y] = (Array.isArray(p.value) ? p.value : p.data) as [number, number] ?? [];
      const keys: Keys = {};
      if (g.xValues && g.xName && x !== undefined) keys[g.xName] = g.xValues[x];
      if (g.yValues && g.yName && y !== undefined) keys[g.yName] = g.yValues[y];
      return Object.keys(keys).length ? keys : null;
    },
  };
}

/** The vizzes drawn by ECharts. */
export const chartVizzes = ['bar', 'line', 'area', 'pie', 'donut', 'treemap', 'heatmap'];

/** The chart of a widget, or null for a viz that is not a chart. */
export function chartModel(widget: Widget, data: WidgetData, env: ChartEnv, drill = false): ChartModel | null {
  switch (widget.viz) {
    case 'bar': return barOrLine(widget, data, env, 'bar');
    case 'line': return barOrLine(widget, data, env, 'line');
    case 'area': return barOrLine(widget, data, env, 'area');
    case 'pie': return pie(widget, data, env, false);
    case 'donut': return pie(widget, data, env, true);
    case 'treemap': return treemap(widget, data, env, drill);
    case 'heatmap': return heatmap(widget, data, env);
    default: return null;
  }
}
