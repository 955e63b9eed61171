import { describe, expect, it } from 'vitest';
import type { QueryData } from '../../api/types';
import { sparkOf, sparkPoints } from './sparkline';

describe('sparkline', () => {
  const data = { columns: [{ name: 'bucket', type: 'time' }, { name: 'n', type: 'int' }, { name: 'sum', type: 'float' }],
    rows: [['t1', 3, 10], ['t2', 7, 20], ['t3', 5, 30]] } as QueryData;
  it('reads the metric column (the last by default) and its figures', () => {
    expect(sparkOf(data, 'n')).toEqual({ values: [3, 7, 5], times: [null, null, null], first: 3, last: 5, min: 3, max: 7 });
    expect(sparkOf(data)!.values).toEqual([10, 20, 30]);
    expect(sparkOf({ ...data, rows: [['t1', 3, 1]] })).toBeNull();
    expect(sparkOf(null)).toBeNull();
  });
  it('spans the box, high values up, a flat series at mid height', () => {
    expect(sparkPoints([3, 7, 5], 100, 20, 0)).toBe('0,20 50,0 100,10');
    expect(sparkPoints([4, 4], 100, 20)).toBe('2,10 98,10');
  });
  it('places points by their time, so a bucket without data leaves a longer segment', () => {
    const day = 86_400_000;
    expect(sparkPoints([1, 2, 3], 100, 20, 0, [0, day, 4 * day])).toBe('0,20 25,10 100,0');
    const s = sparkOf({ columns: [{ name: 'bucket', type: 'time' }, { name: 'n', type: 'int' }],
      rows: [['2026-12-01T00:00:00Z', 1], ['2026-12-03T00:00:00Z', 2]] } as QueryData)!;
    expect(s.times).toEqual([Date.parse('2026-12-01T00:00:00Z'), Date.parse('2026-12-03T00:00:00Z')]);
  });
});
