// Drill-down of a widget along its hierarchy (config_json.hierarchy, a
// hierarchy of its source in the catalogue): which level the widget shows,
// the clicked path (one step per level gone down, pushed by a click and
// popped by the breadcrumb), and the body of POST /api/widgets/{id}/drill.
import type { Query, Widget } from '../../api/types';
import type { Filters, Value } from '../../realtime/frames';

/** A hierarchy of a catalogue source. */
export interface Hierarchy {
  name: string;
  label: Record<string, string>;
  /** Fields, or "field:grain" for time levels, from the top down. */
  levels: string[];
}

/** One clicked value: the level ("field" or "field:grain"), its raw value and how it reads. */
export interface DrillStep {
  level: string;
  value: Value;
  label: string;
}

/** A group of a query as a hierarchy level reads it. */
function levelOf(g: { field: string; granularity?: string }): string {
  return g.granularity ? `${g.field}:${g.granularity}` : g.field;
}

/** The column a level's values come in (domain.Group.Alias). */
export function levelColumn(q: Query | undefined, level: string): string | undefined {
  const g = q?.groups?.find((x) => levelOf(x) === level);
  if (!g) return undefined;
  return g.as || (g.granularity ? `${g.field}_${g.granularity}` : g.field);
}

/**
 * The levels a widget drills through: its hierarchy's, when its query
 * groups first by the hierarchy's top level (the server drills from
 * there); null when the widget cannot drill.
 */
export function drillLevels(widget: Widget, hierarchies: Hierarchy[] | undefined): string[] | null {
  const name = widget.config_json.hierarchy;
  const q = widget.config_json.query;
  if (!name || !q?.groups?.length) return null;
  const h = hierarchies?.find((x) => x.name === name);
  if (!h || h.levels.length < 2 || levelOf(q.groups[0]) !== h.levels[0]) return null;
  return h.levels;
}

/** The level shown after path (the top level for an empty path). */
export function shownLevel(levels: string[], path: DrillStep[]): string {
  return levels[Math.min(path.length, levels.length - 1)];
}

/** Whether a click on the level shown after path can go one level down. */
export function canDrill(levels: string[], path: DrillStep[]): boolean {
  return path.length + 1 < levels.length;
}

/**
 * The step a click makes: the value of the shown level's column among
 * the clicked element's keys (column -> raw value). null when the element
 * does not carry it (a total, a folded heatmap axis).
 */
export function stepFor(levels: string[], path: DrillStep[], shown: Query | undefined, keys: Record<string, Value> | null,
  label: (v: Value, column: string) => string): DrillStep | null {
  if (!keys) return null;
  const level = shownLevel(levels, path);
  const col = levelColumn(shown, level);
  if (!col || !(col in keys)) return null;
  const value = keys[col];
  if (value === null || value === undefined) return null;
  return { level, value, label: label(value, col) };
}

/**
 * The widget as it shows a drilled level: the query that ran, and none of
 * the options that name the top level's columns (a pivot's rows and
 * columns, a heatmap's axes): a drilled result is grouped by one level
 * only, and the renderers lay it out by default.
 */
export function drilledWidget(widget: Widget, query: Query): Widget {
  const { pivot: _p, x: _x, y: _y, fold: _f, ...options } = (widget.config_json.options ?? {}) as Record<string, unknown>;
  return { ...widget, config_json: { ...widget.config_json, query, options } };
}

/** The path one level further down. */
export function pushStep(path: DrillStep[], step: DrillStep): DrillStep[] {
  return [...path, step];
}

/** The path back at depth (0: the widget's own view). */
export function popTo(path: DrillStep[], depth: number): DrillStep[] {
  return path.slice(0, Math.max(0, Math.min(depth, path.length)));
}

/** The body of POST /api/widgets/{id}/drill. */
export function drillBody(path: DrillStep[], filters: Filters): { path: { field: string; value: Value }[]; filters: Filters } {
  return { path: path.map((s) => ({ field: s.level, value: s.value })), filters };
}

/** The breadcrumb's entries: the top, then each step; the last is where the widget is. */
export function crumbs(path: DrillStep[], top: string): { depth: number; label: string; current: boolean }[] {
  return [{ depth: 0, label: top, current: path.length === 0 },
    ...path.map((s, i) => ({ depth: i + 1, label: s.label, current: i === path.length - 1 }))];
}
