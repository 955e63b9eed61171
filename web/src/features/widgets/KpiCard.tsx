// KPI card: the value, its target, the variation (with arrow and words,
// never colour alone), the traffic light as an icon and a text, and the
// recent trend as a sparkline with its figures in words.
import { useI18n } from '../../i18n/I18n';
import { kpiModel, type Level } from './kpi';
import type { Labels } from './labels';
import { sparkOf, sparkPoints } from './sparkline';
import type { RendererProps } from './types';
import { useSparkline } from './useSparkline';

const icons: Record<Level | 'none', string> = { ok: '✓', warn: '!', crit: '✕', none: '–' };

export function KpiCard({ widget, data, labels }: RendererProps & { labels: Labels }) {
  const { t, num } = useI18n();
  const m = kpiModel(widget, data);
  const level = m.level ?? 'none';
  const sparkData = useSparkline(widget, m.value);
  const sp = widget.config_json.kpi?.sparkline;
  const spark = sparkOf(sparkData, widget.config_json.kpi?.metric);
  const v = m.variation;
  let variation = '';
  if (v) {
    const amount = v.ratio === null ? (v.diff > 0 ? '+' : '') + labels.num(v.diff) : (v.ratio > 0 ? '+' : '') + num(v.ratio * 100, { maximumFractionDigits: 1 }) + '%';
    variation = t(v.basis === 'target' ? 'kpi.vsTarget' : 'kpi.vsPrevious', { value: amount });
  }
  return (
    <div className={`kpi kpi-${level}`} data-testid="kpi">
      <div className="kpi-main">
        <p className="kpi-value" data-testid="kpi-value">{m.value === null ? '—' : labels.num(m.value)}</p>
        <p className={`kpi-level level-${level}`} data-testid="kpi-level">
          <span className="kpi-icon" aria-hidden="true">{icons[level]}</span>
          <span>{t(`kpi.level.${level}` as 'kpi.level.ok')}</span>
        </p>
        {sp && spark && (
          <svg className="kpi-spark" data-testid="kpi-spark" viewBox="0 0 120 28" preserveAspectRatio="none" role="img"
            aria-label={t('kpi.spark', {
              n: String(spark.values.length), unit: t(`kpi.spark.${sp.granularity ?? 'day'}` as 'kpi.spark.day'),
              first: labels.num(spark.first), last: labels.num(spark.last), min: labels.num(spark.min), max: labels.num(spark.max),
            })}>
            <polyline points={sparkPoints(spark.values, 120, 28, 2, spark.times)} fill="none" stroke="currentColor" strokeWidth="1.5"
              vectorEffect="non-scaling-stroke" strokeLinejoin="round" strokeLinecap="round" />
          </svg>
        )}
      </div>
      <p className="kpi-target">
        {m.target === undefined ? t('kpi.noTarget') : t('kpi.target', { target: labels.num(m.target) })}
        {v && (
          <span className={`kpi-variation ${v.good === null ? '' : v.good ? 'good' : 'bad'}`}>
            {' · '}<span aria-hidden="true">{v.diff > 0 ? '▲' : v.diff < 0 ? '▼' : '='} </span>
            {variation}
            {v.good !== null && <> ({t(v.good ? 'kpi.better' : 'kpi.worse')})</>}
          </span>
        )}
      </p>
    </div>
  );
}
