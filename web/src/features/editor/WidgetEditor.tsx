// The widget editor dialog: the query builder, the visualisations (several
// can be ticked to compare them side by side in the live preview), title,
// KPI target or Markdown text, and saving.
import { useMemo } from 'react';
import { ApiError } from '../../api/http';
import type { Dashboard, Widget } from '../../api/types';
import { Dialog } from '../../app/Dialog';
import { useI18n } from '../../i18n/I18n';
import { useSession } from '../session/session';
import { WidgetCard } from '../widgets/WidgetCard';
import { controlId } from './builder';
import { Control, FieldError, invalidProps, QueryBuilder, useProblems } from './QueryBuilder';
import { useWidgetEditor, type SaveResult, type WidgetEditorState } from './useWidgetEditor';
import { configFor, VIZ_KINDS, VIZ_SPECS, type VizKind } from './vizzes';

export interface WidgetEditorProps {
  dashboard: Dashboard;
  widget?: Widget;
  onSaved(r: SaveResult): void;
  /** The widget changed elsewhere (409). */
  onConflict(): void;
  onClose(): void;
}

export function WidgetEditor({ dashboard, widget, onSaved, onConflict, onClose }: WidgetEditorProps) {
  const { t } = useI18n();
  const { catalog } = useSession();
  const ed = useWidgetEditor({ dashboard, widget, catalog });
  const kindLabel = (k: VizKind) => t(`viz.${k}`);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!ed.kinds.length || (!ed.onlyText && ed.local.length)) return;
    try {
      onSaved(await ed.save(kindLabel));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) onConflict();
    }
  }

  const general = ed.problems.get('') ?? [];
  return (
    <Dialog title={widget ? t('editor.titleEdit', { title: widget.title }) : t('editor.titleNew')} onClose={onClose} className="dialog-wide">
      <form className="editor" onSubmit={submit} noValidate>
        <div className="editor-form">
          {ed.reportId && !ed.onlyText
            ? <p className="notice" role="note">{t('editor.reportBound', { id: ed.reportId })}</p>
            : !ed.onlyText && <QueryBuilder ed={ed} />}
          <Appearance ed={ed} />
        </div>
        <Preview ed={ed} />
        <div className="editor-foot">
          {general.length > 0 && (
            <div role="alert" className="error">
              <p>{t('editor.problems')}</p>
              <ul>{general.map((m) => <li key={m}>{m}</li>)}</ul>
            </div>
          )}
          <p className="error" role="alert">
            {ed.failure ? t('editor.failed', { message: ed.failure }) : ed.problems.size > 0 ? t('editor.fixFields') : ''}
          </p>
          <div className="actions">
            <button type="button" onClick={onClose}>{t('editor.cancel')}</button>
            <button type="submit" className="primary" disabled={ed.saving || !ed.kinds.length}>
              {ed.saving ? t('editor.saving') : ed.kinds.length > 1 ? t('editor.saveMany', { count: ed.kinds.length }) : t('editor.save')}
            </button>
          </div>
        </div>
      </form>
    </Dialog>
  );
}

