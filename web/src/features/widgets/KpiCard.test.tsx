import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderUI } from '../../test/render';
import { KpiCard } from './KpiCard';
import { makeLabels } from './labels';
import type { Widget } from '../../api/types';

const w: Widget = {
  id: 'w1', dashboard_id: 'd', type: 'kpi', viz: 'kpi', title: 'Open tickets', position: 0, refresh_interval_sec: 0, version: 1,
  config_json: {
    query: { source: 'tickets', metrics: [{ agg: 'count', as: 'open' }] },
    kpi: { metric: 'open', target: 40, direction: 'lower_is_better', thresholds: [{ value: 0, level: 'ok' }, { value: 60, level: 'warn' }, { value: 100, level: 'crit' }] },
  },
};

describe('KpiCard', () => {
  it('shows value, target, variation in words and the level as icon and text', () => {
    renderUI(<KpiCard widget={w} data={{ columns: [{ name: 'open', type: 'int' }], rows: [[120]] }} labels={makeLabels(w, 'en', null, {})} />, { lang: 'en' });
    expect(screen.getByTestId('kpi-value').textContent).toBe('120');
    expect(screen.getByTestId('kpi-level').textContent).toBe('✕Critical');
    expect(screen.getByText(/Target: 40/).textContent).toBe('Target: 40 · ▲ +200% against the target (worse)');
  });

  it('speaks Portuguese by default and handles no data', () => {
    renderUI(<KpiCard widget={w} data={{ columns: [{ name: 'open', type: 'int' }], rows: [] }} labels={makeLabels(w, 'pt-BR', null, {})} />);
    expect(screen.getByTestId('kpi-value').textContent).toBe('—');
    expect(screen.getByTestId('kpi-level').textContent).toBe('–Sem faixas definidas');
    expect(screen.getByText('Meta: 40')).toBeTruthy();
  });
});
