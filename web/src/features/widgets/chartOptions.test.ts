import { describe, expect, it } from 'vitest';
import { chartModel, treeOf, type ChartEnv } from './chartOptions';
import type { Widget } from '../../api/types';
import type { WidgetData } from './types';

const env: ChartEnv = {
  label: (v) => String(v ?? ''), header: (c) => c.toUpperCase(), num: (n) => String(n),
  weekdays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'], palette: ['#111', '#222'],
  text: '#000', muted: '#666', background: '#fff', scaleLow: '#eee', reducedMotion: true,
};

function widget(viz: string, config: Widget['config_json']): Widget {
  return { id: 'w', dashboard_id: 'd', type: 'chart', viz, title: 'T', config_json: config, position: 0, refresh_interval_sec: 0, version: 1 };
}

const byStatus: WidgetData = {
  columns: [{ name: 'status', type: 'string' }, { name: 'tickets', type: 'int' }],
  rows: [['resolved', 144], ['open', 10]],
};
const statusQuery = { source: 'tickets', metrics: [{ agg: 'count', as: 'tickets' }], groups: [{ field: 'status' }] };

describe('chartModel', () => {
  it('draws a horizontal bar chart with categories on the y axis', () => {
    const m = chartModel(widget('bar', { query: statusQuery, options: { orientation: 'horizontal' } }), byStatus, env)!;
    const o = m.option as any;
    expect(o.yAxis).toMatchObject({ type: 'category', data: ['resolved', 'open'], inverse: true });
    expect(o.xAxis.type).toBe('value');
    expect(o.series).toEqual([expect.objectContaining({ type: 'bar', name: 'TICKETS', data: [144, 10] })]);
    expect(o.animation).toBe(false);
    expect(o.aria.enabled).toBe(true);
    expect(m.table).toEqual({ headers: ['STATUS', 'TICKETS'], rows: [['resolved', '144'], ['open', '10']],
      keys: [{ status: 'resolved' }, { status: 'open' }] });
    // A clicked bar gives its category's raw value (for drill-down).
    expect(m.pick({ dataIndex: 1 })).toEqual({ status: 'open' });
    expect(m.pick({})).toBeNull();
  });

  it('splits a second dimension into series, stacked for areas', () => {
    const data: WidgetData = {
      columns: [{ name: 'day', type: 'time' }, { name: 'status', type: 'string' }, { name: 'n', type: 'int' }],
      rows: [['d1', 'open', 1], ['d1', 'closed', 2], ['d2', 'open', 3]],
    };
    const o = chartModel(widget('area', { query: { source: 't', metrics: [{ agg: 'count', as: 'n' }] } }), data, env)!.option as any;
    expect(o.xAxis.data).toEqual(['d1', 'd2']);
    expect(o.series.map((s: any) => [s.name, s.data, s.stack, Boolean(s.areaStyle)])).toEqual([
      ['open', [1, 3], 'total', true], ['closed', [2, null], 'total', true]]);
  });

  it('draws pies and donuts', () => {
    const pie = chartModel(widget('pie', { query: statusQuery }), byStatus, env)!.option as any;
    expect(pie.series[0].radius).toBe('70%');
    expect(pie.series[0].data).toEqual([{ name: 'resolved', value: 144 }, { name: 'open', value: 10 }]);
    const donut = chartModel(widget('donut', { query: statusQuery }), byStatus, env)!;
    expect((donut.option as any).series[0].radius).toEqual(['45%', '70%']);
    expect(donut.pick({ dataIndex: 0 })).toEqual({ status: 'resolved' });
  });

  it('nests a treemap by its dimensions', () => {
    const data: WidgetData = {
      columns: [{ name: 'cc', type: 'string' }, { name: 'cat', type: 'string' }, { name: 'amount', type: 'float' }],
      rows: [['ops', 'Software', 10], ['field', 'Fuel', 4], ['field', 'Tools', 3]],
    };
    const tree = treeOf(data, ['cc', 'cat'], 'amount', env.label);
    expect(tree).toEqual([
      { name: 'ops', value: 10, keys: { cc: 'ops' }, children: [{ name: 'Software', value: 10, keys: { cc: 'ops', cat: 'Software' } }] },
      { name: 'field', value: 7, keys: { cc: 'field' }, children: [
        { name: 'Fuel', value: 4, keys: { cc: 'field', cat: 'Fuel' } }, { name: 'Tools', value: 3, keys: { cc: 'field', cat: 'Tools' } }] },
    ]);
    const w = widget('treemap', { query: { source: 'e', metrics: [{ agg: 'sum', field: 'amount', as: 'amount' }] } });
    const m = chartModel(w, data, env)!;
    // Without a hierarchy a click zooms into the children it has.
    expect((m.option as any).series[0]).toMatchObject({ type: 'treemap', nodeClick: 'zoomToNode' });
    // With one, the click is the widget's (server drill-down) and picks the node's keys.
    const drilled = chartModel(w, data, env, true)!;
    expect((drilled.option as any).series[0].nodeClick).toBe(false);
    expect(drilled.pick({ data: (drilled.option as any).series[0].data[1] })).toEqual({ cc: 'field' });
  });

  it('folds the heatmap and tabulates the folded grid', () => {
    const data: WidgetData = {
      columns: [{ name: 'day', type: 'time' }, { name: 'hour', type: 'time' }, { name: 'tickets', type: 'int' }],
      rows: [['2026-11-29T03:00:00Z', '2026-11-29T12:00:00Z', 3]], // Sunday 09:00 in São Paulo
    };
    const w = widget('heatmap', { query: { source: 't', metrics: [{ agg: 'count', as: 'tickets' }], time_zone: 'America/Sao_Paulo' },
      options: { x: 'hour', y: 'day', fold: { x: 'hour_of_day', y: 'weekday' } } });
    const m = chartModel(w, data, env)!;
    expect((m.option as any).series[0].data).toEqual([[9, 0, 3]]);
    // Every cell outlined in the muted colour, whatever its value's shade.
    expect((m.option as any).series[0].itemStyle).toEqual({ borderColor: env.muted, borderWidth: 1 });
    expect(m.table.headers).toHaveLength(25);
    expect(m.table.rows[0][0]).toBe('Sun');
    expect(m.table.rows[0][10]).toBe('3');
    // Folded axes have no raw value to drill by.
    expect(m.pick({ value: [9, 0, 3] })).toBeNull();
    expect(m.table.keys).toEqual(Array(7).fill(null));
  });

  it('picks the raw x and y of a heatmap cell that is not folded', () => {
    const data: WidgetData = {
      columns: [{ name: 'site', type: 'string' }, { name: 'status', type: 'string' }, { name: 'n', type: 'int' }],
      rows: [['s1', 'open', 2], ['s2', 'open', 1], ['s2', 'closed', 5]],
    };
    const m = chartModel(widget('heatmap', { query: { source: 't', metrics: [{ agg: 'count', as: 'n' }] } }), data, env)!;
    expect(m.pick({ value: [1, 1, 5] })).toEqual({ site: 's2', status: 'closed' });
    expect(m.table.keys).toEqual([{ status: 'open' }, { status: 'closed' }]);
  });

  it('is null for vizzes that are not charts', () => {
    expect(chartModel(widget('kpi', {}), byStatus, env)).toBeNull();
  });
});
