import { describe, expect, it } from 'vitest';
import type { Widget } from '../../api/types';
import { canDrill, crumbs, drillBody, drilledWidget, drillLevels, levelColumn, popTo, pushStep, shownLevel, stepFor, type DrillStep, type Hierarchy } from './drill';

const hierarchies: Hierarchy[] = [
  { name: 'cost', label: { en: 'Cost' }, levels: ['cost_center_id', 'category'] },
  { name: 'time', label: { en: 'Time' }, levels: ['spent_at:year', 'spent_at:month', 'spent_at:day'] },
];

function widget(hierarchy: string | undefined, groups: { field: string; granularity?: string; as?: string }[]): Widget {
  return { id: 'w', dashboard_id: 'd', type: 'chart', viz: 'treemap', title: 'T', position: 0, refresh_interval_sec: 0, version: 1,
    config_json: { hierarchy, query: { source: 'expenses', metrics: [{ agg: 'sum', field: 'amount', as: 'amount' }], groups } } };
}
const label = (v: unknown, col: string) => `${col}=${String(v)}`;

describe('drillLevels', () => {
  it('is the hierarchy when the widget groups first by its top level', () => {
    expect(drillLevels(widget('cost', [{ field: 'cost_center_id' }, { field: 'category' }]), hierarchies)).toEqual(['cost_center_id', 'category']);
    expect(drillLevels(widget('time', [{ field: 'spent_at', granularity: 'year', as: 'year' }]), hierarchies)).toHaveLength(3);
  });
  it('is null without a hierarchy, an unknown one, or another first group', () => {
    expect(drillLevels(widget(undefined, [{ field: 'cost_center_id' }]), hierarchies)).toBeNull();
    expect(drillLevels(widget('nope', [{ field: 'cost_center_id' }]), hierarchies)).toBeNull();
    expect(drillLevels(widget('cost', [{ field: 'category' }]), hierarchies)).toBeNull();
    expect(drillLevels(widget('time', [{ field: 'spent_at', granularity: 'month' }]), hierarchies)).toBeNull();
    expect(drillLevels(widget('cost', [{ field: 'cost_center_id' }]), undefined)).toBeNull();
  });
});

describe('drilledWidget', () => {
  it('takes the query that ran and drops options naming the top level\'s columns', () => {
    const w = widget('cost', [{ field: 'cost_center_id' }, { field: 'category' }]);
    w.config_json.options = { currency: 'BRL', pivot: { rows: ['cost_center_id'] }, x: 'a', y: 'b', fold: { x: 'weekday' } };
    const q = { source: 'expenses', metrics: [{ agg: 'sum', field: 'amount', as: 'amount' }], groups: [{ field: 'category' }] };
    const d = drilledWidget(w, q);
    expect(d.config_json.query).toBe(q);
    expect(d.config_json.options).toEqual({ currency: 'BRL' });
    expect(d.config_json.hierarchy).toBe('cost');
    expect(w.config_json.options).toHaveProperty('pivot'); // the widget itself is untouched
  });
});

describe('drill path', () => {
  const levels = ['spent_at:year', 'spent_at:month', 'spent_at:day'];
  const top = { source: 'expenses', metrics: [], groups: [{ field: 'spent_at', granularity: 'year', as: 'year' }] };
  const down = { source: 'expenses', metrics: [], groups: [{ field: 'spent_at', granularity: 'month' }] };

  it('finds the column of a level (the alias the server gives it)', () => {
    expect(levelColumn(top, 'spent_at:year')).toBe('year');
    expect(levelColumn(down, 'spent_at:month')).toBe('spent_at_month');
    expect(levelColumn(down, 'spent_at:year')).toBeUndefined();
  });

  it('pushes a step per click and pops back by the breadcrumb', () => {
    let path: DrillStep[] = [];
    expect(shownLevel(levels, path)).toBe('spent_at:year');
    const s1 = stepFor(levels, path, top, { year: '2026-01-01T00:00:00Z' }, label)!;
    expect(s1).toEqual({ level: 'spent_at:year', value: '2026-01-01T00:00:00Z', label: 'year=2026-01-01T00:00:00Z' });
    path = pushStep(path, s1);
    expect(canDrill(levels, path)).toBe(true);
    const s2 = stepFor(levels, path, down, { spent_at_month: '2026-03-01T00:00:00Z', other: 1 }, label)!;
    path = pushStep(path, s2);
    expect(shownLevel(levels, path)).toBe('spent_at:day');
    // The bottom level: nothing further down.
    expect(canDrill(levels, path)).toBe(false);
    expect(drillBody(path, { range: 'last_7d' })).toEqual({
      path: [{ field: 'spent_at:year', value: '2026-01-01T00:00:00Z' }, { field: 'spent_at:month', value: '2026-03-01T00:00:00Z' }],
      filters: { range: 'last_7d' },
    });
    expect(crumbs(path, 'All')).toEqual([
      { depth: 0, label: 'All', current: false },
      { depth: 1, label: 'year=2026-01-01T00:00:00Z', current: false },
      { depth: 2, label: 'spent_at_month=2026-03-01T00:00:00Z', current: true },
    ]);
    expect(popTo(path, 1)).toEqual([s1]);
    expect(popTo(path, 0)).toEqual([]);
    expect(popTo(path, 9)).toEqual(path);
    expect(crumbs([], 'All')).toEqual([{ depth: 0, label: 'All', current: true }]);
  });

  it('has no step for an element without the shown level (totals, folded axes)', () => {
    expect(stepFor(levels, [], top, null, label)).toBeNull();
    expect(stepFor(levels, [], top, { month: 'x' }, label)).toBeNull();
    expect(stepFor(levels, [], top, { year: null }, label)).toBeNull();
  });
});
