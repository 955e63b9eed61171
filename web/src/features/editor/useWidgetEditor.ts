// The widget editor's state: the query builder, the visualisations
// chosen, title, KPI target and text; a live preview of the query through
// POST /api/query (debounced, the previous request aborted); the problems
// of the builder and of the server by control; and saving: one widget per
// visualisation chosen (the one edited is changed, the others are new),
// new ones placed at the first free spot of the layout.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, request } from '../../api/http';
import type { Dashboard, QueryData, Widget } from '../../api/types';
import { dashboardsAPI } from '../dashboards/api';
import type { Catalog } from '../session/session';
import { widgetsAPI, type WidgetInput } from './api';
import {
  emptyState, fromQuery, localProblems, problemsByControl, toQuery,
  type BuilderState, type FilterRow, type GroupRow, type LocalProblem, type MetricRow, type OrderRow, type Problem,
} from './builder';
import { placeWidgets } from './placement';
import { configFor, kindOf, VIZ_SPECS, type KpiForm, type VizKind } from './vizzes';

export const PREVIEW_DELAY_MS = 400;

type Rows = 'metrics' | 'groups' | 'filters' | 'order';
type RowOf<K extends Rows> = { metrics: MetricRow; groups: GroupRow; filters: FilterRow; order: OrderRow }[K];

const blank: { [K in Rows]: () => RowOf<K> } = {
  metrics: () => ({ agg: 'count', field: '', p: '' }),
  groups: () => ({ field: '', granularity: '' }),
  filters: () => ({ field: '', op: '==', value: '', value2: '' }),
  order: () => ({ by: '', dir: 'desc' }),
};

export interface EditorOptions {
  dashboard: Dashboard;
  /** The widget edited; none to add one. */
  widget?: Widget;
  catalog: Catalog | null;
  timeZone?: string;
}

export interface SaveResult { saved: Widget[]; created: Widget[] }

export function browserTimeZone(): string {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
}

