// The global filters bar (R2.7): the date presets the dashboard offers and
// one choice per dimension, whose values come from the caller's scoped
// lists (/api/customers, /api/sites, ...). It also hands the entities'
// names to the widgets, which show names instead of ids.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Dimension, Entity, FiltersJSON } from '../../api/types';
import { useI18n } from '../../i18n/I18n';
import { EntityNamesContext, type EntityNames } from '../widgets/labels';
import { listEntities } from './api';
import { ALL_DIMENSIONS, offeredDimensions, offeredPresets, type FilterState } from './filters';

/** Loads the entity lists of the dimensions (all of them, for names). */
function useEntities(): Partial<Record<Dimension, Entity[]>> {
  const [lists, setLists] = useState<Partial<Record<Dimension, Entity[]>>>({});
  useEffect(() => {
    const ac = new AbortController();
    for (const d of ALL_DIMENSIONS) {
      listEntities(d, ac.signal).then((r) => setLists((l) => ({ ...l, [d]: r.items })), () => {});
    }
    return () => ac.abort();
  }, []);
  return lists;
}

export function EntityNamesProvider({ lists, children }: { lists: Partial<Record<Dimension, Entity[]>>; children: ReactNode }) {
  const names = useMemo(() => {
    const out: EntityNames = {};
    for (const [d, items] of Object.entries(lists)) out[d] = new Map(items!.map((e) => [e.id, e.name]));
    return out;
  }, [lists]);
  return <EntityNamesContext.Provider value={names}>{children}</EntityNamesContext.Provider>;
}

export function FiltersBar({ filtersJSON, value, onChange, lists }: {
  filtersJSON: FiltersJSON;
  value: FilterState;
  onChange(f: FilterState): void;
  lists: Partial<Record<Dimension, Entity[]>>;
}) {
  const { t } = useI18n();
  const presets = offeredPresets(filtersJSON);
  const dims = offeredDimensions(filtersJSON);
  if (!presets.length && !dims.length) return null;
  const dirty = value.range !== (filtersJSON.date_range?.default ?? '') || Object.values(value.dims).some(Boolean);
  return (
    <form className="filters" aria-label={t('filters.title')} role="search" onSubmit={(e) => e.preventDefault()}>
      {presets.length > 0 && (
        <label>
          <span>{t('filters.period')}</span>
          <select value={value.range} onChange={(e) => onChange({ ...value, range: e.target.value })}>
            {presets.map((p) => <option key={p} value={p}>{t(`preset.${p}` as 'preset.today')}</option>)}
            <option value="">{t('preset.none')}</option>
          </select>
        </label>
      )}
      {dims.map((d) => (
        <label key={d}>
          <span>{t(`filters.${d}` as 'filters.customer')}</span>
          <select value={value.dims[d] ?? ''} onChange={(e) => onChange({ ...value, dims: { ...value.dims, [d]: e.target.value || undefined } })}>
            <option value="">{t('filters.all')}</option>
            {(lists[d] ?? []).map((e) => <option key={e.id} value={e.id}>{e.name}</option>)}
          </select>
        </label>
      ))}
      {dirty && (
        <button type="button" onClick={() => onChange({ range: filtersJSON.date_range?.default ?? '', dims: {} })}>{t('filters.clear')}</button>
      )}
    </form>
  );
}

export { useEntities };
