import { describe, expect, it } from 'vitest';
import { emptyLive, reduceFrame, shownWidget, widgetData } from './liveState';
import type { ViewWidget } from '../../api/types';

const ids = new Set(['w1']);
const snap = { type: 'snapshot' as const, widgetId: 'w1', seq: 4, keyColumns: 1, at: 5, columns: [{ name: 'status', type: 'string' as const }, { name: 'n', type: 'int' as const }], rows: [['open', 1], ['closed', 2]] };

describe('reduceFrame', () => {
  it('keeps rows from snapshots and deltas, ordered as the delta says', () => {
    let o = reduceFrame(emptyLive, snap, 'd1', ids);
    o = reduceFrame(o.state, { type: 'delta', widgetId: 'w1', seq: 5, at: 6, upsert: [['new', 7]], delete: [], order: [['new'], ['closed'], ['open']] }, 'd1', ids);
    expect(o.state.rows.w1.rows).toEqual([['new', 7], ['closed', 2], ['open', 1]]);
    expect(o.reset).toBeUndefined();
  });

  it('asks for a snapshot when a delta cannot apply', () => {
    const o = reduceFrame(emptyLive, { type: 'delta', widgetId: 'w1', seq: 9, at: 0, upsert: [], delete: [] }, 'd1', ids);
    expect(o.reset).toBe('w1');
    expect(o.state).toBe(emptyLive);
  });

  it('ignores other widgets and dashboards, keeps errors and banners', () => {
    expect(reduceFrame(emptyLive, { ...snap, widgetId: 'other' }, 'd1', ids).state).toBe(emptyLive);
    let o = reduceFrame(emptyLive, { type: 'error', code: 'not_found', message: 'gone', widgetId: 'w1' }, 'd1', ids);
    expect(o.state.errors.w1).toEqual({ code: 'not_found', message: 'gone' });
    o = reduceFrame(o.state, snap, 'd1', ids);
    expect(o.state.errors.w1).toBeUndefined();
    o = reduceFrame(o.state, { type: 'banner', dashboardId: 'd1', level: 'warning', text: 'SLA' }, 'd1', ids);
    expect(o.state.banner?.text).toBe('SLA');
    expect(reduceFrame(o.state, { type: 'dashboard', dashboardId: 'd1' }, 'd1', ids).reload).toBe('changed');
    expect(reduceFrame(o.state, { type: 'dashboard', dashboardId: 'd1', deleted: true }, 'd1', ids).reload).toBe('deleted');
    expect(reduceFrame(o.state, { type: 'dashboard', dashboardId: 'd2' }, 'd1', ids).reload).toBeUndefined();
  });
});

describe('widgetData', () => {
  it('prefers live rows and keeps the comparison of /view', () => {
    const w = { id: 'w1', data: { columns: [], rows: [[1]], compare: { kind: 'previous_period', from: '', to: '', rows: [[0]] } } } as unknown as ViewWidget;
    expect(widgetData(w, undefined)).toBe(w.data);
    const live = reduceFrame(emptyLive, snap, 'd1', ids).state.rows.w1;
    expect(widgetData(w, live)).toEqual({ columns: snap.columns, rows: snap.rows, totals: undefined, compare: w.data!.compare });
  });
});

describe('shownWidget', () => {
  const w = { id: 'w1', refresh_interval_sec: 0, data: { columns: [], rows: [[1]] } } as unknown as ViewWidget;
  const page = { live: emptyLive, viewAt: 1_000, hasView: true };
  it('shows the view until live rows come, with their age', () => {
    const s = shownWidget(w, page, true, { status: 'open', downSince: null }, 5_000);
    expect(s).toEqual({ data: w.data, error: undefined, at: 1_000, stale: false });
    const live = reduceFrame(emptyLive, snap, 'd1', ids).state;
    const l = shownWidget(w, { ...page, live }, true, { status: 'open', downSince: null }, 5_000);
    expect(l.data?.rows).toEqual(snap.rows);
    expect(l.at).toBe(live.rows.w1.at);
  });
  it('marks stale when the connection has been down a while, and never without data', () => {
    expect(shownWidget(w, page, true, { status: 'reconnecting', downSince: 0 }, 600_000).stale).toBe(true);
    expect(shownWidget(w, { ...page, hasView: false }, true, { status: 'reconnecting', downSince: 0 }, 600_000))
      .toEqual({ data: w.data, error: undefined, at: null, stale: false });
  });
});

describe('onlyOurLayout', async () => {
  const { onlyOurLayout } = await import('./useDashboard');
  const base = { id: 'd', name: 'NOC', description: '', filters_json: {}, widgets: [{ id: 'w1', version: 1 }],
    layout_json: { lg: [{ i: 'w1', x: 0, y: 0, w: 3, h: 2 }] } } as never;
  const moved = { lg: [{ i: 'w1', x: 1, y: 0, w: 3, h: 2 }] };
  it('tells the echo of our own save from someone else\'s change', () => {
    expect(onlyOurLayout(base, { ...(base as object), layout_json: moved, version: 2 } as never, moved)).toBe(true);
    expect(onlyOurLayout(base, { ...(base as object), layout_json: moved, name: 'Other' } as never, moved)).toBe(false);
    expect(onlyOurLayout(base, { ...(base as object), layout_json: { lg: [{ i: 'w1', x: 5, y: 0, w: 3, h: 2 }] } } as never, moved)).toBe(false);
    expect(onlyOurLayout(base, base, null)).toBe(false);
  });
});
