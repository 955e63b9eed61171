import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { KpiCard } from './KpiCard';
import { makeLabels } from './labels';
import type { Widget } from '../../api/types';
import { DrillFiltersContext } from './useDrill';
import { SPARK_REFRESH_MS } from './useSparkline';

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

  it('draws the trend from its endpoint with the dashboard filters, says it in words, and asks again when the value moves', async () => {
    const calls: string[] = [];
    let rows = [['2026-12-01T00:00:00Z', 30], ['2026-12-02T00:00:00Z', 45], ['2026-12-03T00:00:00Z', 38]];
    vi.stubGlobal('fetch', vi.fn((url: string) => {
      calls.push(url);
      return Promise.resolve(new Response(JSON.stringify({ columns: [{ name: 'bucket', type: 'time' }, { name: 'open', type: 'int' }], rows }), { status: 200 }));
    }));
    const sw: Widget = { ...w, config_json: { ...w.config_json, kpi: { ...w.config_json.kpi, sparkline: { granularity: 'day', points: 14 } } } };
    const card = (v: number) => (
      <DrillFiltersContext.Provider value={{ customer: ['c1'] }}>
        <KpiCard widget={sw} data={{ columns: [{ name: 'open', type: 'int' }], rows: [[v]] }} labels={makeLabels(sw, 'en', null, {})} />
      </DrillFiltersContext.Provider>
    );
    const { rerender } = renderUI(card(38), { lang: 'en' });
    const svg = await screen.findByRole('img', { name: 'Trend over 3 days: from 30 to 38 (low 30, high 45)' });
    expect(svg.querySelector('polyline')!.getAttribute('points')!.split(' ')).toHaveLength(3);
    expect(calls).toEqual(['/api/widgets/w1/sparkline?customer=c1']);
    // A live value change asks again, but not more often than SPARK_REFRESH_MS.
    vi.useFakeTimers({ shouldAdvanceTime: true });
    rows = [...rows, ['2026-12-04T00:00:00Z', 41]];
    rerender(card(41));
    rerender(card(42));
    expect(calls).toHaveLength(1);
    await act(async () => { vi.advanceTimersByTime(SPARK_REFRESH_MS); });
    vi.useRealTimers();
    await waitFor(() => expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Trend over 4 days: from 30 to 41 (low 30, high 45)'));
    expect(calls).toHaveLength(2);
  });

  it('has no trend without a sparkline in its settings, and asks nothing', () => {
    const f = vi.fn();
    vi.stubGlobal('fetch', f);
    renderUI(<KpiCard widget={w} data={{ columns: [{ name: 'open', type: 'int' }], rows: [[3]] }} labels={makeLabels(w, 'en', null, {})} />, { lang: 'en' });
    expect(screen.queryByTestId('kpi-spark')).toBeNull();
    expect(f).not.toHaveBeenCalled();
  });
});

afterEach(() => { vi.unstubAllGlobals(); vi.useRealTimers(); });
