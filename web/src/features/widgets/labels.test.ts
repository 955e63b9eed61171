import { describe, expect, it } from 'vitest';
import { makeLabels } from './labels';
import type { Widget } from '../../api/types';
import type { Catalog } from '../session/session';

const catalog: Catalog = { sources: [{ name: 'expenses', label: { en: 'Expenses' }, fields: [
  { name: 'cost_center_id', type: 'string', kind: 'dimension', label: { en: 'Cost centre', 'pt-BR': 'Centro de custo' }, scope: 'cost_center' },
  { name: 'category', type: 'string', kind: 'dimension', label: { en: 'Category', 'pt-BR': 'Categoria' } },
  { name: 'spent_at', type: 'time', kind: 'time', label: { en: 'Spent at', 'pt-BR': 'Data' } },
] }] };

const w: Widget = {
  id: 'w', dashboard_id: 'd', type: 'chart', viz: 'treemap', title: 'T', position: 0, refresh_interval_sec: 0, version: 1,
  config_json: { options: { currency: 'BRL' }, query: { source: 'expenses', time_zone: 'America/Sao_Paulo',
    metrics: [{ agg: 'sum', field: 'amount', as: 'amount' }], groups: [{ field: 'cost_center_id' }, { field: 'spent_at', granularity: 'day', as: 'day' }] } },
};

describe('makeLabels', () => {
  it('names columns from the catalogue and ids from the entities', () => {
    const l = makeLabels(w, 'pt-BR', catalog, { cost_center: new Map([['cc-ops', 'Operações']]) });
    expect(l.header('cost_center_id')).toBe('Centro de custo');
    expect(l.header('day')).toBe('Day');
    expect(l.header('amount')).toBe('Amount');
    expect(l.label('cc-ops', 'cost_center_id')).toBe('Operações');
    expect(l.label('cc-x', 'cost_center_id')).toBe('cc-x');
    expect(l.label(null, 'category')).toBe('—');
    expect(l.label('2026-11-27T03:00:00Z', 'day')).toBe('27/11/2026');
    expect(l.num(1234.5).replace(/\s/g, ' ')).toBe('R$ 1.234,50');
  });

  it('reads a time bucket without an alias by its default column name (field_granularity)', () => {
    const bare: Widget = { ...w, config_json: { query: { source: 'expenses', time_zone: 'America/Sao_Paulo',
      metrics: [{ agg: 'count', as: 'count' }], groups: [{ field: 'spent_at', granularity: 'month' }] } } };
    const l = makeLabels(bare, 'pt-BR', catalog, {});
    expect(l.header('spent_at_month')).toBe('Data');
    expect(l.label('2026-11-01T03:00:00Z', 'spent_at_month')).toMatch(/nov.*2026/);
  });

  it('reads a time bucket without alias (a drilled level) by its field_grain column', () => {
    const drilled: Widget = { ...w, config_json: { ...w.config_json, query: { ...w.config_json.query!, groups: [{ field: 'spent_at', granularity: 'month' }] } } };
    const l = makeLabels(drilled, 'en', catalog, {});
    expect(l.header('spent_at_month')).toBe('Spent at');
    expect(l.label('2026-11-01T03:00:00Z', 'spent_at_month')).toBe('Nov 2026');
  });
});
