// Realtime client of Conductor Reports: one WebSocket per tab multiplexing
// widget subscriptions, with an automatic fall back to server-sent events
// when WebSockets fail (a proxy that refuses the upgrade, a network that
// drops them), reconnection with backoff, and resume from the last seq of
// every widget so a reconnect only receives what it missed.
//
// Frames are those of DESIGN.md §4 (schema/realtime/frames.schema.json).
// applyFrame is the pure reducer the UI uses to keep each widget's rows.

/**
 * @typedef {{columns?: object[], keyColumns: number, rows: any[][], totals?: any[], seq: number, at?: number}} WidgetData
 */

/** Returns the key of a row: its first keyColumns values. */
export function rowKey(keyColumns, row) {
  return JSON.stringify(row.slice(0, keyColumns));
}

/**
 * Applies one widget frame to the widget's data and returns the new data
 * (the input is not changed). A delta that does not follow the data's seq
 * returns null: the caller must resubscribe to get a snapshot.
 * @param {WidgetData|undefined} data
 * @param {object} frame
 * @returns {WidgetData|null}
 */
export function applyFrame(data, frame) {
  if (frame.type === 'snapshot') {
    return {
      columns: frame.columns, keyColumns: frame.keyColumns, rows: frame.rows.slice(),
      totals: frame.totals, seq: frame.seq, at: frame.at,
    };
  }
  if (frame.type !== 'delta') return data ?? null;
  if (!data || frame.seq !== data.seq + 1) return null;
  const k = data.keyColumns;
  const rows = data.rows.slice();
  const index = new Map(rows.map((r, i) => [rowKey(k, r), i]));
  const gone = new Set(frame.delete.map((key) => rowKey(k, key)));
  for (const row of frame.upsert) {
    const i = index.get(rowKey(k, row));
    if (i === undefined) {
      index.set(rowKey(k, row), rows.length);
      rows.push(row);
    } else {
      rows[i] = row;
    }
  }
  let next = rows.filter((r) => !gone.has(rowKey(k, r)));
  if (frame.order) {
    const pos = new Map(frame.order.map((key, i) => [rowKey(k, key), i]));
    next = next.slice().sort((a, b) => pos.get(rowKey(k, a)) - pos.get(rowKey(k, b)));
  }
  return { ...data, rows: next, totals: frame.totals ?? data.totals, seq: frame.seq, at: frame.at };
}

/** Builds the SSE URL of a dashboard subscription. */
export function sseURL(base, dashboardId, widgetIds, filters, lastSeq) {
  const q = new URLSearchParams();
  q.set('widgets', widgetIds.join(','));
  for (const [key, value] of Object.entries(filters ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) q.append(key, v);
  }
  const ids = widgetIds.filter((w) => lastSeq[w]).map((w) => `${w}:${lastSeq[w]}`);
  if (ids.length) q.set('lastEventId', ids.join(','));
  return `${base}/sse/dashboards/${encodeURIComponent(dashboardId)}?${q}`;
}

const SSE_TYPES = ['snapshot', 'delta', 'banner', 'error', 'revoked', 'dashboard'];

/**
 * One realtime connection. Options:
 *  - base: the server origin ("" for the page's own), wsBase: "ws://host"
 *  - WebSocket, EventSource: constructors (injected in tests)
 *  - onFrame(frame), onStatus(status): callbacks; status is one of
 *    "connecting" | "open" | "fallback" | "reconnecting" | "closed"
 *  - wsFailuresBeforeFallback (default 2), backoffMs (default [500, 1000, 2000, 5000]),
 *    setTimeout/clearTimeout (injected in tests)
 */
export class RealtimeClient {
  constructor(opts) {
    this.o = {
      base: '', wsFailuresBeforeFallback: 2, backoffMs: [500, 1000, 2000, 5000],
      setTimeout: (...a) => globalThis.setTimeout(...a), clearTimeout: (t) => globalThis.clearTimeout(t),
      onFrame: () => {}, onStatus: () => {}, ...opts,
    };
    /** @type {Map<string, {widgetIds: string[], filters: object}>} */
    this.subs = new Map();
    /** @type {Record<string, number>} */
    this.lastSeq = {};
    this.mode = 'ws';
    this.wsFailures = 0;
    this.attempt = 0;
    this.closed = false;
    this.ws = null;
    this.sources = new Map(); // dashboardId -> EventSource (fallback mode)
    this.timer = null;
  }

