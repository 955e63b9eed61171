// How a widget's columns and values read: column headers from the source
// catalogue in the UI's language, ids of scope dimensions (customer_id,
// site_id...) as the entities' names, time buckets by their granularity in
// the query's time zone, numbers in the UI's locale (options.currency as
// money).
import { createContext, useContext } from 'react';
import type { Widget } from '../../api/types';
import type { Value } from '../../realtime/frames';
import type { Catalog } from '../session/session';

/** Entity names by dimension (customer, site, ...) and id. */
export type EntityNames = Partial<Record<string, Map<string, string>>>;

/** Entity names known to the page (loaded by the filter bar). */
export const EntityNamesContext = createContext<EntityNames>({});
export const useEntityNames = () => useContext(EntityNamesContext);

export interface Labels {
  header(column: string): string;
  label(v: Value, column: string): string;
  num(v: number): string;
}

const granularityFormat: Record<string, Intl.DateTimeFormatOptions> = {
  minute: { dateStyle: 'short', timeStyle: 'short' },
  hour: { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' },
  day: { dateStyle: 'short' },
  week: { dateStyle: 'short' },
  month: { month: 'short', year: 'numeric' },
  quarter: { month: 'short', year: 'numeric' },
  year: { year: 'numeric' },
};

/** The labels of a widget's data. */
export function makeLabels(widget: Widget, lang: string, catalog: Catalog | null, names: EntityNames): Labels {
  const q = widget.config_json.query;
  const source = catalog?.sources.find((s) => s.name === q?.source);
  // A group's column is its alias, else field_grain for time buckets (a
  // drilled time level), else its field (domain.Group.Alias).
  const groupOf = (col: string) => q?.groups?.find((g) => (g.as || (g.granularity ? `${g.field}_${g.granularity}` : g.field)) === col);
  const fieldOf = (col: string) => source?.fields.find((f) => f.name === (groupOf(col)?.field ?? col));
  const currency = (widget.config_json.options as { currency?: string } | undefined)?.currency;
  const numberFormat = new Intl.NumberFormat(lang, currency ? { style: 'currency', currency } : { maximumFractionDigits: 2 });
  const tz = q?.time_zone;
  const dateFormats = new Map<string, Intl.DateTimeFormat>();
  const dateFormat = (g: string) => {
    let f = dateFormats.get(g);
    if (!f) dateFormats.set(g, (f = new Intl.DateTimeFormat(lang, { ...(granularityFormat[g] ?? granularityFormat.minute), timeZone: tz })));
    return f;
  };
  return {
    header(column) {
      const g = groupOf(column);
      if (g?.as) return g.as.charAt(0).toUpperCase() + g.as.slice(1);
      const f = fieldOf(column);
      return f?.label[lang] ?? f?.label.en ?? column.charAt(0).toUpperCase() + column.slice(1).replace(/_/g, ' ');
    },
    label(v, column) {
      if (v === null || v === undefined || v === '') return '—';
      if (typeof v === 'number') return numberFormat.format(v);
      const f = fieldOf(column);
      if (f?.scope) return names[f.scope]?.get(String(v)) ?? String(v);
      const g = groupOf(column);
      if ((f?.type === 'time' || g?.granularity) && typeof v === 'string') {
        const d = new Date(v);
        if (!Number.isNaN(d.getTime())) return dateFormat(g?.granularity ?? 'minute').format(d);
      }
      if (typeof v === 'boolean') return v ? '✓' : '✗';
      return String(v);
    },
    num: (v) => numberFormat.format(v),
  };
}
