import { describe, expect, it } from 'vitest';
import { kpiLevel, kpiModel, kpiVariation } from './kpi';
import type { Widget } from '../../api/types';

const thresholds = [{ value: 0, level: 'ok' as const }, { value: 60, level: 'warn' as const }, { value: 100, level: 'crit' as const }];

const openTickets: Widget = {
  id: 'w1', dashboard_id: 'd', type: 'kpi', viz: 'kpi', title: 'Open tickets', position: 0, refresh_interval_sec: 0, version: 1,
  config_json: {
    query: { source: 'tickets', metrics: [{ agg: 'count', as: 'open' }] },
    kpi: { metric: 'open', target: 40, direction: 'lower_is_better', thresholds },
  },
};

describe('kpiLevel', () => {
  it.each([
    [-1, null], [0, 'ok'], [59.9, 'ok'], [60, 'warn'], [99, 'warn'], [100, 'crit'], [1e9, 'crit'],
  ])('%d -> %s', (v, level) => {
    expect(kpiLevel(v, thresholds)).toBe(level);
  });

  it('has no level without thresholds', () => {
    expect(kpiLevel(5, undefined)).toBeNull();
    expect(kpiLevel(5, [])).toBeNull();
  });
});

describe('kpiVariation', () => {
  it('is good when it moves the way the direction wants', () => {
    expect(kpiVariation(30, 40, 'target', 'lower_is_better')).toEqual({ diff: -10, ratio: -0.25, basis: 'target', good: true });
    expect(kpiVariation(50, 40, 'target', 'lower_is_better').good).toBe(false);
    expect(kpiVariation(50, 40, 'previous').good).toBe(true);
    expect(kpiVariation(40, 40, 'target').good).toBeNull();
  });

  it('has no ratio against zero', () => {
    expect(kpiVariation(3, 0, 'target', 'lower_is_better')).toEqual({ diff: 3, ratio: null, basis: 'target', good: false });
    expect(kpiVariation(-5, -10, 'previous').ratio).toBe(0.5);
  });
});

describe('kpiModel', () => {
  it('reads the metric, compares with the target and picks the level', () => {
    const m = kpiModel(openTickets, { columns: [{ name: 'open', type: 'int' }], rows: [[72]] });
    expect(m).toMatchObject({ metric: 'open', value: 72, target: 40, level: 'warn' });
    expect(m.variation).toEqual({ diff: 32, ratio: 0.8, basis: 'target', good: false });
  });

  it('prefers the comparison period when the query has one', () => {
    const m = kpiModel(openTickets, {
      columns: [{ name: 'open', type: 'int' }], rows: [[30]],
      compare: { kind: 'previous_period', from: '', to: '', rows: [[20]] },
    });
    expect(m.variation).toEqual({ diff: 10, ratio: 0.5, basis: 'previous', good: false });
  });

  it('has no value without rows', () => {
    const m = kpiModel(openTickets, { columns: [{ name: 'open', type: 'int' }], rows: [] });
    expect(m.value).toBeNull();
    expect(m.level).toBeNull();
    expect(m.variation).toBeNull();
  });

  it('falls back to the first metric', () => {
    const w = { ...openTickets, config_json: { query: openTickets.config_json.query } };
    expect(kpiModel(w, { columns: [{ name: 'open', type: 'int' }], rows: [['7']] })).toMatchObject({ metric: 'open', value: 7, level: null, variation: null });
  });
});
