import { describe, expect, it } from 'vitest';
import { buildPivot, combineOf, pageLines } from './pivot';
import type { WidgetData } from './types';

// The demo's maintenance backlog: site x status, orders.
const backlog: WidgetData = {
  columns: [{ name: 'site_id', type: 'string' }, { name: 'status', type: 'string' }, { name: 'orders', type: 'int' }],
  rows: [['rj', 'in_progress', 1], ['rj', 'planned', 3], ['sp', 'in_progress', 1], ['poa', 'planned', 2], ['poa', 'in_progress', 2]],
  totals: [9],
};

describe('buildPivot', () => {
  it('spreads columns, totals each row and adds a grand total', () => {
    const m = buildPivot(backlog, { rows: ['site_id'], columns: ['status'], values: ['orders'] });
    expect(m.colKeys).toEqual([['in_progress'], ['planned']]);
    expect(m.lines.map((l) => [l.kind, l.labels, l.cells, l.totals])).toEqual([
      ['row', ['rj'], [1, 3], [4]],
      ['row', ['sp'], [1, null], [1]],
      ['row', ['poa'], [2, 2], [4]],
    ]);
    expect(m.grand).toEqual({ cells: [4, 5], totals: [9] });
  });

  it('adds a subtotal after each group of the outer row field', () => {
    const data: WidgetData = {
      columns: [{ name: 'customer', type: 'string' }, { name: 'site', type: 'string' }, { name: 'status', type: 'string' }, { name: 'n', type: 'int' }],
      rows: [['acme', 'rj', 'open', 1], ['acme', 'sp', 'open', 2], ['acme', 'sp', 'closed', 5], ['globex', 'poa', 'open', 4]],
    };
    const m = buildPivot(data, { rows: ['customer', 'site'], columns: ['status'], values: ['n'] });
    expect(m.lines.map((l) => [l.kind, l.labels, l.cells, l.totals])).toEqual([
      ['row', ['acme', 'rj'], [1, null], [1]],
      ['row', ['acme', 'sp'], [2, 5], [7]],
      ['subtotal', ['acme'], [3, 5], [8]],
      ['row', ['globex', 'poa'], [4, null], [4]],
      ['subtotal', ['globex'], [4, null], [4]],
    ]);
    expect(m.grand).toEqual({ cells: [7, 5], totals: [12] });
    expect(m.groups).toBe(2);
    expect(pageLines(m, 1, 1).map((l) => l.labels)).toEqual([['globex', 'poa'], ['globex']]);
  });

  it('sorts groups by label, cell or total, keeping subtotals with their group', () => {
    const m = buildPivot(backlog, { rows: ['site_id'], columns: ['status'], values: ['orders'] }, {}, { key: { by: 'label' }, dir: 'asc' });
    expect(m.lines.map((l) => l.labels[0])).toEqual(['poa', 'rj', 'sp']);
    const byPlanned = buildPivot(backlog, { rows: ['site_id'], columns: ['status'], values: ['orders'] }, {}, { key: { by: 'cell', index: 1 }, dir: 'desc' });
    expect(byPlanned.lines.map((l) => l.labels[0])).toEqual(['rj', 'poa', 'sp']); // empty last
    const byTotal = buildPivot(backlog, { rows: ['site_id'], columns: ['status'], values: ['orders'] }, {}, { key: { by: 'total', index: 0 }, dir: 'asc' });
    expect(byTotal.lines.map((l) => l.labels[0])).toEqual(['sp', 'rj', 'poa']);
    expect(byTotal.grand.totals).toEqual([9]);
  });

  it('leaves averages uncombined but takes the server total for the grand total', () => {
    const data: WidgetData = {
      columns: [{ name: 'site', type: 'string' }, { name: 'status', type: 'string' }, { name: 'avg_min', type: 'float' }, { name: 'n', type: 'int' }],
      rows: [['rj', 'open', 10, 1], ['rj', 'closed', 30, 3]],
      totals: [25, 4],
    };
    const m = buildPivot(data, { rows: ['site'], columns: ['status'], values: ['avg_min', 'n'] },
      { avg_min: combineOf('avg'), n: combineOf('count') }, undefined, ['avg_min', 'n']);
    expect(m.lines[0].cells).toEqual([10, 1, 30, 3]);
    expect(m.lines[0].totals).toEqual([null, 4]);
    expect(m.grand.cells).toEqual([null, 1, null, 3]);
    expect(m.grand.totals).toEqual([25, 4]);
  });

  it('combines min and max and handles no column field', () => {
    expect(combineOf('max')).toBe('max');
    const data: WidgetData = { columns: [{ name: 'site', type: 'string' }, { name: 'worst', type: 'int' }], rows: [['a', 3], ['b', 9]] };
    const m = buildPivot(data, { rows: ['site'], columns: [], values: ['worst'] }, { worst: 'max' });
    expect(m.colKeys).toEqual([[]]);
    expect(m.grand).toEqual({ cells: [9], totals: [9] });
  });
});
