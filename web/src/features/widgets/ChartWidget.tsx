import { useMemo } from 'react';
import { useI18n } from '../../i18n/I18n';
import { prefersReducedMotion, useTheme } from '../../theme/Theme';
import { chartModel, type ChartEnv } from './chartOptions';
import { EChart } from './EChart';
import type { Labels } from './labels';
import type { RendererProps } from './types';

// Series colours with at least 3:1 contrast against each theme's card.
const palettes = {
  light: ['#0b5cad', '#b34700', '#2e7d32', '#8e24aa', '#c2185b', '#00796b', '#5d4037', '#455a64'],
  dark: ['#7cb8ff', '#ffab66', '#81c784', '#ce93d8', '#f48fb1', '#4db6ac', '#bcaaa4', '#b0bec5'],
};
const ink = {
  light: { text: '#1b1f24', muted: '#5b6673', background: '#ffffff', scaleLow: '#dde8f3' },
  dark: { text: '#e8edf2', muted: '#9aa7b4', background: '#1a2027', scaleLow: '#2c3a48' },
};

/** A chart widget drawn by the <EChart> wrapper. */
export function ChartWidget({ widget, data, labels }: RendererProps & { labels: Labels }) {
  const { t } = useI18n();
  const { resolved } = useTheme();
  const model = useMemo(() => {
    const env: ChartEnv = {
      label: labels.label, header: labels.header, num: labels.num,
      weekdays: t('weekday.short').split(','), palette: palettes[resolved], ...ink[resolved],
      reducedMotion: prefersReducedMotion(),
    };
    return chartModel(widget, data, env);
  }, [widget, data, labels, resolved, t]);
  if (!model) return <p>{t('widget.unsupported', { viz: widget.viz })}</p>;
  return <EChart option={model.option} table={model.table} label={t('widget.chartLabel', { title: widget.title })} theme={resolved} />;
}
