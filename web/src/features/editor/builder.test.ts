import { describe, expect, it } from 'vitest';
import { catalog } from '../../test/catalog';
import {
  aggsFor, controlId, controlOf, emptyState, fromQuery, localProblems, metricAliases, operatorsFor, problemsByControl, toQuery,
  type BuilderState,
} from './builder';
import { configFor, kindOf } from './vizzes';
import { firstFreeSpot, placeWidgets } from './placement';

function state(over: Partial<BuilderState>): BuilderState {
  return { ...emptyState('America/Sao_Paulo'), source: 'tickets', ...over };
}

describe('toQuery', () => {
  it('counts rows of a source: count has no field', () => {
    expect(toQuery(state({}), catalog)).toEqual({ source: 'tickets', metrics: [{ agg: 'count', as: 'count' }] });
  });

  it('groups by a dimension and by a time field at a granularity, in the time zone', () => {
    const q = toQuery(state({
      metrics: [{ agg: 'count', field: '', p: '' }, { agg: 'avg', field: 'resolution_minutes', p: '' }],
      groups: [{ field: 'status', granularity: 'month' }, { field: 'created_at', granularity: '' }],
      order: [{ by: 'count', dir: 'desc' }], limit: '10',
    }), catalog);
    expect(q).toEqual({
      source: 'tickets',
      metrics: [{ agg: 'count', as: 'count' }, { agg: 'avg', field: 'resolution_minutes', as: 'avg_resolution_minutes' }],
      // a granularity only on time fields; a time field without one gets day
      groups: [{ field: 'status' }, { field: 'created_at', granularity: 'day' }],
      order: [{ by: 'count', dir: 'desc' }], limit: 10, time_zone: 'America/Sao_Paulo',
    });
  });

  it('types filter values by field and operator', () => {
    const q = toQuery(state({
      filters: [
        { field: 'status', op: 'IN', value: 'open, closed,', value2: '' },
        { field: 'resolution_minutes', op: 'BETWEEN', value: '10', value2: '20.5', },
        { field: 'escalated', op: '==', value: 'true', value2: '' },
        { field: 'priority', op: 'EXISTS', value: 'ignored', value2: '' },
        { field: 'created_at', op: '>=', value: 'start_of_day-6d', value2: '' },
        { field: 'resolution_minutes', op: '>', value: 'abc', value2: '' },
        { field: 'priority', op: 'CONTAINS', value: 'urg', value2: '' },
      ],
    }), catalog);
    expect(q.filters).toEqual([
      { field: 'status', op: 'IN', value: ['open', 'closed'] },
      { field: 'resolution_minutes', op: 'BETWEEN', value: [10, 20.5] },
      { field: 'escalated', op: '==', value: true },
      { field: 'priority', op: 'EXISTS' },
      { field: 'created_at', op: '>=', value: 'start_of_day-6d' },
      // not a number: sent as typed, for the server to name at filters[5].value
      { field: 'resolution_minutes', op: '>', value: 'abc' },
      { field: 'priority', op: 'CONTAINS', value: 'urg' },
    ]);
    expect(q.time_zone).toBe('America/Sao_Paulo');
  });

  it('makes metric aliases unique and adds percentile p, totals and compare', () => {
    const q = toQuery(state({
      metrics: [{ agg: 'count', field: '', p: '' }, { agg: 'count', field: '', p: '' }, { agg: 'percentile', field: 'resolution_minutes', p: '0.9' }],
      totals: true, compare: 'previous_period',
    }), catalog);
    expect(q.metrics).toEqual([
      { agg: 'count', as: 'count' }, { agg: 'count', as: 'count_2' }, { agg: 'percentile', field: 'resolution_minutes', as: 'percentile_resolution_minutes', p: 0.9 },
    ]);
    expect(q.totals).toBe(true);
    expect(q.compare).toBe('previous_period');
    expect(metricAliases([{ agg: 'sum', field: 'amount', p: '' }])).toEqual(['sum_amount']);
  });

  it('round-trips a saved query through the builder', () => {
    const saved = {
      source: 'expenses', metrics: [{ agg: 'sum', field: 'amount', as: 'sum_amount' }], groups: [{ field: 'cost_center_id' }],
      filters: [{ field: 'cost_center_id', op: 'NOT_IN', value: ['a', 'b'] }, { field: 'amount', op: 'BETWEEN', value: [1, 2] }],
      order: [{ by: 'sum_amount', dir: 'desc' }], limit: 5,
    };
    const s = fromQuery(saved, 'UTC');
    expect(s.filters[0]).toEqual({ field: 'cost_center_id', op: 'NOT_IN', value: 'a, b', value2: '' });
    expect(s.filters[1]).toEqual({ field: 'amount', op: 'BETWEEN', value: '1', value2: '2' });
    expect(toQuery(s, catalog)).toEqual(saved);
  });
});

