import { describe, expect, it } from 'vitest';
import { applyFrame, rowKey } from './applyFrame';
import type { SnapshotFrame } from './frames';

const snap: SnapshotFrame = {
  type: 'snapshot', widgetId: 'w1', seq: 10, keyColumns: 1, at: 1000,
  columns: [{ name: 'status', type: 'string' }, { name: 'total', type: 'int' }], rows: [['closed', 2], ['open', 3]],
};

describe('applyFrame', () => {
  it('applies upserts, deletes and a new order', () => {
    let d = applyFrame(undefined, snap)!;
    d = applyFrame(d, { type: 'delta', widgetId: 'w1', seq: 11, at: 1100, upsert: [['open', 4], ['new', 1]], delete: [['closed']] })!;
    expect(d.rows).toEqual([['open', 4], ['new', 1]]);
    d = applyFrame(d, { type: 'delta', widgetId: 'w1', seq: 12, at: 1200, upsert: [['aaa', 9]], delete: [], order: [['aaa'], ['new'], ['open']] })!;
    expect(d.rows).toEqual([['aaa', 9], ['new', 1], ['open', 4]]);
    expect(d.seq).toBe(12);
    expect(d.at).toBe(1200);
    expect(snap.rows).toEqual([['closed', 2], ['open', 3]]);
  });

  it('needs a snapshot after a gap or before any data', () => {
    const d = applyFrame(undefined, snap)!;
    expect(applyFrame(d, { type: 'delta', widgetId: 'w1', seq: 14, at: 0, upsert: [], delete: [] })).toBeNull();
    expect(applyFrame(undefined, { type: 'delta', widgetId: 'w1', seq: 1, at: 0, upsert: [], delete: [] })).toBeNull();
  });

  it('keys rows by several columns and keeps totals until new ones come', () => {
    let d = applyFrame(undefined, { ...snap, keyColumns: 2, columns: [...snap.columns, { name: 'n', type: 'int' }],
      rows: [['a', 'x', 1], ['a', 'y', 2]], totals: [3] })!;
    d = applyFrame(d, { type: 'delta', widgetId: 'w1', seq: 11, at: 0, upsert: [['a', 'y', 5]], delete: [] })!;
    expect(d.rows).toEqual([['a', 'x', 1], ['a', 'y', 5]]);
    expect(d.totals).toEqual([3]);
    d = applyFrame(d, { type: 'delta', widgetId: 'w1', seq: 12, at: 0, upsert: [], delete: [['a', 'x']], totals: [5] })!;
    expect(d.rows).toEqual([['a', 'y', 5]]);
    expect(d.totals).toEqual([5]);
    expect(rowKey(2, ['a', 'y', 5])).toBe('["a","y"]');
  });

  it('passes other frames through', () => {
    const d = applyFrame(undefined, snap)!;
    expect(applyFrame(d, { type: 'banner', dashboardId: 'd', level: 'info', text: 'x' })).toBe(d);
  });
});
