import { beforeEach, describe, expect, it } from 'vitest';
import { RealtimeClient, sseURL, type Status } from './client';
import type { ServerFrame, SnapshotFrame } from './frames';

const snap: SnapshotFrame = {
  type: 'snapshot', widgetId: 'w1', seq: 10, keyColumns: 1, at: 0,
  columns: [{ name: 'status', type: 'string' }, { name: 'total', type: 'int' }], rows: [['closed', 2], ['open', 3]],
};

class FakeWS {
  static all: FakeWS[] = [];
  sent: any[] = [];
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  constructor(public url: string) { FakeWS.all.push(this); }
  send(m: string) { this.sent.push(JSON.parse(m)); }
  open() { this.readyState = 1; this.onopen?.({}); }
  recv(f: unknown) { this.onmessage?.({ data: JSON.stringify(f) }); }
  fail() { this.readyState = 3; this.onclose?.({}); }
  close() { this.readyState = 3; }
}

class FakeES {
  static all: FakeES[] = [];
  handlers: Record<string, (ev: { data?: string }) => void> = {};
  closed = false;
  readyState = 0;
  constructor(public url: string) { FakeES.all.push(this); }
  addEventListener(t: string, fn: (ev: { data?: string }) => void) { this.handlers[t] = fn; }
  emit(f: { type: string }) { this.handlers[f.type]({ data: JSON.stringify(f) }); }
  /** The EventSource's own open and error events (no data). */
  native(t: 'open' | 'error', readyState: number) { this.readyState = readyState; this.handlers[t]({}); }
  close() { this.closed = true; }
}

/** A client on fakes; no returns to WebSocket unless `probes` are given. */
function client(probes: number[] = []) {
  const timers: (() => void)[] = [];
  const frames: ServerFrame[] = [];
  const statuses: Status[] = [];
  const c = new RealtimeClient({
    wsBase: 'ws://h', WebSocket: FakeWS, EventSource: FakeES, wsProbeMs: probes,
    setTimeout: (fn) => { timers.push(fn); return timers.length; }, clearTimeout: () => {},
    onFrame: (f) => frames.push(f), onStatus: (s) => statuses.push(s),
  });
  return { c, timers, frames, statuses };
}

beforeEach(() => { FakeWS.all = []; FakeES.all = []; });

describe('sseURL', () => {
  it('carries widgets, filters and the resume point', () => {
    const u = sseURL('', 'd 1', ['w1', 'w2'], { customer: ['c1', 'c2'], from: 'now-7d' }, { w1: 41 });
    expect(u).toBe('/sse/dashboards/d%201?widgets=w1%2Cw2&customer=c1&customer=c2&from=now-7d&lastEventId=w1%3A41');
  });
});

