// Tests of the realtime client: node --test web/test (no npm packages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFrame, sseURL, RealtimeClient } from '../static/realtime.js';

const snap = {
  type: 'snapshot', widgetId: 'w1', seq: 10, keyColumns: 1,
  columns: [{ name: 'status' }, { name: 'total' }], rows: [['closed', 2], ['open', 3]],
};

test('applyFrame applies upserts, deletes and a new order', () => {
  let d = applyFrame(undefined, snap);
  d = applyFrame(d, { type: 'delta', widgetId: 'w1', seq: 11, upsert: [['open', 4], ['new', 1]], delete: [['closed']] });
  assert.deepEqual(d.rows, [['open', 4], ['new', 1]]);
  d = applyFrame(d, { type: 'delta', widgetId: 'w1', seq: 12, upsert: [['aaa', 9]], delete: [], order: [['aaa'], ['new'], ['open']] });
  assert.deepEqual(d.rows, [['aaa', 9], ['new', 1], ['open', 4]]);
  assert.equal(d.seq, 12);
  assert.equal(applyFrame(d, { type: 'delta', seq: 14, upsert: [], delete: [] }), null, 'a gap needs a snapshot');
  assert.deepEqual(snap.rows, [['closed', 2], ['open', 3]], 'input not changed');
});

test('sseURL carries widgets, filters and the resume point', () => {
  const u = sseURL('', 'd 1', ['w1', 'w2'], { customer: ['c1', 'c2'], from: 'now-7d' }, { w1: 41 });
  assert.equal(u, '/sse/dashboards/d%201?widgets=w1%2Cw2&customer=c1&customer=c2&from=now-7d&lastEventId=w1%3A41');
});

class FakeWS {
  static all = [];
  constructor(url) { this.url = url; this.sent = []; this.readyState = 0; FakeWS.all.push(this); }
  send(m) { this.sent.push(JSON.parse(m)); }
  open() { this.readyState = 1; this.onopen?.(); }
  recv(f) { this.onmessage?.({ data: JSON.stringify(f) }); }
  fail() { this.readyState = 3; this.onclose?.(); }
  close() { this.readyState = 3; }
}

class FakeES {
  static all = [];
  constructor(url) { this.url = url; this.handlers = {}; this.closed = false; FakeES.all.push(this); }
  addEventListener(t, fn) { this.handlers[t] = fn; }
  emit(f) { this.handlers[f.type]({ data: JSON.stringify(f) }); }
  close() { this.closed = true; }
}

function client() {
  FakeWS.all = []; FakeES.all = [];
  const timers = [];
  const frames = [];
  const statuses = [];
  const c = new RealtimeClient({
    wsBase: 'ws://h', WebSocket: FakeWS, EventSource: FakeES,
    setTimeout: (fn) => { timers.push(fn); return timers.length; }, clearTimeout: () => {},
    onFrame: (f) => frames.push(f), onStatus: (s) => statuses.push(s),
  });
  return { c, timers, frames, statuses };
}

test('reconnect resubscribes with the last seq of every widget', () => {
  const { c, timers, frames } = client();
  c.connect();
  c.subscribe('d1', ['w1', 'w2']);
  FakeWS.all[0].open();
  assert.deepEqual(FakeWS.all[0].sent[0], { type: 'SUBSCRIBE', dashboardId: 'd1', widgetIds: ['w1', 'w2'], filters: {}, lastSeq: {} });
  FakeWS.all[0].recv(snap);
  FakeWS.all[0].recv({ type: 'delta', widgetId: 'w1', seq: 11, upsert: [], delete: [] });
  assert.equal(frames.length, 2);
  FakeWS.all[0].fail(); // an opened connection dropped: retry WS, no fallback
  assert.equal(timers.length, 1);
  timers.shift()();
  FakeWS.all[1].open();
  assert.deepEqual(FakeWS.all[1].sent[0].lastSeq, { w1: 11 });
  assert.equal(FakeES.all.length, 0);
});

test('a gap in seq asks the server again instead of applying the delta', () => {
  const { c, frames } = client();
  c.connect();
  c.subscribe('d1', ['w1']);
  FakeWS.all[0].open();
  FakeWS.all[0].recv(snap);
  FakeWS.all[0].recv({ type: 'delta', widgetId: 'w1', seq: 13, upsert: [], delete: [] });
  assert.equal(frames.length, 1);
  assert.deepEqual(FakeWS.all[0].sent.at(-1).lastSeq, { w1: 10 });
});

test('WebSockets that never open fall back to SSE, which resumes', () => {
  const { c, timers, frames, statuses } = client();
  c.connect();
  c.subscribe('d1', ['w1'], { customer: 'c1' });
  FakeWS.all[0].open();
  FakeWS.all[0].recv(snap);
  FakeWS.all[0].fail();
  timers.shift()();
  FakeWS.all[1].fail(); // refused before opening
  timers.shift()();
  FakeWS.all[2].fail(); // twice: fall back
  assert.equal(FakeES.all.length, 1);
  assert.equal(FakeES.all[0].url, '/sse/dashboards/d1?widgets=w1&customer=c1&lastEventId=w1%3A10');
  assert.ok(statuses.includes('fallback'));
  FakeES.all[0].emit({ type: 'delta', widgetId: 'w1', seq: 11, upsert: [['open', 4]], delete: [] });
  assert.equal(frames.at(-1).seq, 11);
  c.unsubscribe('d1');
  assert.ok(FakeES.all[0].closed);
});

test('revoked closes the client for good', () => {
  const { c, statuses, timers } = client();
  c.connect();
  FakeWS.all[0].open();
  FakeWS.all[0].recv({ type: 'revoked' });
  assert.equal(statuses.at(-1), 'closed');
  FakeWS.all[0].fail();
  assert.equal(timers.length, 0);
});