/** Visualisations, title, and the KPI's or the text's settings. */
function Appearance({ ed }: { ed: WidgetEditorState }) {
  const { t, lang } = useI18n();
  const { catalog } = useSession();
  const hierarchies = catalog?.sources.find((x) => x.name === ed.builder.source)?.hierarchies ?? [];
  const hierM = problems0(ed, 'hierarchy');
  const refreshM = problems0(ed, 'refresh');
  const problems = useProblems(ed);
  const vizM = problems('viz');
  const titleM = problems('title');
  const textM = problems('text');
  const targetM = problems('kpi.target');
  const sparkM = problems('kpi.sparkline.granularity');
  const dirM = problems('kpi.direction');
  return (
    <fieldset className="editor-viz">
      <legend>{t('editor.vizzes')}</legend>
      <fieldset className="viz-choices" aria-describedby={['viz-help', vizM.length ? controlId('viz') + '-error' : ''].filter(Boolean).join(' ')}>
        <legend className="visually-hidden">{t('editor.vizzes')}</legend>
        <p id="viz-help" className="hint muted">{t('editor.vizHelp')}</p>
        {VIZ_KINDS.map((k) => (
          <label key={k} className="check">
            <input type="checkbox" checked={ed.kinds.includes(k)} onChange={(e) => ed.toggleKind(k, e.target.checked)} />
            {t(`viz.${k}`)}
          </label>
        ))}
        <FieldError path="viz" messages={vizM} />
      </fieldset>
      <Control path="title" label={t('editor.widgetTitle')} messages={titleM}>
        <input {...invalidProps('title', titleM)} maxLength={200} value={ed.title} onChange={(e) => ed.setTitle(e.target.value)} />
      </Control>
      {!ed.onlyText && (
        <div className="qb-row">
          {hierarchies.length > 0 && (
            <Control path="hierarchy" label={t('editor.hierarchy')} messages={hierM}>
              <select {...invalidProps('hierarchy', hierM)} value={ed.hierarchy} onChange={(e) => ed.setHierarchy(e.target.value)}>
                <option value="">{t('editor.hierarchy.none')}</option>
                {hierarchies.map((h) => <option key={h.name} value={h.name}>{h.label[lang] ?? h.label.en ?? h.name}</option>)}
              </select>
            </Control>
          )}
          <Control path="refresh" label={t('editor.refresh')} messages={refreshM} hint={{ id: 'refresh-hint', text: t('editor.refreshHint') }}>
            <input {...invalidProps('refresh', refreshM, 'refresh-hint')} type="number" min={0} max={86400} step={1} value={ed.refresh}
              onChange={(e) => ed.setRefresh(e.target.value)} />
          </Control>
        </div>
      )}
      {ed.kinds.includes('kpi') && (
        <div className="qb-row" role="group" aria-label={t('editor.kpi')}>
          <Control path="kpi.target" label={t('editor.kpiTarget')} messages={targetM}>
            <input {...invalidProps('kpi.target', targetM)} type="number" step="any" value={ed.kpi.target}
              onChange={(e) => ed.setKpi({ ...ed.kpi, target: e.target.value })} />
          </Control>
          <Control path="kpi.direction" label={t('editor.kpiDirection')} messages={dirM}>
            <select {...invalidProps('kpi.direction', dirM)} value={ed.kpi.direction}
              onChange={(e) => ed.setKpi({ ...ed.kpi, direction: e.target.value as typeof ed.kpi.direction })}>
              <option value="">{t('editor.direction.default')}</option>
              <option value="higher_is_better">{t('editor.direction.higher_is_better')}</option>
              <option value="lower_is_better">{t('editor.direction.lower_is_better')}</option>
            </select>
          </Control>
          <Control path="kpi.sparkline.granularity" label={t('editor.kpiSpark')} messages={sparkM}>
            <select {...invalidProps('kpi.sparkline.granularity', sparkM)} value={ed.kpi.spark ?? ''}
              onChange={(e) => ed.setKpi({ ...ed.kpi, spark: e.target.value as typeof ed.kpi.spark })}>
              <option value="">{t('editor.spark.none')}</option>
              {(['hour', 'day', 'week', 'month'] as const).map((g) => <option key={g} value={g}>{t(`editor.spark.${g}`)}</option>)}
            </select>
          </Control>
        </div>
      )}
      {ed.kinds.includes('kpi') && <Thresholds ed={ed} />}
      {ed.kinds.includes('text') && (
        <Control path="text" label={t('editor.text')} messages={textM}>
          <textarea {...invalidProps('text', textM)} rows={5} maxLength={20000} value={ed.text} onChange={(e) => ed.setText(e.target.value)} />
        </Control>
      )}
    </fieldset>
  );
}

/** Whether a control is the widget's own (not the query's). */
function isWidgetControl(path: string): boolean {
  return ['title', 'viz', 'text', 'hierarchy', 'refresh'].includes(path) || path.startsWith('kpi.');
}

/** The problems of a control outside the query builder (hooks-free). */
function problems0(ed: WidgetEditorState, path: string): string[] {
  return ed.problems.get(path) ?? [];
}

