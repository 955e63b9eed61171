import { useMemo } from 'react';
import { useI18n } from '../../i18n/I18n';
import { prefersReducedMotion, useTheme } from '../../theme/Theme';
import { chartModel, type ChartEnv } from './chartOptions';
import { EChart } from './EChart';
import type { Labels } from './labels';
import type { RendererProps } from './types';
import type { Drill } from './useDrill';

// Series colours with at least 3:1 contrast against each theme's card.
export const palettes = {
  light: ['#0b5cad', '#b34700', '#2e7d32', '#8e24aa', '#c2185b', '#00796b', '#5d4037', '#455a64'],
  dark: ['#7cb8ff', '#ffab66', '#81c784', '#ce93d8', '#f48fb1', '#4db6ac', '#bcaaa4', '#b0bec5'],
};
export const ink = {
  light: { text: '#1b1f24', muted: '#5b6673', background: '#ffffff', scaleLow: '#dde8f3' },
  dark: { text: '#e8edf2', muted: '#9aa7b4', background: '#1a2027', scaleLow: '#2c3a48' },
};

/** A chart widget drawn by the <EChart> wrapper. */
export function ChartWidget({ widget, data, labels, drill }: RendererProps & { labels: Labels; drill?: Drill }) {
  const { t } = useI18n();
  const { resolved } = useTheme();
  const model = useMemo(() => {
    const env: ChartEnv = {
      label: labels.label, header: labels.header, num: labels.num,
      weekdays: t('weekday.short').split(','), palette: palettes[resolved], ...ink[resolved],
      reducedMotion: prefersReducedMotion(),
    };
    return chartModel(widget, data, env, Boolean(drill?.levels));
  }, [widget, data, labels, resolved, t, drill?.levels]);
  if (!model) return <p>{t('widget.unsupported', { viz: widget.viz })}</p>;
  const drills = Boolean(drill?.levels);
  // One drill button per value: rows that lead to the same step (a
  // treemap's leaves under one node) share the first row's.
  const first = new Map<string, number>();
  if (drills) {
    (model.table.keys ?? []).forEach((k, i) => {
      const l = drill!.stepLabel(k);
      if (l && !first.has(l)) first.set(l, i);
    });
  }
  return (
    <EChart option={model.option} table={model.table} label={t('widget.chartLabel', { title: widget.title })} theme={resolved}
      onSelect={drills ? (p) => drill!.drill(model.pick(p)) : undefined}
      onRow={drills ? (i) => drill!.drill(model.table.keys?.[i] ?? null) : undefined}
      rowAction={drills ? (i) => {
        const l = drill!.stepLabel(model.table.keys?.[i] ?? null);
        return l && first.get(l) === i ? t('drill.row', { label: l }) : null;
      } : undefined}
      hint={drill?.more ? t('drill.hint') : undefined} />
  );
}
