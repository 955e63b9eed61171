// A widget on the grid: title, its renderer, how fresh its data is and a
// stale marker (text and icon, not colour alone). In layout editing it
// carries the drag handle, which is also the keyboard move/resize control.
import { useMemo, type KeyboardEvent, type ReactNode } from 'react';
import type { ErrorDetail, Widget } from '../../api/types';
import { useI18n } from '../../i18n/I18n';
import { useSession } from '../session/session';
import { ChartWidget } from './ChartWidget';
import { chartVizzes } from './chartOptions';
import { ageText } from './freshness';
import { KpiCard } from './KpiCard';
import { makeLabels, useEntityNames } from './labels';
import { PivotTable } from './PivotTable';
import { TextWidget } from './TextWidget';
import type { WidgetData } from './types';
import { useNow } from './useNow';

export interface WidgetCardProps {
  widget: Widget;
  data: WidgetData | null;
  error?: ErrorDetail;
  /** When the data was computed or received (ms). */
  at: number | null;
  stale: boolean;
  editing: boolean;
  /** Keyboard move/resize on the handle (editing only). */
  onHandleKey?(e: KeyboardEvent<HTMLButtonElement>): void;
  /** More controls in the header while editing (edit, delete). */
  tools?: ReactNode;
}

function Body({ widget, data, error }: Pick<WidgetCardProps, 'widget' | 'data' | 'error'>) {
  const { t, lang } = useI18n();
  const { catalog } = useSession();
  const names = useEntityNames();
  const labels = useMemo(() => makeLabels(widget, lang, catalog, names), [widget, lang, catalog, names]);
  if (widget.type === 'text') return <TextWidget text={widget.config_json.text ?? ''} label={widget.title} />;
  if (error) return <p className="error" role="alert">{t('widget.error', { message: error.message })}</p>;
  if (!data) return <p className="muted">{t('app.loading')}</p>;
  if (widget.type === 'kpi' || widget.viz === 'kpi') return <KpiCard widget={widget} data={data} labels={labels} />;
  if (!data.rows.length) return <p className="muted">{t('widget.noData')}</p>;
  if (widget.type === 'table' || widget.viz === 'table') return <PivotTable widget={widget} data={data} labels={labels} />;
  if (chartVizzes.includes(widget.viz)) return <ChartWidget widget={widget} data={data} labels={labels} />;
  return <p>{t('widget.unsupported', { viz: widget.viz })}</p>;
}

function Freshness({ at, stale }: { at: number | null; stale: boolean }): ReactNode {
  const { t } = useI18n();
  const now = useNow(1000);
  return (
    <p className="widget-foot">
      {at !== null && <span className="age">{ageText(now, at, t)}</span>}
      {stale && (
        <span className="stale" title={t('widget.staleHelp')}>
          <span aria-hidden="true">⚠ </span>{t('widget.stale')}<span className="visually-hidden">: {t('widget.staleHelp')}</span>
        </span>
      )}
    </p>
  );
}

export function WidgetCard(props: WidgetCardProps) {
  const { t } = useI18n();
  const { widget, editing } = props;
  const titleId = `wt-${widget.id}`;
  return (
    <section className={`widget ${props.stale ? 'is-stale' : ''}`} aria-labelledby={titleId} data-widget-id={widget.id}>
      <header className="widget-head">
        <h2 id={titleId}>{widget.title || widget.viz}</h2>
        {editing && props.tools}
        {editing && (
          <button type="button" className="drag-handle" aria-describedby="grid-help"
            aria-label={t('grid.handle', { title: widget.title })} onKeyDown={props.onHandleKey}>
            <span aria-hidden="true">✥</span>
          </button>
        )}
      </header>
      <div className="widget-body">
        <Body widget={widget} data={props.data} error={props.error} />
      </div>
      {widget.type !== 'text' && <Freshness at={props.at} stale={props.stale} />}
    </section>
  );
}
