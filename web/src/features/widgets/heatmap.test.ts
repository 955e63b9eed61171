import { describe, expect, it } from 'vitest';
import { heatmapGrid, localParts } from './heatmap';
import type { WidgetData } from './types';

const names = ['dom', 'seg', 'ter', 'qua', 'qui', 'sex', 'sáb'];

// The demo's buckets: day and hour in America/Sao_Paulo (UTC-3), as UTC instants.
const demo: WidgetData = {
  columns: [{ name: 'day', type: 'time' }, { name: 'hour', type: 'time' }, { name: 'tickets', type: 'int' }],
  rows: [
    ['2026-11-27T03:00:00Z', '2026-11-27T12:00:00Z', 4], // Friday 27th, 09:00 local
    ['2026-11-27T03:00:00Z', '2026-11-27T13:00:00Z', 1], // Friday 10:00
    ['2026-12-04T03:00:00Z', '2026-12-04T12:00:00Z', 2], // the next Friday 09:00: folds with the first
    ['2026-11-29T03:00:00Z', '2026-11-30T02:00:00Z', 5], // Sunday 29th 23:00 local (Monday in UTC)
  ],
};

describe('localParts', () => {
  it('reads weekday and hour in the time zone', () => {
    expect(localParts('2026-11-30T02:00:00Z', 'America/Sao_Paulo')).toEqual({ weekday: 0, hour: 23 });
    expect(localParts('2026-11-30T02:00:00Z', 'UTC')).toEqual({ weekday: 1, hour: 2 });
    expect(localParts('not a date')).toBeNull();
  });
});

describe('heatmapGrid', () => {
  it('folds day x hour buckets into weekday x hour of day, adding up', () => {
    const g = heatmapGrid(demo, { x: 'hour', y: 'day', fold: { x: 'hour_of_day', y: 'weekday' } }, 'America/Sao_Paulo', names);
    expect(g.xLabels).toHaveLength(24);
    expect(g.xLabels[9]).toBe('09');
    expect(g.yLabels).toEqual(names);
    expect(g.cells).toEqual([[23, 0, 5], [9, 5, 6], [10, 5, 1]]);
    expect([g.min, g.max]).toEqual([1, 6]);
  });

  it('keeps axes as categories without a fold', () => {
    const data: WidgetData = {
      columns: [{ name: 'site', type: 'string' }, { name: 'status', type: 'string' }, { name: 'n', type: 'int' }],
      rows: [['rj', 'open', 1], ['sp', 'open', 2], ['rj', 'closed', 3]],
    };
    const g = heatmapGrid(data, {}, undefined, names, (v) => String(v).toUpperCase());
    expect(g.xLabels).toEqual(['RJ', 'SP']);
    expect(g.yLabels).toEqual(['OPEN', 'CLOSED']);
    expect(g.cells).toEqual([[0, 0, 1], [1, 0, 2], [0, 1, 3]]);
  });

  it('is empty when the columns are not there', () => {
    expect(heatmapGrid({ columns: [], rows: [] }, {}, undefined, names).cells).toEqual([]);
  });
});