export function useWidgetEditor({ dashboard, widget, catalog, timeZone = browserTimeZone() }: EditorOptions) {
  const [builder, setBuilder] = useState<BuilderState>(() => {
    if (widget?.config_json.query) return fromQuery(widget.config_json.query, timeZone);
    return { ...emptyState(timeZone), source: catalog?.sources[0]?.name ?? '' };
  });
  const [kinds, setKinds] = useState<VizKind[]>(() => [widget ? kindOf(widget) : 'bar']);
  const [title, setTitle] = useState(widget?.title ?? '');
  const [text, setText] = useState(widget?.config_json.text ?? '');
  const [kpi, setKpi] = useState<KpiForm>({
    target: widget?.config_json.kpi?.target?.toString() ?? '', direction: widget?.config_json.kpi?.direction ?? '',
    thresholds: (widget?.config_json.kpi?.thresholds ?? []).map((x) => ({ value: String(x.value), level: x.level })),
    spark: widget?.config_json.kpi?.sparkline ? (widget.config_json.kpi.sparkline.granularity ?? 'day') : '',
  });
  const [hierarchy, setHierarchy] = useState(widget?.config_json.hierarchy ?? '');
  const [refresh, setRefresh] = useState(String(widget?.refresh_interval_sec ?? 0));
  const [data, setData] = useState<QueryData | null>(null);
  const [loading, setLoading] = useState(false);
  const [serverProblems, setServerProblems] = useState<Problem[]>([]);
  const [failure, setFailure] = useState('');
  const [previewError, setPreviewError] = useState('');
  const [saving, setSaving] = useState(false);

  // A source picked before the catalogue arrived.
  useEffect(() => {
    if (!builder.source && catalog?.sources[0] && !widget) setBuilder((b) => ({ ...b, source: catalog.sources[0].name }));
  }, [catalog]); // eslint-disable-line react-hooks/exhaustive-deps

  const onlyText = kinds.length > 0 && kinds.every((k) => k === 'text');
  /** A widget bound to a saved report: its query is the report's, not edited here. */
  const reportId = widget?.config_json.report_id ?? '';
  const local: LocalProblem[] = useMemo(() => (onlyText || reportId ? [] : localProblems(builder)), [builder, onlyText, reportId]);
  const query = useMemo(() => toQuery(builder, catalog), [builder, catalog]);
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    setServerProblems([]);
    if (onlyText || reportId || local.length) { setData(null); setLoading(false); return; }
    const ac = new AbortController();
    const timer = setTimeout(() => {
      setLoading(true);
      widgetsAPI.query(query, ac.signal).then((d) => {
        setData(d); setPreviewError(''); setLoading(false);
      }, (e: Error) => {
        if (e.name === 'AbortError') return;
        setLoading(false);
        setData(null);
        const problems = problemsOf(e);
        if (problems) setServerProblems(problems);
        else setPreviewError(e.message);
      });
    }, PREVIEW_DELAY_MS);
    return () => { clearTimeout(timer); ac.abort(); };
  }, [queryKey, onlyText, local.length]); // eslint-disable-line react-hooks/exhaustive-deps

  /** Problems by control: the builder's own (message keys) and the server's (its messages). */
  const problems = useMemo(() => problemsByControl(serverProblems, builder), [serverProblems, builder]);

  const update = useCallback((patch: Partial<BuilderState>) => setBuilder((b) => ({ ...b, ...patch })), []);

  /** Another source: its fields differ, so what names them starts over. */
  const setSource = useCallback((source: string) => {
    setBuilder((b) => ({ ...emptyState(b.timeZone), source }));
    setHierarchy('');
  }, []);

  const setRow = useCallback(<K extends Rows>(kind: K, i: number, patch: Partial<RowOf<K>>) => {
    setBuilder((b) => ({ ...b, [kind]: (b[kind] as RowOf<K>[]).map((r, j) => (j === i ? { ...r, ...patch } : r)) }));
  }, []);
  const addRow = useCallback((kind: Rows) => {
    setBuilder((b) => ({ ...b, [kind]: [...b[kind], blank[kind]()] }));
  }, []);
  const removeRow = useCallback((kind: Rows, i: number) => {
    setBuilder((b) => ({ ...b, [kind]: b[kind].filter((_, j) => j !== i) }));
  }, []);

  const toggleKind = useCallback((k: VizKind, on: boolean) => {
    setKinds((ks) => (on ? (ks.includes(k) ? ks : [...ks, k]) : ks.filter((x) => x !== k)));
  }, []);

  /** The widget input of kind (a title per kind when several are saved). */
  const inputFor = useCallback((k: VizKind, kindLabel: (k: VizKind) => string): WidgetInput => {
    const spec = VIZ_SPECS[k];
    const base = title.trim();
    return {
      type: spec.type, viz: spec.viz,
      title: kinds.length > 1 ? `${base || kindLabel(k)} — ${kindLabel(k)}` : base,
      config_json: configFor(k, spec.type === 'text' || reportId ? undefined : query, { text, kpi, base: widget?.config_json, hierarchy }),
      refresh_interval_sec: refresh.trim() === '' ? 0 : Number(refresh),
    };
  }, [title, kinds, query, text, kpi, widget, hierarchy, refresh]);

  /** The widget edited, at the version last saved (a retry after a partial save uses it). */
  const edited = useRef<Widget | undefined>(widget);

  /**
   * Saves: the edited widget becomes the first visualisation chosen, each
   * other one a new widget (those with settings of their own, KPI and text,
   * first: the likeliest to be refused); new widgets are placed on the
   * grid. Problems the server finds are shown at their controls (and
   * thrown); widgets created before a refusal are placed and unticked, so
   * saving again does not create them twice.
   */
  const save = useCallback(async (kindLabel: (k: VizKind) => string): Promise<SaveResult> => {
    setSaving(true);
    setFailure('');
    setServerProblems([]);
    const saved: Widget[] = [];
    const created: Widget[] = [];
    const createdKinds: VizKind[] = [];
    const own = (k: VizKind) => (k === 'kpi' || k === 'text' ? 0 : 1);
    const order = [kinds[0], ...kinds.slice(1).sort((a, b) => own(a) - own(b))];
    try {
      for (const [i, k] of order.entries()) {
        const input = inputFor(k, kindLabel);
        if (i === 0 && edited.current) {
          edited.current = await widgetsAPI.update(edited.current.id, edited.current.version, input);
          saved.push(edited.current);
        } else {
          const w = await widgetsAPI.create(dashboard.id, input);
          saved.push(w);
          created.push(w);
          createdKinds.push(k);
        }
      }
      if (created.length) await placeNew(dashboard, created.map((w) => w.id));
      return { saved, created };
    } catch (e) {
      if (created.length) {
        setKinds((ks) => ks.filter((k) => !createdKinds.includes(k)));
        await placeNew(dashboard, created.map((w) => w.id)).catch(() => {});
      }
      const problems = problemsOf(e as Error);
      if (problems) setServerProblems(problems);
      else setFailure((e as Error).message);
      throw e;
    } finally {
      setSaving(false);
    }
  }, [kinds, inputFor, dashboard]);

  return {
    builder, update, setSource, setRow, addRow, removeRow,
    kinds, toggleKind, title, setTitle, text, setText, kpi, setKpi, hierarchy, setHierarchy, refresh, setRefresh,
    widget, query, onlyText, reportId, data, loading, local, problems, failure, previewError, saving, save,
  };
}

export type WidgetEditorState = ReturnType<typeof useWidgetEditor>;

/** The problems of a validation answer (400 with problems, or one field). */
export function problemsOf(e: Error): Problem[] | null {
  if (!(e instanceof ApiError) || e.status !== 400) return null;
  const list = (e.body as { problems?: Problem[] } | null)?.problems;
  if (list?.length) return list;
  return e.field ? [{ path: e.field, message: e.message }] : null;
}

/**
 * Puts widgets ids on the dashboard's grid at the first free spots, with
 * the version being edited; a conflict (the layout changed meanwhile)
 * retries once on the current version.
 */
async function placeNew(d: Dashboard, ids: string[]): Promise<void> {
  const place = (cur: Dashboard) => {
    const existing = (cur.widgets ?? []).map((w) => w.id).filter((id) => !ids.includes(id));
    return dashboardsAPI.update(cur.id, cur.version, { layout_json: placeWidgets(cur.layout_json, existing, ids) });
  };
  try {
    await place(d);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 409)) throw e;
    await place(await request<Dashboard>('GET', `/api/dashboards/${encodeURIComponent(d.id)}`));
  }
}