  /** Starts the connection. */
  connect() {
    this.closed = false;
    if (this.mode === 'ws') this.openWS(); else this.openSSE();
  }

  /** Subscribes to widgets of a dashboard (again, with new filters). */
  subscribe(dashboardId, widgetIds, filters = {}) {
    this.subs.set(dashboardId, { widgetIds: widgetIds.slice(), filters });
    if (this.mode === 'ws') {
      this.sendSubscribe(dashboardId);
    } else {
      this.openSSEFor(dashboardId);
    }
  }

  /** Stops watching widgets (all of the dashboard when widgetIds is empty). */
  unsubscribe(dashboardId, widgetIds = []) {
    const sub = this.subs.get(dashboardId);
    if (!sub) return;
    const left = widgetIds.length ? sub.widgetIds.filter((w) => !widgetIds.includes(w)) : [];
    for (const w of widgetIds.length ? widgetIds : sub.widgetIds) delete this.lastSeq[w];
    if (left.length) this.subs.set(dashboardId, { ...sub, widgetIds: left }); else this.subs.delete(dashboardId);
    if (this.mode === 'ws') {
      this.send({ type: 'UNSUBSCRIBE', dashboardId, widgetIds });
    } else if (left.length) {
      this.openSSEFor(dashboardId);
    } else {
      this.sources.get(dashboardId)?.close();
      this.sources.delete(dashboardId);
    }
  }

  /** Closes everything; no reconnect follows. */
  close() {
    this.closed = true;
    if (this.timer) this.o.clearTimeout(this.timer);
    this.ws?.close();
    for (const es of this.sources.values()) es.close();
    this.sources.clear();
    this.status('closed');
  }

  status(s) { this.o.onStatus(s); }

  send(msg) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(msg));
  }

  sendSubscribe(dashboardId) {
    const sub = this.subs.get(dashboardId);
    if (!sub) return;
    const lastSeq = {};
    for (const w of sub.widgetIds) if (this.lastSeq[w]) lastSeq[w] = this.lastSeq[w];
    this.send({ type: 'SUBSCRIBE', dashboardId, widgetIds: sub.widgetIds, filters: sub.filters, lastSeq });
  }

  openWS() {
    this.status(this.attempt ? 'reconnecting' : 'connecting');
    const ws = new this.o.WebSocket(`${this.o.wsBase}/realtime`);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.wsFailures = 0;
      this.attempt = 0;
      this.status('open');
      for (const id of this.subs.keys()) this.sendSubscribe(id);
    };
    ws.onmessage = (ev) => this.frame(JSON.parse(ev.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) return;
      if (!opened) this.wsFailures++;
      if (this.wsFailures >= this.o.wsFailuresBeforeFallback) {
        this.mode = 'sse';
        this.openSSE();
        return;
      }
      this.retry(() => this.openWS());
    };
  }

  retry(fn) {
    const d = this.o.backoffMs[Math.min(this.attempt, this.o.backoffMs.length - 1)];
    this.attempt++;
    this.status('reconnecting');
    this.timer = this.o.setTimeout(() => { this.timer = null; if (!this.closed) fn(); }, d);
  }

  openSSE() {
    this.status('fallback');
    for (const id of this.subs.keys()) this.openSSEFor(id);
  }

  openSSEFor(dashboardId) {
    this.sources.get(dashboardId)?.close();
    const sub = this.subs.get(dashboardId);
    const es = new this.o.EventSource(
      sseURL(this.o.base, dashboardId, sub.widgetIds, sub.filters, this.lastSeq), { withCredentials: true });
    this.sources.set(dashboardId, es);
    for (const t of SSE_TYPES) es.addEventListener(t, (ev) => this.frame(JSON.parse(ev.data)));
  }

  frame(f) {
    if ((f.type === 'snapshot' || f.type === 'delta') && f.widgetId) {
      const last = this.lastSeq[f.widgetId] ?? 0;
      if (f.type === 'delta' && last && f.seq !== last + 1) {
        // A gap: ask again from what we have; the server answers with the
        // missing deltas or a snapshot.
        for (const [id, sub] of this.subs) if (sub.widgetIds.includes(f.widgetId)) this.resync(id);
        return;
      }
      this.lastSeq[f.widgetId] = f.seq;
    }
    if (f.type === 'revoked') this.close();
    this.o.onFrame(f);
  }

  resync(dashboardId) {
    if (this.mode === 'ws') this.sendSubscribe(dashboardId); else this.openSSEFor(dashboardId);
  }
}
