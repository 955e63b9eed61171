// A widget on the grid: title, its renderer, how fresh its data is and a
// stale marker (text and icon, not colour alone). In layout editing it
// carries the drag handle, which is also the keyboard move/resize control.
import { useMemo, useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { ErrorDetail, Widget } from '../../api/types';
import { useI18n, type Translate } from '../../i18n/I18n';
import { useKiosk } from '../kiosk/kiosk';
import { useSession } from '../session/session';
import { ChartWidget } from './ChartWidget';
import { DrillBar } from './DrillBar';
import { chartVizzes } from './chartOptions';
import { ageText } from './freshness';
import { KpiCard } from './KpiCard';
import { makeLabels, useEntityNames, type Labels } from './labels';
import { PivotTable } from './PivotTable';
import { TextWidget } from './TextWidget';
import type { WidgetData } from './types';
import { useNow } from './useNow';
import { useDrill, type Drill } from './useDrill';

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

/**
 * A widget's error in the reader's language: what the code says (the
 * server's text is English and, for codes other than invalid, written for
 * logs), the server's message only for invalid input, which names the
 * field.
 */
export function widgetErrorText(t: Translate, error: ErrorDetail): string {
  const known = ['not_found', 'forbidden', 'unauthenticated', 'rate_limited', 'unavailable', 'internal', 'too_large', 'gone'];
  if (known.includes(error.code)) return t(`widget.error.${error.code}` as 'widget.error.internal');
  return t('widget.error', { message: error.message });
}

function Body({ widget, data, error, labels, drill, kiosk }: Pick<WidgetCardProps, 'widget' | 'data' | 'error'> & {
  labels: Labels; drill: Drill; kiosk: boolean;
}) {
  const { t } = useI18n();
  if (widget.type === 'text') return <TextWidget text={widget.config_json.text ?? ''} label={widget.title} />;
  if (error) return <p className="error" role="alert">{widgetErrorText(t, error)}</p>;
  if (!data) return <p className="muted">{t('app.loading')}</p>;
  if (widget.type === 'kpi' || widget.viz === 'kpi') return <KpiCard widget={widget} data={data} labels={labels} />;
  if (!data.rows.length) return <p className="muted">{t('widget.noData')}</p>;
  if (widget.type === 'table' || widget.viz === 'table') return <PivotTable widget={widget} data={data} labels={labels} drill={drill} kiosk={kiosk} />;
  if (chartVizzes.includes(widget.viz)) return <ChartWidget widget={widget} data={data} labels={labels} drill={drill} />;
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
  const { t, lang } = useI18n();
  const { widget, editing } = props;
  const titleId = `wt-${widget.id}`;
  const kiosk = useKiosk();
  const { catalog } = useSession();
  const names = useEntityNames();
  // Drill-down along the widget's hierarchy (not while editing the layout,
  // nor on a wall display, which has no controls).
  const hierarchies = kiosk || editing ? undefined
    : catalog?.sources.find((s) => s.name === widget.config_json.query?.source)?.hierarchies;
  const labelsRef = useRef<Labels | null>(null);
  const drill = useDrill(widget, hierarchies, props.data, (v, c) => labelsRef.current?.label(v as never, c) ?? String(v));
  const labels = useMemo(() => makeLabels(drill.widget, lang, catalog, names), [drill.widget, lang, catalog, names]);
  labelsRef.current = labels;
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
      <DrillBar drill={drill} title={widget.title} header={labels.header} />
      <div className="widget-body">
        <Body widget={drill.widget} data={drill.data ?? props.data} error={props.error} labels={labels} drill={drill} kiosk={kiosk} />
      </div>
      {widget.type !== 'text' && <Freshness at={props.at} stale={props.stale} />}
    </section>
  );
}
