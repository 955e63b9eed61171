// The visualisations the editor offers, each as the widget type, viz and
// renderer options the server and the renderers (features/widgets) know:
// stacked and horizontal bars are bar charts with an option.
import type { Widget, WidgetConfig, WidgetType } from '../../api/types';

export const VIZ_KINDS = ['kpi', 'bar', 'stacked', 'horizontal', 'line', 'area', 'pie', 'donut', 'treemap', 'heatmap', 'table', 'text'] as const;
export type VizKind = (typeof VIZ_KINDS)[number];

export interface VizSpec { type: WidgetType; viz: string; options?: Record<string, unknown> }

export const VIZ_SPECS: Record<VizKind, VizSpec> = {
  kpi: { type: 'kpi', viz: 'kpi' },
  bar: { type: 'chart', viz: 'bar' },
  stacked: { type: 'chart', viz: 'bar', options: { stacked: true } },
  horizontal: { type: 'chart', viz: 'bar', options: { orientation: 'horizontal' } },
  line: { type: 'chart', viz: 'line' },
  area: { type: 'chart', viz: 'area' },
  pie: { type: 'chart', viz: 'pie' },
  donut: { type: 'chart', viz: 'donut' },
  treemap: { type: 'chart', viz: 'treemap' },
  heatmap: { type: 'chart', viz: 'heatmap' },
  table: { type: 'table', viz: 'table' },
  text: { type: 'text', viz: 'text' },
};

/** The editor's kind of a saved widget. */
export function kindOf(w: Pick<Widget, 'type' | 'viz' | 'config_json'>): VizKind {
  const o = (w.config_json.options ?? {}) as { stacked?: boolean; stack?: boolean; orientation?: string };
  if (w.type === 'text') return 'text';
  if (w.type === 'kpi') return 'kpi';
  if (w.type === 'table') return 'table';
  if (w.viz === 'bar' && o.orientation === 'horizontal') return 'horizontal';
  if (w.viz === 'bar' && (o.stacked || o.stack)) return 'stacked';
  return (VIZ_KINDS as readonly string[]).includes(w.viz) ? (w.viz as VizKind) : 'bar';
}

/** What the KPI settings hold as typed; thresholds ascend, each a level from its value up. */
export interface KpiForm {
  target: string;
  direction: '' | 'higher_is_better' | 'lower_is_better';
  thresholds: { value: string; level: 'ok' | 'warn' | 'crit' }[];
  /** The sparkline's granularity; '' or absent: no sparkline. */
  spark?: '' | 'hour' | 'day' | 'week' | 'month';
}

/**
 * The config_json of a widget of kind: the query (not for text), and what
 * the widget edited (base) had beyond what the editor shows: its renderer
 * options under the kind's own (a pivot layout survives an edit), its
 * drill-down hierarchy while the source stays (unless one is chosen),
 * other KPI settings (the metric shown).
 */
export function configFor(kind: VizKind, query: WidgetConfig['query'], extra: { text: string; kpi: KpiForm; base?: WidgetConfig; hierarchy?: string }): WidgetConfig {
  const spec = VIZ_SPECS[kind];
  if (spec.type === 'text') return { text: extra.text };
  const base = extra.base ?? {};
  const options = { ...(base.options ?? {}) };
  delete options.stacked; delete options.stack; delete options.orientation;
  Object.assign(options, spec.options ?? {});
  // No query: the widget keeps reading the report it is bound to.
  const out: WidgetConfig = !query && base.report_id ? { report_id: base.report_id } : { query };
  if (Object.keys(options).length) out.options = options;
  if (extra.hierarchy !== undefined) {
    if (extra.hierarchy) out.hierarchy = extra.hierarchy;
  } else if (base.hierarchy && base.query?.source === query?.source) out.hierarchy = base.hierarchy;
  if (spec.type === 'kpi') {
    const kpi: NonNullable<WidgetConfig['kpi']> = { ...(base.kpi ?? {}) };
    delete kpi.target; delete kpi.direction; delete kpi.thresholds; delete kpi.sparkline;
    if (extra.kpi.spark) kpi.sparkline = { ...(base.kpi?.sparkline ?? {}), granularity: extra.kpi.spark };
    const target = extra.kpi.target.trim();
    if (target !== '') kpi.target = Number(target);
    if (extra.kpi.direction) kpi.direction = extra.kpi.direction;
    if (extra.kpi.thresholds.length) kpi.thresholds = extra.kpi.thresholds.map((x) => ({ value: Number(x.value), level: x.level }));
    if (Object.keys(kpi).length) out.kpi = kpi;
  }
  return out;
}
