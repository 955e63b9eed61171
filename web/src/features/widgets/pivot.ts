// Pivot table logic: rows x columns of a widget's result, value cells,
// a subtotal row per group of every row level but the last, a total
// column per row and a grand-total row; sorting by a row label or any
// value column; paging over the top-level groups.
import type { Row, Value } from '../../realtime/frames';
import { columnIndex, type WidgetData } from './types';

/** options.pivot of a table widget. */
export interface PivotSpec {
  rows: string[];
  columns: string[];
  values: string[];
}

/**
 * How cells that fall together combine: count and sum add up, min and
 * max keep theirs; averages, ratios and distinct counts cannot be combined
 * from their parts (null: the server's totals are used where it sent them).
 */
export type Combine = 'sum' | 'min' | 'max' | null;

/** The Combine of a query aggregation. */
export function combineOf(agg: string | undefined): Combine {
  switch (agg) {
    case 'count': case 'sum': case undefined: return 'sum';
    case 'min': return 'min';
    case 'max': return 'max';
    default: return null;
  }
}

function combine(how: Combine, a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  switch (how) {
    case 'sum': return a + b;
    case 'min': return Math.min(a, b);
    case 'max': return Math.max(a, b);
    default: return null;
  }
}

/** One body line of the pivot. */
export interface PivotLine {
  kind: 'row' | 'subtotal';
  /** The row-field values; a subtotal has its group's prefix. */
  labels: Value[];
  /** Depth of a subtotal's group (1 = first row field). */
  depth: number;
  /** One cell per column key x value (column key major). */
  cells: (number | null)[];
  /** The row total of each value. */
  totals: (number | null)[];
}

export interface PivotModel {
  rowFields: string[];
  values: string[];
  /** Distinct column-field combinations, in first-seen order. */
  colKeys: Value[][];
  lines: PivotLine[];
  /** Grand total: per column key x value, and per value. */
  grand: { cells: (number | null)[]; totals: (number | null)[] };
  /** Number of top-level groups (what pages count). */
  groups: number;
}

/** What a sort applies to: the row labels, a value cell or a row total. */
export type SortKey = { by: 'label' } | { by: 'cell'; index: number } | { by: 'total'; index: number };
export interface Sort { key: SortKey; dir: 'asc' | 'desc' }

