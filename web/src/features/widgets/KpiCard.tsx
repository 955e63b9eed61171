// KPI card: the value, its target, the variation (with arrow and words,
// never colour alone) and the traffic light as an icon and a text.
import { useI18n } from '../../i18n/I18n';
import { kpiModel, type Level } from './kpi';
import type { Labels } from './labels';
import type { RendererProps } from './types';

const icons: Record<Level | 'none', string> = { ok: '✓', warn: '!', crit: '✕', none: '–' };

export function KpiCard({ widget, data, labels }: RendererProps & { labels: Labels }) {
  const { t, num } = useI18n();
  const m = kpiModel(widget, data);
  const level = m.level ?? 'none';
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