describe('what the catalogue allows', () => {
  const src = catalog.sources[0];
  it('offers only the aggregations a field allows, count without a field', () => {
    expect(aggsFor(src, '')).toEqual(['count']);
    expect(aggsFor(src, 'resolution_minutes')).toEqual(['sum', 'avg', 'min', 'max', 'percentile']);
    expect(aggsFor(src, 'created_at')).toEqual(['count_distinct', 'min', 'max']);
  });
  it('offers operators by field type', () => {
    expect(operatorsFor(src.fields[4])).toEqual(['==', '!=', 'EXISTS', 'NOT_EXISTS']);
    expect(operatorsFor(src.fields[5])).not.toContain('CONTAINS');
    expect(operatorsFor(src.fields[0])).toContain('CONTAINS');
  });
});

describe('problems at their controls', () => {
  it('finds what is missing before asking the server', () => {
    expect(localProblems({ ...emptyState(), source: '' })).toEqual([{ path: 'source', key: 'editor.required' }]);
    expect(localProblems(state({
      metrics: [{ agg: 'sum', field: '', p: '' }, { agg: 'percentile', field: 'resolution_minutes', p: '2' }],
      groups: [{ field: '', granularity: '' }],
      filters: [{ field: '', op: '==', value: '', value2: '' }, { field: 'status', op: 'BETWEEN', value: 'a', value2: ' ' },
        { field: 'status', op: 'IN', value: ' , ', value2: '' }, { field: 'status', op: 'EXISTS', value: '', value2: '' }],
    }))).toEqual([
      { path: 'metrics[0].field', key: 'editor.required' },
      { path: 'metrics[1].p', key: 'editor.percentileP' },
      { path: 'groups[0].field', key: 'editor.required' },
      { path: 'filters[0].field', key: 'editor.required' },
      { path: 'filters[1].value2', key: 'editor.required' },
      { path: 'filters[2].value', key: 'editor.needsList' },
    ]);
  });

  it('maps the server paths of a query and of a widget save to controls', () => {
    const s = state({ filters: [{ field: 'status', op: 'IN', value: 'a,b', value2: '' }, { field: 'resolution_minutes', op: 'BETWEEN', value: '1', value2: 'x' }] });
    expect(controlOf('source')).toBe('source');
    expect(controlOf('config.query.source')).toBe('source');
    expect(controlOf('metrics')).toBe('metrics');
    expect(controlOf('metrics[1].agg')).toBe('metrics[1].agg');
    expect(controlOf('config.query.metrics[0].as')).toBe('metrics[0].field');
    expect(controlOf('groups[2].granularity')).toBe('groups[2].granularity');
    expect(controlOf('groups[0].as')).toBe('groups[0].field');
    expect(controlOf('filters[2].value')).toBe('filters[2].value');
    expect(controlOf('filters[0].value[1]', s)).toBe('filters[0].value');
    expect(controlOf('filters[1].value[1]', s)).toBe('filters[1].value2');
    expect(controlOf('filters[1].value[0]', s)).toBe('filters[1].value');
    expect(controlOf('filters[0].and[1].field')).toBe('filters[0].field');
    expect(controlOf('order[0].by')).toBe('order[0].by');
    expect(controlOf('limit')).toBe('limit');
    expect(controlOf('config.kpi.target')).toBe('kpi.target');
    expect(controlOf('title')).toBe('title');
    expect(controlOf('config.kpi.thresholds[1].value')).toBe('kpi.thresholds[1].value');
    expect(controlOf('config.hierarchy')).toBe('hierarchy');
    expect(controlOf('refresh_interval_sec')).toBe('refresh');
    expect(controlOf('config.options')).toBe('');
    const m = problemsByControl([
      { path: 'filters[1].value[1]', message: 'must be a number' },
      { path: 'subtotals[0]', message: 'must be a group alias' },
      { path: 'filters[1].value[1]', message: 'again' },
    ], s);
    expect(m.get('filters[1].value2')).toEqual(['must be a number', 'again']);
    expect(m.get('')).toEqual(['must be a group alias']);
    expect(controlId('filters[1].value2')).toBe('qb-filters-1-value2');
  });
});

