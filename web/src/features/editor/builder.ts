// The query builder's state and what it makes: the query_json the server
// expects (domain.Query), from the catalogue's sources and fields; the
// problems found before asking the server (localised); and the server's
// JSON paths (metrics[0].field, filters[2].value[1], config.query.source)
// mapped to the control that shows each problem.
import type { Query, QueryGroup, QueryMetric } from '../../api/types';
import type { Catalog } from '../session/session';

export type Source = Catalog['sources'][number];
export type Field = Source['fields'][number];

export const GRANULARITIES = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export const OPERATORS = ['==', '!=', '>', '>=', '<', '<=', 'IN', 'NOT_IN', 'BETWEEN', 'EXISTS', 'NOT_EXISTS', 'CONTAINS'] as const;
export const COMPARISONS = ['previous_period', 'same_period_last_year'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface MetricRow { agg: string; field: string; p: string }
export interface GroupRow { field: string; granularity: string }
/** A filter as typed: values stay text until toQuery types them by field. */
export interface FilterRow { field: string; op: Operator; value: string; value2: string }
export interface OrderRow { by: string; dir: 'asc' | 'desc' }

export interface BuilderState {
  source: string;
  metrics: MetricRow[];
  groups: GroupRow[];
  filters: FilterRow[];
  order: OrderRow[];
  /** Text of the limit input ('' = none). */
  limit: string;
  totals: boolean;
  compare: string;
  timeZone: string;
}

export function emptyState(timeZone = 'UTC'): BuilderState {
  return { source: '', metrics: [{ agg: 'count', field: '', p: '' }], groups: [], filters: [], order: [], limit: '', totals: false, compare: '', timeZone };
}

export function sourceOf(catalog: Catalog | null, name: string): Source | undefined {
  return catalog?.sources.find((s) => s.name === name);
}

export function fieldOf(src: Source | undefined, name: string): Field | undefined {
  return src?.fields.find((f) => f.name === name);
}

/** Fields a metric can aggregate: those the catalogue allows an aggregation on. */
export function metricFields(src: Source | undefined): Field[] {
  return (src?.fields ?? []).filter((f) => (f.aggs ?? []).some((a) => a !== 'count'));
}

/** Aggregations of a metric on field ('' = rows: count only). */
export function aggsFor(src: Source | undefined, field: string): string[] {
  if (!field) return ['count'];
  return (fieldOf(src, field)?.aggs ?? []).filter((a) => a !== 'count' && a !== 'ratio');
}

/** Fields to group by: the dimensions. */
export function groupFields(src: Source | undefined): Field[] {
  return (src?.fields ?? []).filter((f) => f.kind === 'dimension');
}

/** Operators that apply to a field of this type. */
export function operatorsFor(f: Field | undefined): Operator[] {
  if (!f) return [...OPERATORS];
  if (f.type === 'bool') return ['==', '!=', 'EXISTS', 'NOT_EXISTS'];
  if (f.type === 'string') return [...OPERATORS];
  return OPERATORS.filter((o) => o !== 'CONTAINS');
}

/** How many value inputs an operator takes: none, one, two (BETWEEN) or a list. */
export function valueShape(op: Operator): 'none' | 'one' | 'two' | 'list' {
  if (op === 'EXISTS' || op === 'NOT_EXISTS') return 'none';
  if (op === 'BETWEEN') return 'two';
  if (op === 'IN' || op === 'NOT_IN') return 'list';
  return 'one';
}

/** The alias of a metric: agg_field (count: count), made unique. */
export function metricAliases(metrics: MetricRow[]): string[] {
  const seen = new Map<string, number>();
  return metrics.map((m) => {
    const base = (m.field ? `${m.agg}_${m.field}` : m.agg || 'metric').toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

/** The output column of a group (domain.Group.Alias). */
export function groupAlias(g: GroupRow): string {
  return g.granularity ? `${g.field}_${g.granularity}` : g.field;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * One typed value for field f. Text that is not a value of the field's
 * type is sent as it is, so the server's validation names it at its
 * path (filters[i].value) rather than the builder guessing.
 */
export function typedValue(f: Field | undefined, text: string): unknown {
  const s = text.trim();
  if (!f) return s;
  if (f.type === 'int' || f.type === 'decimal') return NUMBER.test(s) ? Number(s) : s;
  if (f.type === 'bool') return s === 'true' ? true : s === 'false' ? false : s;
  return s;
}

/** The list of an IN / NOT_IN input: comma-separated. */
export function listValues(text: string): string[] {
  return text.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/** The query_json of the builder's state. */
export function toQuery(s: BuilderState, catalog: Catalog | null): Query {
  const src = sourceOf(catalog, s.source);
  const aliases = metricAliases(s.metrics);
  const metrics: QueryMetric[] = s.metrics.map((m, i) => {
    const out: QueryMetric & { p?: number } = { agg: m.agg, as: aliases[i] };
    if (m.field && m.agg !== 'count') out.field = m.field;
    if (m.agg === 'percentile') out.p = Number(m.p);
    return out;
  });
  const q: Query = { source: s.source, metrics };
  if (s.groups.length) {
    q.groups = s.groups.map((g): QueryGroup => {
      const f = fieldOf(src, g.field);
      return f?.type === 'time' ? { field: g.field, granularity: g.granularity || 'day' } : { field: g.field };
    });
  }
  if (s.filters.length) {
    q.filters = s.filters.map((r) => {
      const f = fieldOf(src, r.field);
      const shape = valueShape(r.op);
      const out: Record<string, unknown> = { field: r.field, op: r.op };
      if (shape === 'one') out.value = typedValue(f, r.value);
      else if (shape === 'two') out.value = [typedValue(f, r.value), typedValue(f, r.value2)];
      else if (shape === 'list') out.value = listValues(r.value).map((v) => typedValue(f, v));
      return out;
    });
  }
  if (s.order.length) q.order = s.order.map((o) => ({ by: o.by, dir: o.dir }));
  const limit = s.limit.trim();
  if (limit !== '') q.limit = NUMBER.test(limit) ? Number(limit) : (limit as unknown as number);
  if (s.totals) q.totals = true;
  if (s.compare) q.compare = s.compare;
  const usesTime = (q.groups ?? []).some((g) => g.granularity) ||
    s.filters.some((r) => fieldOf(src, r.field)?.type === 'time') || Boolean(s.compare);
  if (usesTime && s.timeZone) q.time_zone = s.timeZone;
  return q;
}

function valueText(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** The builder state of a saved query (editing a widget). */
export function fromQuery(q: Query | undefined, timeZone = 'UTC'): BuilderState {
  if (!q) return emptyState(timeZone);
  const filters = ((q.filters as { field?: string; op?: string; value?: unknown }[] | undefined) ?? [])
    .filter((f) => f.field && f.op)
    .map((f): FilterRow => {
      const op = (f.op === '=' ? '==' : f.op) as Operator;
      const list = Array.isArray(f.value) ? f.value : [f.value];
      if (valueShape(op) === 'two') return { field: f.field!, op, value: valueText(list[0]), value2: valueText(list[1]) };
      if (valueShape(op) === 'list') return { field: f.field!, op, value: list.map(valueText).join(', '), value2: '' };
      return { field: f.field!, op, value: valueText(f.value), value2: '' };
    });
  const order = (q.order as OrderRow[] | undefined) ?? [];
  return {
    source: q.source,
    metrics: q.metrics.map((m) => ({ agg: m.agg, field: m.field ?? '', p: (m as { p?: number }).p?.toString() ?? '' })),
    groups: (q.groups ?? []).map((g) => ({ field: g.field, granularity: g.granularity ?? '' })),
    filters,
    order: order.map((o) => ({ by: o.by, dir: o.dir === 'desc' ? 'desc' : 'asc' })),
    limit: q.limit === undefined ? '' : String(q.limit),
    totals: Boolean(q.totals),
    compare: q.compare ?? '',
    timeZone: q.time_zone ?? timeZone,
  };
}

/** A problem at a JSON path of the query, as the server reports them. */
export interface Problem { path: string; message: string }

/** A problem found by the builder itself: a message key and the path. */
export interface LocalProblem { path: string; key: 'editor.required' | 'editor.needsList' | 'editor.percentileP' }

/** What must be filled before the server is asked (localised messages). */
export function localProblems(s: BuilderState): LocalProblem[] {
  const out: LocalProblem[] = [];
  if (!s.source) return [{ path: 'source', key: 'editor.required' }];
  s.metrics.forEach((m, i) => {
    if (m.agg !== 'count' && !m.field) out.push({ path: `metrics[${i}].field`, key: 'editor.required' });
    if (m.agg === 'percentile' && !(Number(m.p) > 0 && Number(m.p) < 1)) out.push({ path: `metrics[${i}].p`, key: 'editor.percentileP' });
  });
  s.groups.forEach((g, i) => { if (!g.field) out.push({ path: `groups[${i}].field`, key: 'editor.required' }); });
  s.filters.forEach((r, i) => {
    if (!r.field) { out.push({ path: `filters[${i}].field`, key: 'editor.required' }); return; }
    const shape = valueShape(r.op);
    if (shape === 'one' && r.value.trim() === '') out.push({ path: `filters[${i}].value`, key: 'editor.required' });
    if (shape === 'two') {
      if (r.value.trim() === '') out.push({ path: `filters[${i}].value`, key: 'editor.required' });
      if (r.value2.trim() === '') out.push({ path: `filters[${i}].value2`, key: 'editor.required' });
    }
    if (shape === 'list' && !listValues(r.value).length) out.push({ path: `filters[${i}].value`, key: 'editor.needsList' });
  });
  s.order.forEach((o, i) => { if (!o.by) out.push({ path: `order[${i}].by`, key: 'editor.required' }); });
  return out;
}

/**
 * The control a server path belongs to, as the builder names its controls:
 * source, metrics, metrics[i].agg|field|p, groups[i].field|granularity,
 * filters[i].field|op|value|value2, order[i].by|dir, limit, compare.
 * A widget save's paths (config.query.x) are the query's; an alias
 * problem shows at the metric's or group's field (aliases are derived
 * from it); a list item's (value[2]) at the value input; BETWEEN's high
 * bound (value[1]) at the second input; the widget's title, text and KPI
 * target at theirs. Paths no control shows give ''.
 */
export function controlOf(path: string, s?: BuilderState): string {
  // The widget's own fields (a save's errors).
  const own: Record<string, string> = {
    title: 'title', type: 'viz', viz: 'viz', 'config.text': 'text', 'config.kpi.target': 'kpi.target', 'config.kpi.direction': 'kpi.direction',
    'config.kpi.thresholds': 'kpi.thresholds', 'config.hierarchy': 'hierarchy', refresh_interval_sec: 'refresh',
  };
  if (own[path]) return own[path];
  const threshold = /^config\.kpi\.(thresholds\[\d+\]\.(value|level))$/.exec(path);
  if (threshold) return 'kpi.' + threshold[1];
  let p = path.replace(/^config\.query\./, '');
  if (p === 'config.query') return 'source';
  p = p.replace(/^(metrics|groups)\[(\d+)\]\.as$/, '$1[$2].field');
  const between = /^filters\[(\d+)\]\.value\[(\d+)\]$/.exec(p);
  if (between) {
    const row = s?.filters[Number(between[1])];
    return row && valueShape(row.op) === 'two' && between[2] === '1' ? `filters[${between[1]}].value2` : `filters[${between[1]}].value`;
  }
  // A nested condition (filters[0].and[1]...) is not built here: its top filter.
  const nested = /^(filters\[\d+\])\.(and|or)\[/.exec(p);
  if (nested) return nested[1] + '.field';
  if (/^(source|metrics|limit|compare|time_zone)$/.test(p)) return p === 'time_zone' ? '' : p;
  if (/^metrics\[\d+\]\.(agg|field|p)$/.test(p)) return p;
  if (/^metrics\[\d+\]\.(num|den)$/.test(p)) return p.replace(/\.(num|den)$/, '.agg');
  if (/^groups\[\d+\]\.(field|granularity)$/.test(p)) return p;
  if (/^filters\[\d+\]\.(field|op|value)$/.test(p)) return p;
  if (/^filters\[\d+\]$/.test(p)) return p + '.field';
  if (/^order\[\d+\]\.(by|dir)$/.test(p)) return p;
  return '';
}

/** Problems by control; those no control shows are under ''. */
export function problemsByControl(problems: Problem[], s?: BuilderState): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pr of problems) {
    const c = controlOf(pr.path, s);
    out.set(c, [...(out.get(c) ?? []), pr.message]);
  }
  return out;
}

/** A DOM id for a control path (metrics[0].field -> qb-metrics-0-field). */
export function controlId(path: string): string {
  return 'qb-' + path.replace(/[[\].]+/g, '-').replace(/-$/, '');
}
