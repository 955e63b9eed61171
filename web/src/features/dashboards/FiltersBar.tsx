// The global filters bar (R2.7): the date presets the dashboard offers and
// a custom range of days, any number of values per dimension, whose values come from the caller's scoped
// lists (/api/customers, /api/sites, ...). It also hands the entities'
// names to the widgets, which show names instead of ids.
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Dimension, Entity, FiltersJSON } from '../../api/types';
import { useI18n } from '../../i18n/I18n';
import { EntityNamesContext, type EntityNames } from '../widgets/labels';
import { listEntities } from './api';
import { ALL_DIMENSIONS, CUSTOM, customRangeError, filtersToURL, offeredDimensions, offeredPresets, type FilterState } from './filters';

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

/**
 * Several values of one dimension: a button that opens a list of
 * checkboxes (a disclosure, so it works with a keyboard and a screen
 * reader: Escape closes it and gives the focus back).
 */
function DimensionPicker({ dim, label, entities, chosen, onChange }: {
  dim: Dimension;
  label: string;
  entities: Entity[];
  chosen: string[];
  /** Changes the values from the latest ones (clicks may outrun renders). */
  onChange(update: (vs: string[]) => string[]): void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const listId = useId();
  const names = new Map(entities.map((e) => [e.id, e.name]));
  const summary = chosen.length === 0 ? t('filters.all')
    : chosen.length <= 2 ? chosen.map((v) => names.get(v) ?? v).join(', ')
      : t('filters.selected', { n: String(chosen.length) });
  const toggle = (id: string, on: boolean) => onChange((vs) => (on ? [...vs.filter((v) => v !== id), id] : vs.filter((v) => v !== id)));
  return (
    <div className="filter-dim" data-dimension={dim}
      onKeyDown={(e) => { if (e.key === 'Escape' && open) { e.stopPropagation(); setOpen(false); button.current?.focus(); } }}>
      <span id={`${listId}-label`}>{label}</span>
      <button ref={button} type="button" aria-expanded={open} aria-controls={listId}
        aria-labelledby={`${listId}-label ${listId}-value`} onClick={() => setOpen(!open)}>
        <span id={`${listId}-value`}>{summary}</span>
      </button>
      {open && (
        <fieldset id={listId} className="filter-options">
          <legend className="visually-hidden">{label}</legend>
          {entities.length === 0 && <p>{t('filters.noValues')}</p>}
          {entities.map((e) => (
            <label key={e.id}>
              <input type="checkbox" checked={chosen.includes(e.id)} onChange={(ev) => toggle(e.id, ev.target.checked)} />
              {e.name}
            </label>
          ))}
          {chosen.length > 0 && <button type="button" onClick={() => onChange(() => [])}>{t('filters.all')}</button>}
        </fieldset>
      )}
    </div>
  );
}

export function FiltersBar({ filtersJSON, value, onChange, lists }: {
  filtersJSON: FiltersJSON;
  value: FilterState;
  onChange(f: FilterState): void;
  lists: Partial<Record<Dimension, Entity[]>>;
}) {
  const { t } = useI18n();
  const ids = useId();
  // The custom range is edited here and handed on only once it is valid.
  const [draft, setDraft] = useState<FilterState>(value);
  // Compared by what the value says (its URL form), not its identity or key
  // order: the page rebuilds the value from the URL.
  const keyOf = (f: FilterState) => `${f.range}|${filtersToURL(filtersJSON, f)}`;
  const valueKey = keyOf(value);
  // The value last handed on: two changes before the page re-renders
  // (quick clicks) build on each other, not on a stale prop.
  const latest = useRef(value);
  // Changes handed on whose echo has not come back yet. The page's update
  // (a router navigation) may land after the next keystroke; its echo must
  // not overwrite a range typed meanwhile. Only a value from elsewhere
  // (back, a link, the page) replaces the draft.
  const pending = useRef<string[]>([]);
  useEffect(() => {
    const at = pending.current.indexOf(valueKey);
    if (at >= 0) {
      pending.current = pending.current.slice(at + 1);
      return;
    }
    pending.current = [];
    latest.current = value;
    setDraft(value);
  }, [valueKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const apply = (next: FilterState) => {
    latest.current = next;
    // The same value as shown makes no echo (the URL does not change).
    const k = keyOf(next);
    if (k !== valueKey) pending.current.push(k);
    setDraft(next);
    onChange(next);
  };
  const presets = offeredPresets(filtersJSON);
  const dims = offeredDimensions(filtersJSON);
  if (!presets.length && !dims.length) return null;
  const dirty = value.range !== (filtersJSON.date_range?.default ?? '') || Object.values(value.dims).some((v) => v?.length);
  const rangeError = customRangeError(draft);
  const setRange = (range: string) => {
    const cur = latest.current;
    if (range !== CUSTOM) {
      apply({ range, dims: cur.dims });
      return;
    }
    const today = localDay(new Date());
    const next = { ...cur, range, from: cur.from ?? localDay(new Date(Date.now() - 6 * 86400_000)), to: cur.to ?? today };
    setDraft(next);
    if (customRangeError(next) === null) apply(next);
  };
  const setDay = (k: 'from' | 'to', v: string) => {
    const next = { ...draft, dims: latest.current.dims, [k]: v };
    setDraft(next);
    if (customRangeError(next) === null) apply(next);
  };
  const errorField = rangeError === 'filters.fromInvalid' ? 'from' : rangeError ? 'to' : null;
  return (
    <form className="filters" aria-label={t('filters.title')} role="search" onSubmit={(e) => e.preventDefault()}>
      {presets.length > 0 && (
        <label>
          <span>{t('filters.period')}</span>
          <select value={draft.range} onChange={(e) => setRange(e.target.value)}>
            {presets.map((p) => <option key={p} value={p}>{t(`preset.${p}` as 'preset.today')}</option>)}
            <option value={CUSTOM}>{t('preset.custom')}</option>
            <option value="">{t('preset.none')}</option>
          </select>
        </label>
      )}
      {draft.range === CUSTOM && (['from', 'to'] as const).map((k) => (
        <label key={k}>
          <span>{t(`filters.${k}` as 'filters.from')}</span>
          <input type="date" value={draft[k] ?? ''} onChange={(e) => setDay(k, e.target.value)}
            aria-invalid={errorField === k || undefined} aria-describedby={errorField === k ? `${ids}-err` : undefined} />
        </label>
      ))}
      {rangeError && <p id={`${ids}-err`} className="field-error" role="alert">{t(rangeError)}</p>}
      {dims.map((d) => (
        <DimensionPicker key={d} dim={d} label={t(`filters.${d}` as 'filters.customer')} entities={lists[d] ?? []}
          chosen={value.dims[d] ?? []} onChange={(update) => {
            const cur = latest.current;
            const vs = update(cur.dims[d] ?? []);
            apply({ ...cur, dims: { ...cur.dims, [d]: vs.length ? vs : undefined } });
          }} />
      ))}
      {dirty && (
        <button type="button" onClick={() => apply({ range: filtersJSON.date_range?.default ?? '', dims: {} })}>{t('filters.clear')}</button>
      )}
    </form>
  );
}

/** A Date's local calendar day, YYYY-MM-DD. */
function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export { useEntities };