describe('visualisations', () => {
  const q = { source: 'tickets', metrics: [{ agg: 'count', as: 'count' }] };
  const none = { text: '', kpi: { target: '', direction: '' as const, thresholds: [] } };
  it('makes the config of each kind', () => {
    expect(configFor('stacked', q, none)).toEqual({ query: q, options: { stacked: true } });
    const base = { query: q, options: { stacked: true, pivot: { rows: ['a'] } }, hierarchy: 'org', kpi: { target: 1, thresholds: [{ value: 5, level: 'warn' as const }] } };
    expect(configFor('horizontal', q, { ...none, base }))
      .toEqual({ query: q, options: { orientation: 'horizontal', pivot: { rows: ['a'] } }, hierarchy: 'org' });
    // Another source: the hierarchy was the old source's.
    expect(configFor('bar', { ...q, source: 'expenses' }, { ...none, base }).hierarchy).toBeUndefined();
    // A hierarchy chosen in the form wins; '' is none.
    expect(configFor('bar', q, { ...none, base, hierarchy: 'time' }).hierarchy).toBe('time');
    expect(configFor('bar', q, { ...none, base, hierarchy: '' }).hierarchy).toBeUndefined();
    // Target, direction and thresholds are the form's; other KPI settings stay.
    expect(configFor('kpi', q, { ...none, kpi: { target: '', direction: 'lower_is_better', thresholds: [{ value: '10', level: 'crit' }] },
      base: { ...base, kpi: { ...base.kpi, metric: 'count' } } }).kpi)
      .toEqual({ metric: 'count', thresholds: [{ value: 10, level: 'crit' }], direction: 'lower_is_better' });
    expect(configFor('kpi', q, { ...none, kpi: { target: '12.5', direction: 'lower_is_better', thresholds: [] } }))
      .toEqual({ query: q, kpi: { target: 12.5, direction: 'lower_is_better' } });
    // The trend is the form's granularity; its other settings (points, field) stay.
    const sparkBase = { ...base, kpi: { sparkline: { field: 'created_at', granularity: 'day' as const, points: 30 } } };
    expect(configFor('kpi', q, { ...none, kpi: { ...none.kpi, spark: 'hour' }, base: sparkBase }).kpi)
      .toEqual({ sparkline: { field: 'created_at', granularity: 'hour', points: 30 } });
    expect(configFor('kpi', q, { ...none, kpi: { ...none.kpi, spark: '' }, base: sparkBase }).kpi).toBeUndefined();
    expect(configFor('kpi', q, { ...none, kpi: { ...none.kpi, spark: 'week' } }).kpi).toEqual({ sparkline: { granularity: 'week' } });
    expect(configFor('text', q, { ...none, text: '# Hi' })).toEqual({ text: '# Hi' });
    expect(configFor('treemap', q, none)).toEqual({ query: q });
  });
  it('reads the kind of a saved widget', () => {
    expect(kindOf({ type: 'chart', viz: 'bar', config_json: { options: { orientation: 'horizontal' } } })).toBe('horizontal');
    expect(kindOf({ type: 'chart', viz: 'bar', config_json: { options: { stacked: true } } })).toBe('stacked');
    expect(kindOf({ type: 'chart', viz: 'heatmap', config_json: {} })).toBe('heatmap');
    expect(kindOf({ type: 'table', viz: 'table', config_json: {} })).toBe('table');
  });
});

describe('placement', () => {
  it('finds the first free spot, row by row', () => {
    expect(firstFreeSpot([], 12, 6, 4)).toEqual({ x: 0, y: 0 });
    expect(firstFreeSpot([{ i: 'a', x: 0, y: 0, w: 6, h: 4 }], 12, 6, 4)).toEqual({ x: 6, y: 0 });
    expect(firstFreeSpot([{ i: 'a', x: 0, y: 0, w: 6, h: 4 }, { i: 'b', x: 6, y: 0, w: 6, h: 2 }], 12, 6, 4)).toEqual({ x: 6, y: 2 });
    expect(firstFreeSpot([{ i: 'a', x: 0, y: 0, w: 12, h: 3 }], 12, 6, 4)).toEqual({ x: 0, y: 3 });
  });
  it('places new widgets on every saved breakpoint, keeping the others', () => {
    const l = placeWidgets({ lg: [{ i: 'a', x: 0, y: 0, w: 6, h: 4 }], sm: [{ i: 'a', x: 0, y: 0, w: 6, h: 4 }] }, ['a'], ['n1', 'n2']);
    expect(l.lg).toEqual([{ i: 'a', x: 0, y: 0, w: 6, h: 4 }, { i: 'n1', x: 6, y: 0, w: 6, h: 4 }, { i: 'n2', x: 0, y: 4, w: 6, h: 4 }]);
    expect(l.sm).toEqual([{ i: 'a', x: 0, y: 0, w: 6, h: 4 }, { i: 'n1', x: 0, y: 4, w: 3, h: 4 }, { i: 'n2', x: 3, y: 4, w: 3, h: 4 }]);
    expect(placeWidgets({}, [], ['n']).lg).toEqual([{ i: 'n', x: 0, y: 0, w: 6, h: 4 }]);
  });
});