/** The KPI's traffic-light bands: from each value up, a level (ascending). */
function Thresholds({ ed }: { ed: WidgetEditorState }) {
  const { t } = useI18n();
  const rows = ed.kpi.thresholds;
  const set = (next: typeof rows) => ed.setKpi({ ...ed.kpi, thresholds: next });
  const listM = problems0(ed, 'kpi.thresholds');
  return (
    <fieldset className="qb-rows" aria-describedby="thresholds-hint">
      <legend>{t('editor.thresholds')}</legend>
      <p id="thresholds-hint" className="hint muted">{t('editor.thresholdsHint')}</p>
      <FieldError path="kpi.thresholds" messages={listM} />
      {rows.map((r, i) => {
        const n = i + 1;
        const vp = `kpi.thresholds[${i}].value`;
        const lp = `kpi.thresholds[${i}].level`;
        const vm = problems0(ed, vp);
        const lm = problems0(ed, lp);
        return (
          <div className="qb-row" key={i} role="group" aria-label={t('editor.threshold', { n })}>
            <Control path={vp} label={t('editor.thresholdValue')} messages={vm}>
              <input {...invalidProps(vp, vm)} type="number" step="any" value={r.value}
                onChange={(e) => set(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
            </Control>
            <Control path={lp} label={t('editor.thresholdLevel')} messages={lm}>
              <select {...invalidProps(lp, lm)} value={r.level}
                onChange={(e) => set(rows.map((x, j) => (j === i ? { ...x, level: e.target.value as typeof r.level } : x)))}>
                {(['ok', 'warn', 'crit'] as const).map((l) => <option key={l} value={l}>{t(`kpi.level.${l}`)}</option>)}
              </select>
            </Control>
            <button type="button" className="qb-remove" onClick={() => set(rows.filter((_, j) => j !== i))}>{t('editor.removeThreshold', { n })}</button>
          </div>
        );
      })}
      <button type="button" onClick={() => set([...rows, { value: '', level: rows.length ? 'warn' : 'ok' }])}>{t('editor.addThreshold')}</button>
    </fieldset>
  );
}

/** The same rows drawn as each visualisation chosen, side by side. */
function Preview({ ed }: { ed: WidgetEditorState }) {
  const { t } = useI18n();
  const widgets = useMemo(() => ed.kinds.map((k): Widget => {
    const spec = VIZ_SPECS[k];
    return {
      id: `preview-${k}`, dashboard_id: '', type: spec.type, viz: spec.viz, title: `${t('editor.preview')}: ${t(`viz.${k}`)}`,
      config_json: configFor(k, spec.type === 'text' ? undefined : ed.query, { text: ed.text, kpi: ed.kpi, base: ed.widget?.config_json, hierarchy: ed.hierarchy }),
      position: 0, refresh_interval_sec: 0, version: 0,
    };
  }), [ed.kinds, ed.query, ed.text, ed.kpi, ed.widget, ed.hierarchy, t]);
  // Only the query's problems stop the preview (not a title or a KPI band refused on save).
  const blocked = !ed.onlyText && (ed.local.length > 0 || [...ed.problems.keys()].some((k) => !isWidgetControl(k)));
  let status = '';
  if (!ed.kinds.length) status = t('editor.previewNone');
  else if (ed.reportId && !ed.onlyText) status = t('editor.previewReport');
  else if (blocked) status = t('editor.previewBlocked');
  else if (ed.loading) status = t('editor.previewLoading');
  else if (ed.previewError) status = t('editor.previewFailed', { message: ed.previewError });
  else if (ed.data?.meta) status = t('editor.previewRows', { rows: ed.data.meta.rows, ms: Math.round(ed.data.meta.sql_ms) });
  return (
    <section className="editor-preview" aria-labelledby="preview-title">
      <h3 id="preview-title">{t('editor.preview')}</h3>
      <p className="muted" role="status" data-testid="preview-status">{status}</p>
      <div className="preview-grid" data-testid="preview-grid">
        {!blocked && widgets.map((w) => (
          <div className="preview-item" key={w.id} data-viz={w.id.slice('preview-'.length)}>
            <WidgetCard widget={w} data={w.type === 'text' ? null : ed.data} at={null} stale={false} editing={false} />
          </div>
        ))}
      </div>
    </section>
  );
}
