// KPI card logic: the number, its target, the variation (against the
// comparison period when the query asks for one, else against the
// target) and the traffic-light level from config.kpi.thresholds.
import type { KPIConfig, Threshold, Widget } from '../../api/types';
import { columnIndex, metricNames, type WidgetData } from './types';

export type Level = 'ok' | 'warn' | 'crit';

/**
 * The level of value: thresholds ascend and each colours the KPI from its
 * value upwards, so the level is the last threshold at or below value.
 * Below the first threshold (or without thresholds) there is none.
 */
export function kpiLevel(value: number, thresholds: Threshold[] | undefined): Level | null {
  let level: Level | null = null;
  for (const t of thresholds ?? []) {
    if (value >= t.value) level = t.level;
  }
  return level;
}

export interface Variation {
  /** value - base */
  diff: number;
  /** diff relative to |base|; null when base is 0. */
  ratio: number | null;
  basis: 'target' | 'previous';
  /** Whether the move is good for the KPI's direction; null when none. */
  good: boolean | null;
}

/** The variation of value against base for a KPI direction. */
export function kpiVariation(value: number, base: number, basis: Variation['basis'],
  direction: KPIConfig['direction'] = 'higher_is_better'): Variation {
  const diff = value - base;
  const ratio = base === 0 ? null : diff / Math.abs(base);
  const good = diff === 0 ? null : direction === 'lower_is_better' ? diff < 0 : diff > 0;
  return { diff, ratio, basis, good };
}

export interface KpiModel {
  metric: string;
  value: number | null;
  target?: number;
  variation: Variation | null;
  level: Level | null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Everything a KPI card shows, from the widget's config and data. */
export function kpiModel(widget: Widget, data: WidgetData): KpiModel {
  const cfg = widget.config_json.kpi ?? {};
  const metric = cfg.metric ?? metricNames(widget, data.columns)[0] ?? data.columns[0]?.name ?? '';
  const idx = columnIndex(data.columns, metric);
  const value = idx >= 0 && data.rows.length ? num(data.rows[0][idx]) : null;
  const previous = idx >= 0 && data.compare?.rows?.length ? num(data.compare.rows[0][idx]) : null;
  let variation: Variation | null = null;
  if (value !== null && previous !== null) variation = kpiVariation(value, previous, 'previous', cfg.direction);
  else if (value !== null && cfg.target !== undefined) variation = kpiVariation(value, cfg.target, 'target', cfg.direction);
  return { metric, value, target: cfg.target, variation, level: value === null ? null : kpiLevel(value, cfg.thresholds) };
}