function toNum(v: Value | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

interface Leaf { labels: Value[]; cells: (number | null)[] }

interface Node {
  labels: Value[];
  children: Node[];
  leaf?: Leaf;
  line: PivotLine; // the leaf row or the subtotal of the group
}

function compareValues(a: Value | number | null, b: Value | number | null): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // empty last
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

function sortNodes(nodes: Node[], sort: Sort | undefined, depth: number): Node[] {
  if (!sort) return nodes;
  const key = (n: Node) => (sort.key.by === 'label' ? n.labels[depth] : sort.key.by === 'cell' ? n.line.cells[sort.key.index] : n.line.totals[sort.key.index]);
  const empty = (v: unknown) => v === null || v === undefined;
  const out = nodes.slice().sort((a, b) => {
    const ka = key(a), kb = key(b);
    if (empty(ka) !== empty(kb)) return empty(ka) ? 1 : -1; // empty last either way
    return compareValues(ka, kb) * (sort.dir === 'asc' ? 1 : -1);
  });
  return out.map((n) => ({ ...n, children: sortNodes(n.children, sort, depth + 1) }));
}

/**
 * Builds the pivot of data. combines gives each value's Combine (default
 * sum). Server totals (data.totals, one per metric in metric order, with
 * metricOrder naming them) fill grand totals that cannot be combined.
 */
export function buildPivot(data: WidgetData, spec: PivotSpec, combines: Record<string, Combine> = {},
  sort?: Sort, metricOrder: string[] = []): PivotModel {
  const ri = spec.rows.map((f) => columnIndex(data.columns, f));
  const ci = spec.columns.map((f) => columnIndex(data.columns, f));
  const vi = spec.values.map((f) => columnIndex(data.columns, f));
  const how = spec.values.map((v) => (v in combines ? combines[v] : 'sum'));
  const nv = spec.values.length;

  const colKeys: Value[][] = [];
  const colIndex = new Map<string, number>();
  for (const r of data.rows) {
    const k = ci.map((i) => (i >= 0 ? r[i] : null));
    const ks = JSON.stringify(k);
    if (!colIndex.has(ks)) { colIndex.set(ks, colKeys.length); colKeys.push(k); }
  }
  if (!colKeys.length) colKeys.push([]);
  const width = colKeys.length * nv;

  // Leaves keyed by their row labels, cells combined where rows meet.
  const leaves = new Map<string, Leaf>();
  for (const r of data.rows as Row[]) {
    const labels = ri.map((i) => (i >= 0 ? r[i] : null));
    const ks = JSON.stringify(labels);
    let leaf = leaves.get(ks);
    if (!leaf) leaves.set(ks, (leaf = { labels, cells: new Array(width).fill(null) }));
    const c = colIndex.get(JSON.stringify(ci.map((i) => (i >= 0 ? r[i] : null)))) ?? 0;
    vi.forEach((i, v) => {
      const at = c * nv + v;
      leaf!.cells[at] = combine(how[v], leaf!.cells[at], toNum(i >= 0 ? r[i] : null));
    });
  }

  const totalsOf = (cells: (number | null)[]) =>
    spec.values.map((_, v) => colKeys.reduce<number | null>((acc, _k, c) => combine(how[v], acc, cells[c * nv + v]), null));
  const sumCells = (lines: PivotLine[]) => {
    const out: (number | null)[] = new Array(width).fill(null);
    for (const l of lines) l.cells.forEach((x, i) => { out[i] = combine(how[i % nv], out[i], x); });
    // Values that cannot be combined stay empty rather than wrong.
    return out.map((x, i) => (how[i % nv] === null ? null : x));
  };

  const group = (items: Leaf[], depth: number): Node[] => {
    if (depth === spec.rows.length - 1 || spec.rows.length === 0) {
      return items.map((leaf) => {
        const line: PivotLine = { kind: 'row', labels: leaf.labels, depth: spec.rows.length, cells: leaf.cells, totals: totalsOf(leaf.cells) };
        return { labels: leaf.labels, children: [], leaf, line };
      });
    }
    const byKey = new Map<string, Leaf[]>();
    for (const leaf of items) {
      const ks = JSON.stringify(leaf.labels[depth]);
      if (!byKey.has(ks)) byKey.set(ks, []);
      byKey.get(ks)!.push(leaf);
    }
    return [...byKey.values()].map((members) => {
      const children = group(members, depth + 1);
      const labels = members[0].labels.slice(0, depth + 1);
      const cells = sumCells(children.map((ch) => ch.line));
      const line: PivotLine = { kind: 'subtotal', labels, depth: depth + 1, cells, totals: totalsOf(cells) };
      return { labels: members[0].labels, children, line };
    });
  };

  const roots = sortNodes(group([...leaves.values()], 0), sort, 0);
  const lines: PivotLine[] = [];
  const walk = (n: Node) => {
    if (n.leaf) { lines.push(n.line); return; }
    n.children.forEach(walk);
    lines.push(n.line);
  };
  roots.forEach(walk);

  const grandCells = sumCells(lines.filter((l) => l.kind === 'row'));
  const grandTotals = totalsOf(grandCells).map((x, v) => {
    if (how[v] !== null) return x;
    const m = metricOrder.indexOf(spec.values[v]);
    return m >= 0 && data.totals ? toNum(data.totals[m]) : null;
  });
  return { rowFields: spec.rows, values: spec.values, colKeys, lines, grand: { cells: grandCells, totals: grandTotals }, groups: roots.length };
}

/** The lines of one page: pages hold whole top-level groups. */
export function pageLines(model: PivotModel, page: number, groupsPerPage: number): PivotLine[] {
  if (model.rowFields.length <= 1) return model.lines.slice(page * groupsPerPage, (page + 1) * groupsPerPage);
  const out: PivotLine[] = [];
  let g = 0;
  for (const l of model.lines) {
    if (g >= page * groupsPerPage && g < (page + 1) * groupsPerPage) out.push(l);
    if (l.kind === 'subtotal' && l.depth === 1) g++;
  }
  return out;
}
