import { describe, expect, it } from 'vitest';
import type { QueryData } from '../../api/types';
import { sparkOf, sparkPoints } from './sparkline';

describe('sparkline', () => {
  const data = { columns: [{ name: 'bucket', type: 'time' }, { name: 'n', type: 'int' }, { name: 'sum', type: 'float' }],
    rows: [['t1', 3, 10], ['t2', 7, 20], ['t3', 5, 30]] } as QueryData;
  it('reads the metric column (the last by default) and its figures', () => {
    expect(sparkOf(data, 'n')).toEqual({ values: [3, 7, 5], first: 3, last: 5, min: 3, max: 7 });
    expect(sparkOf(data)!.values).toEqual([10, 20, 30]);
    expect(sparkOf({ ...data, rows: [['t1', 3, 1]] })).toBeNull();
    expect(sparkOf(null)).toBeNull();
  });
  it('spans the box, high values up, a flat series at mid height', () => {
    expect(sparkPoints([3, 7, 5], 100, 20, 0)).toBe('0,20 50,0 100,10');
    expect(sparkPoints([4, 4], 100, 20)).toBe('2,10 98,10');
  });
});