describe('RealtimeClient', () => {
  it('reconnects and resubscribes with the last seq of every widget', () => {
    const { c, timers, frames } = client();
    c.connect();
    c.subscribe('d1', ['w1', 'w2']);
    FakeWS.all[0].open();
    expect(FakeWS.all[0].url).toBe('ws://h/realtime');
    expect(FakeWS.all[0].sent[0]).toEqual({ type: 'SUBSCRIBE', dashboardId: 'd1', widgetIds: ['w1', 'w2'], filters: {}, lastSeq: {} });
    FakeWS.all[0].recv(snap);
    FakeWS.all[0].recv({ type: 'delta', widgetId: 'w1', seq: 11, upsert: [], delete: [] });
    expect(frames).toHaveLength(2);
    FakeWS.all[0].fail(); // an opened connection dropped: retry WS, no fallback
    expect(timers).toHaveLength(1);
    timers.shift()!();
    FakeWS.all[1].open();
    expect(FakeWS.all[1].sent[0].lastSeq).toEqual({ w1: 11 });
    expect(FakeES.all).toHaveLength(0);
    expect(c.transport).toBe('ws');
  });

  it('asks the server again on a gap in seq instead of passing the delta on', () => {
    const { c, frames } = client();
    c.connect();
    c.subscribe('d1', ['w1']);
    FakeWS.all[0].open();
    FakeWS.all[0].recv(snap);
    FakeWS.all[0].recv({ type: 'delta', widgetId: 'w1', seq: 13, upsert: [], delete: [] });
    expect(frames).toHaveLength(1);
    expect(FakeWS.all[0].sent.at(-1).lastSeq).toEqual({ w1: 10 });
  });

  it('falls back to SSE when WebSockets never open, and resumes there', () => {
    const { c, timers, frames, statuses } = client();
    c.connect();
    c.subscribe('d1', ['w1'], { customer: 'c1' });
    FakeWS.all[0].open();
    FakeWS.all[0].recv(snap);
    FakeWS.all[0].fail();
    timers.shift()!();
    FakeWS.all[1].fail(); // refused before opening
    timers.shift()!();
    FakeWS.all[2].fail(); // twice: fall back
    expect(FakeES.all).toHaveLength(1);
    expect(FakeES.all[0].url).toBe('/sse/dashboards/d1?widgets=w1&customer=c1&lastEventId=w1%3A10');
    expect(statuses).toContain('fallback');
    expect(c.transport).toBe('sse');
    FakeES.all[0].emit({ type: 'delta', widgetId: 'w1', seq: 11, upsert: [['open', 4]], delete: [] } as never);
    expect(frames.at(-1)).toMatchObject({ seq: 11 });
    c.subscribe('d1', ['w1', 'w2'], { customer: 'c1' }); // more widgets: a new stream, same resume point
    expect(FakeES.all[0].closed).toBe(true);
    expect(FakeES.all[1].url).toContain('lastEventId=w1%3A11');
    c.unsubscribe('d1');
    expect(FakeES.all[1].closed).toBe(true);
  });

  it('counts a WebSocket that opens and closes at once, without a frame, as failed', () => {
    let now = 0;
    const timers: (() => void)[] = [];
    const statuses: Status[] = [];
    const c = new RealtimeClient({
      wsBase: 'ws://h', WebSocket: FakeWS, EventSource: FakeES, now: () => now,
      setTimeout: (fn) => { timers.push(fn); return timers.length; }, clearTimeout: () => {}, onStatus: (s) => statuses.push(s),
    });
    c.connect();
    c.subscribe('d1', ['w1']);
    FakeWS.all[0].open();
    FakeWS.all[0].recv(snap);
    now = 60_000;
    FakeWS.all[0].fail(); // a working connection dropped (server restart, admin disconnect): not a failure
    timers.shift()!();
    FakeWS.all[1].open();
    now += 10;
    FakeWS.all[1].fail(); // accepted, then dropped at once with nothing said: failure 1
    timers.shift()!();
    FakeWS.all[2].open();
    now += 3000;
    FakeWS.all[2].fail(); // lived long enough: the count starts again
    timers.shift()!();
    FakeWS.all[3].open();
    FakeWS.all[3].fail();
    expect(FakeES.all).toHaveLength(0);
    timers.shift()!();
    FakeWS.all[4].open();
    FakeWS.all[4].fail(); // the second in a row: SSE
    expect(FakeES.all).toHaveLength(1);
    expect(c.transport).toBe('sse');
    expect(statuses.at(-1)).toBe('fallback');
  });

  it('on SSE, says when the stream is down and reopens it when the browser gave up', () => {
    const { c, timers, frames, statuses } = client();
    c.connect();
    c.subscribe('d1', ['w1']);
    FakeWS.all[0].fail();
    timers.shift()!();
    FakeWS.all[1].fail();
    const es = FakeES.all[0];
    es.native('open', 1);
    expect(statuses.at(-1)).toBe('fallback');
    es.emit(snap);
    // A widget error frame is an "error" event with data: a frame, not a break.
    es.emit({ type: 'error', widgetId: 'w1', code: 'forbidden', message: 'no' } as never);
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(statuses.at(-1)).toBe('fallback');
    // The connection drops; the browser retries by itself (readyState 0).
    es.native('error', 0);
    expect(statuses.at(-1)).toBe('reconnecting');
    expect(timers).toHaveLength(0);
    es.native('open', 1);
    expect(statuses.at(-1)).toBe('fallback');
    // The server answered an error: the browser gave up (2); the client
    // opens a new stream after a backoff, resuming from the last seq.
    es.native('error', 2);
    expect(statuses.at(-1)).toBe('reconnecting');
    expect(FakeES.all).toHaveLength(1);
    timers.shift()!();
    expect(FakeES.all).toHaveLength(2);
    expect(FakeES.all[1].url).toContain('lastEventId=w1%3A10');
    FakeES.all[1].native('open', 1);
    expect(statuses.at(-1)).toBe('fallback');
    // Events of the old stream no longer count.
    es.native('error', 0);
    expect(statuses.at(-1)).toBe('fallback');
  });

  it('on SSE, goes back to a WebSocket once one answers, resuming from the last seqs', () => {
    const delays: number[] = [];
    const timers: (() => void)[] = [];
    const frames: ServerFrame[] = [];
    const statuses: Status[] = [];
    const c = new RealtimeClient({
      wsBase: 'ws://h', WebSocket: FakeWS, EventSource: FakeES, wsProbeMs: [100, 200],
      setTimeout: (fn, ms) => { timers.push(fn); delays.push(ms); return timers.length; }, clearTimeout: () => {},
      onFrame: (f) => frames.push(f), onStatus: (s) => statuses.push(s),
    });
    c.connect();
    c.subscribe('d1', ['w1']);
    FakeWS.all[0].fail();
    timers.shift()!();
    FakeWS.all[1].fail(); // fallback
    expect(c.transport).toBe('sse');
    const es = FakeES.all[0];
    es.native('open', 1);
    es.emit(snap);
    expect(delays.at(-1)).toBe(100); // the first probe is scheduled
    timers.shift()!();
    // A proxy still drops the upgrade: the streams stay, the next probe waits longer.
    FakeWS.all[2].open();
    expect(FakeWS.all[2].sent).toEqual([{ type: 'PING' }]);
    FakeWS.all[2].fail();
    expect(c.transport).toBe('sse');
    expect(es.closed).toBe(false);
    expect(statuses.at(-1)).toBe('fallback');
    expect(delays.at(-1)).toBe(200);
    timers.shift()!();
    es.emit({ type: 'delta', widgetId: 'w1', seq: 11, upsert: [['open', 4]], delete: [] } as never);
    // This one answers: it takes over and resubscribes from seq 11.
    const probe = FakeWS.all[3];
    probe.open();
    probe.recv({ type: 'PONG' });
    expect(c.transport).toBe('ws');
    expect(es.closed).toBe(true);
    expect(statuses.at(-1)).toBe('open');
    expect(probe.sent.at(-1)).toEqual({ type: 'SUBSCRIBE', dashboardId: 'd1', widgetIds: ['w1'], filters: {}, lastSeq: { w1: 11 } });
    expect(frames.some((f) => f.type === ('PONG' as never))).toBe(false);
    probe.recv({ type: 'delta', widgetId: 'w1', seq: 12, upsert: [['open', 5]], delete: [] });
    expect(frames.at(-1)).toMatchObject({ seq: 12 });
    // From now on it is the connection: a drop reconnects a WebSocket.
    probe.fail();
    timers.shift()!();
    expect(FakeWS.all).toHaveLength(5);
    expect(FakeES.all).toHaveLength(1);
  });

  it('close stops a probe and its timer', () => {
    const { c, timers } = client([50]);
    c.connect();
    c.subscribe('d1', ['w1']);
    FakeWS.all[0].fail();
    timers.shift()!();
    FakeWS.all[1].fail();
    timers.shift()!(); // the probe opens
    const probe = FakeWS.all[2];
    c.close();
    expect(probe.readyState).toBe(3);
    probe.open();
    probe.recv({ type: 'PONG' });
    expect(c.transport).toBe('sse');
  });

  it('starts from snapshots when the filters change', () => {
    const { c } = client();
    c.connect();
    c.subscribe('d1', ['w1'], { range: 'last_7d' });
    FakeWS.all[0].open();
    FakeWS.all[0].recv(snap);
    c.subscribe('d1', ['w1'], { range: 'last_7d' });
    expect(FakeWS.all[0].sent.at(-1).lastSeq).toEqual({ w1: 10 });
    c.subscribe('d1', ['w1'], { range: 'today' });
    expect(FakeWS.all[0].sent.at(-1)).toEqual({ type: 'SUBSCRIBE', dashboardId: 'd1', widgetIds: ['w1'], filters: { range: 'today' }, lastSeq: {} });
  });

  it('reset asks again for the widgets without a resume point', () => {
    const { c } = client();
    c.connect();
    c.subscribe('d1', ['w1', 'w2']);
    FakeWS.all[0].open();
    FakeWS.all[0].recv(snap);
    FakeWS.all[0].recv({ ...snap, widgetId: 'w2', seq: 3 });
    c.reset('d1', ['w1']);
    expect(FakeWS.all[0].sent.at(-1).lastSeq).toEqual({ w2: 3 });
  });

  it('unsubscribes some widgets or the whole dashboard', () => {
    const { c } = client();
    c.connect();
    c.subscribe('d1', ['w1', 'w2']);
    FakeWS.all[0].open();
    c.unsubscribe('d1', ['w2']);
    expect(FakeWS.all[0].sent.at(-1)).toEqual({ type: 'UNSUBSCRIBE', dashboardId: 'd1', widgetIds: ['w2'] });
    c.unsubscribe('d1');
    expect(FakeWS.all[0].sent.at(-1)).toEqual({ type: 'UNSUBSCRIBE', dashboardId: 'd1', widgetIds: [] });
  });

  it('closes for good when revoked', () => {
    const { c, statuses, timers } = client();
    c.connect();
    FakeWS.all[0].open();
    FakeWS.all[0].recv({ type: 'revoked' });
    expect(statuses.at(-1)).toBe('closed');
    FakeWS.all[0].fail();
    expect(timers).toHaveLength(0);
  });
});
