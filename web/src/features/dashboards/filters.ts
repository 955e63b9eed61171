// Global filters of a dashboard (R2.7): what its filters_json offers, the
// current choice kept in the page's URL, and the same choice as the query
// string of GET /view and the filters of a realtime SUBSCRIBE.
import type { Dimension, FiltersJSON } from '../../api/types';
import type { Filters } from '../../realtime/frames';

/** Every date preset (domain.DatePresets), in the order offered. */
export const ALL_PRESETS = ['today', 'yesterday', 'last_24h', 'last_7d', 'last_30d', 'last_90d', 'this_week',
  'this_month', 'last_month', 'this_quarter', 'this_year'];
export const ALL_DIMENSIONS: Dimension[] = ['customer', 'site', 'team', 'contract', 'cost_center'];

/** The chosen filters: a date preset ("" = all time) and one value per dimension. */
export interface FilterState {
  range: string;
  dims: Partial<Record<Dimension, string>>;
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

/**
 * The filters of a page: what its URL says where the dashboard offers it,
 * else the dashboard's default preset. "range=" in the URL means all time.
 */
export function filtersFromURL(fj: FiltersJSON | undefined, params: URLSearchParams): FilterState {
  const presets = offeredPresets(fj);
  const asked = params.get('range');
  let range = '';
  if (asked !== null) range = presets.includes(asked) ? asked : '';
  else if (fj?.date_range?.default && presets.includes(fj.date_range.default)) range = fj.date_range.default;
  const dims: FilterState['dims'] = {};
  for (const d of offeredDimensions(fj)) {
    const v = params.get(d);
    if (v) dims[d] = v;
  }
  return { range, dims };
}

/** The URL parameters that keep a choice (the default preset is implicit). */
export function filtersToURL(fj: FiltersJSON | undefined, f: FilterState): URLSearchParams {
  const p = new URLSearchParams();
  if (f.range !== (fj?.date_range?.default ?? '')) p.set('range', f.range);
  for (const d of ALL_DIMENSIONS) if (f.dims[d]) p.set(d, f.dims[d]!);
  return p;
}

/** The global filters as GET /view and SUBSCRIBE take them. */
export function filtersToQuery(f: FilterState): Filters {
  const out: Filters = {};
  if (f.range) out.range = f.range;
  for (const d of ALL_DIMENSIONS) if (f.dims[d]) out[d] = [f.dims[d]!];
  return out;
}
