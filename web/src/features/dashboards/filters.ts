// Global filters of a dashboard (R2.7): what its filters_json offers, the
// current choice kept in the page's URL, and the same choice as the query
// string of GET /view and the filters of a realtime SUBSCRIBE.
import type { Dimension, FiltersJSON } from '../../api/types';
import type { Filters } from '../../realtime/frames';

/** Every date preset (domain.DatePresets), in the order offered. */
export const ALL_PRESETS = ['today', 'yesterday', 'last_24h', 'last_7d', 'last_30d', 'last_90d', 'this_week',
  'this_month', 'last_month', 'this_quarter', 'this_year'];
export const ALL_DIMENSIONS: Dimension[] = ['customer', 'site', 'team', 'contract', 'cost_center'];

/** The "period" choice of a custom range (dates in `from`/`to`). */
export const CUSTOM = 'custom';

/**
 * The chosen filters: a date preset ("" = all time, CUSTOM = the dates in
 * from/to, local calendar days, both inclusive) and any number of values
 * per dimension.
 */
export interface FilterState {
  range: string;
  from?: string; // YYYY-MM-DD
  to?: string; // YYYY-MM-DD
  dims: Partial<Record<Dimension, string[]>>;
}

/** The presets a dashboard offers (none: no date control). */
export function offeredPresets(fj: FiltersJSON | undefined): string[] {
  const dr = fj?.date_range;
  if (!dr) return [];
  return dr.presets?.length ? dr.presets.filter((p) => ALL_PRESETS.includes(p)) : ALL_PRESETS;
}

/** The dimensions a dashboard offers. */
export function offeredDimensions(fj: FiltersJSON | undefined): Dimension[] {
  return (fj?.dimensions ?? []).filter((d) => ALL_DIMENSIONS.includes(d));
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether s is a real calendar day written YYYY-MM-DD. */
export function isDay(s: string | undefined): s is string {
  if (!s || !DAY.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const dt = new Date(y, m - 1, d);
  return dt.getFullYear() === y && dt.getMonth() === m - 1 && dt.getDate() === d;
}

/**
 * What is wrong with a custom range, as a message key: a day missing or
 * not a date, or the end before the start. null when it can be applied.
 */
export function customRangeError(f: FilterState): 'filters.fromInvalid' | 'filters.toInvalid' | 'filters.toBeforeFrom' | null {
  if (f.range !== CUSTOM) return null;
  if (!isDay(f.from)) return 'filters.fromInvalid';
  if (!isDay(f.to)) return 'filters.toInvalid';
  return f.to! < f.from! ? 'filters.toBeforeFrom' : null;
}

/**
 * The filters of a page: what its URL says where the dashboard offers it,
 * else the dashboard's default preset. "range=" in the URL means all time;
 * from/to (YYYY-MM-DD) a custom range; a dimension may repeat.
 */
export function filtersFromURL(fj: FiltersJSON | undefined, params: URLSearchParams): FilterState {
  const presets = offeredPresets(fj);
  const dims: FilterState['dims'] = {};
  for (const d of offeredDimensions(fj)) {
    const vs = [...new Set(params.getAll(d).filter(Boolean))];
    if (vs.length) dims[d] = vs;
  }
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  if (presets.length && isDay(from) && isDay(to) && to >= from) return { range: CUSTOM, from, to, dims };
  const asked = params.get('range');
  let range = '';
  if (asked !== null) range = presets.includes(asked) ? asked : '';
  else if (fj?.date_range?.default && presets.includes(fj.date_range.default)) range = fj.date_range.default;
  return { range, dims };
}

/** The URL parameters that keep a choice (the default preset is implicit). */
export function filtersToURL(fj: FiltersJSON | undefined, f: FilterState): URLSearchParams {
  const p = new URLSearchParams();
  if (f.range === CUSTOM) {
    if (customRangeError(f) === null) {
      p.set('from', f.from!);
      p.set('to', f.to!);
    }
  } else if (f.range !== (fj?.date_range?.default ?? '')) p.set('range', f.range);
  for (const d of ALL_DIMENSIONS) for (const v of f.dims[d] ?? []) p.append(d, v);
  return p;
}

/** Local midnight of a YYYY-MM-DD day plus `plusDays`, as RFC 3339 with the offset. */
export function localMidnight(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  const dt = new Date(y, m - 1, d + plusDays);
  const off = -dt.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
  const mm = String(Math.abs(off) % 60).padStart(2, '0');
  const date = `${dt.getFullYear()}-${String(dt.getMonth() + 1).padStart(2, '0')}-${String(dt.getDate()).padStart(2, '0')}`;
  return `${date}T00:00:00${sign}${hh}:${mm}`;
}

/**
 * The global filters as GET /view and SUBSCRIBE take them. A custom range
 * runs from the start of its first day to the start of the day after its
 * last, in the browser's time zone.
 */
export function filtersToQuery(f: FilterState): Filters {
  const out: Filters = {};
  if (f.range === CUSTOM) {
    if (customRangeError(f) === null) {
      out.from = localMidnight(f.from!);
      out.to = localMidnight(f.to!, 1);
    }
  } else if (f.range) out.range = f.range;
  for (const d of ALL_DIMENSIONS) if (f.dims[d]?.length) out[d] = [...f.dims[d]!];
  return out;
}
