// Realtime client of Conductor Reports: one WebSocket per tab multiplexing
// widget subscriptions, with an automatic fall back to server-sent events
// when WebSockets fail (a proxy that refuses the upgrade, a network that
// drops them), reconnection with backoff, and resume from the last seq of
// every widget so a reconnect only receives what it missed; on SSE it keeps
// trying to go back to a WebSocket, now and then.
import type { ClientFrame, Filters, ServerFrame } from './frames';

/** What the connection is doing, for the status indicator. */
export type Status = 'connecting' | 'open' | 'fallback' | 'reconnecting' | 'closed';

/** The part of WebSocket the client uses (injected in tests). */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

/** The part of EventSource the client uses (injected in tests). */
export interface EventSourceLike {
  /** 0 connecting, 1 open, 2 closed for good (the browser gave up). */
  readyState?: number;
  addEventListener(type: string, fn: (ev: { data?: string }) => void): void;
  close(): void;
}

type Timer = ReturnType<typeof setTimeout> | number;

/** Options of a RealtimeClient; only wsBase is required. */
export interface ClientOptions {
  /** The server origin for SSE URLs ("" for the page's own). */
  base?: string;
  /** "ws://host" or "wss://host". */
  wsBase: string;
  WebSocket?: new (url: string) => SocketLike;
  EventSource?: new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike;
  onFrame?: (f: ServerFrame) => void;
  onStatus?: (s: Status) => void;
  /** WebSocket attempts that fail in a row before falling back to SSE (2). */
  wsFailuresBeforeFallback?: number;
  /**
   * A WebSocket that opens but closes sooner than this (ms) without one
   * frame counts as failed too (a proxy that accepts the upgrade and then
   * drops it): 2000.
   */
  wsMinLifeMs?: number;
  now?: () => number;
  /** Delays between reconnection attempts ([500, 1000, 2000, 5000] ms). */
  backoffMs?: number[];
  /**
   * While on SSE, delays between attempts to go back to a WebSocket
   * ([30 s, 1 min, 5 min], the last repeating); [] never tries. A wall
   * screen that fell back during a network hiccup should not stay on the
   * fallback for days.
   */
  wsProbeMs?: number[];
  setTimeout?: (fn: () => void, ms: number) => Timer;
  clearTimeout?: (t: Timer) => void;
}

interface Subscription {
  widgetIds: string[];
  filters: Filters;
}

/** Builds the SSE URL of a dashboard subscription. */
export function sseURL(base: string, dashboardId: string, widgetIds: string[], filters: Filters | undefined,
  lastSeq: Record<string, number>): string {
  const q = new URLSearchParams();
  q.set('widgets', widgetIds.join(','));
  for (const [key, value] of Object.entries(filters ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) q.append(key, v);
  }
  const ids = widgetIds.filter((w) => lastSeq[w]).map((w) => `${w}:${lastSeq[w]}`);
  if (ids.length) q.set('lastEventId', ids.join(','));
  return `${base}/sse/dashboards/${encodeURIComponent(dashboardId)}?${q}`;
}

// "error" is also the EventSource's own event for a lost connection (no
// data); it is handled apart.
const SSE_TYPES = ['snapshot', 'delta', 'banner', 'revoked', 'dashboard'];

function sameFilters(a: Filters, b: Filters): boolean {
  const norm = (f: Filters) => JSON.stringify(Object.entries(f).sort(([x], [y]) => x.localeCompare(y)));
  return norm(a) === norm(b);
}

/** One realtime connection per tab; see the file comment. */
export class RealtimeClient {
  private o: Required<Omit<ClientOptions, 'WebSocket' | 'EventSource'>> & Pick<ClientOptions, 'WebSocket' | 'EventSource'>;
  private subs = new Map<string, Subscription>();
  /** The last seq applied per widget: what a reconnect resumes from. */
  readonly lastSeq: Record<string, number> = {};
  private mode: 'ws' | 'sse' = 'ws';
  private wsFailures = 0;
  private attempt = 0;
  private closed = false;
  private ws: SocketLike | null = null;
  private sources = new Map<string, EventSourceLike>();
  private timer: Timer | null = null;
  private probe: SocketLike | null = null;
  private probeTimer: Timer | null = null;
  private probeAttempt = 0;

  constructor(opts: ClientOptions) {
    this.o = {
      base: '', wsFailuresBeforeFallback: 2, wsMinLifeMs: 2000, now: () => Date.now(), backoffMs: [500, 1000, 2000, 5000],
      wsProbeMs: [30_000, 60_000, 300_000],
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms), clearTimeout: (t) => globalThis.clearTimeout(t as number),
      onFrame: () => {}, onStatus: () => {},
      WebSocket: globalThis.WebSocket as unknown as ClientOptions['WebSocket'],
      EventSource: globalThis.EventSource as unknown as ClientOptions['EventSource'],
      ...opts,
    };
  }

  /** The transport in use: "ws" until WebSockets failed, then "sse". */
  get transport(): 'ws' | 'sse' { return this.mode; }

  /** Starts the connection. */
  connect(): void {
    this.closed = false;
    if (this.mode === 'ws') this.openWS(); else this.openSSE();
  }

  /**
   * Subscribes to widgets of a dashboard, or again with other widgets or
   * filters. Other filters mean other feeds, whose seqs are unrelated: the
   * widgets start again from a snapshot.
   */
  subscribe(dashboardId: string, widgetIds: string[], filters: Filters = {}): void {
    const prev = this.subs.get(dashboardId);
    if (prev && !sameFilters(prev.filters, filters)) for (const w of prev.widgetIds) delete this.lastSeq[w];
    this.subs.set(dashboardId, { widgetIds: widgetIds.slice(), filters });
    if (this.mode === 'ws') this.sendSubscribe(dashboardId); else this.openSSEFor(dashboardId);
  }

  /** Stops watching widgets (all of the dashboard when widgetIds is empty). */
  unsubscribe(dashboardId: string, widgetIds: string[] = []): void {
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

  /**
   * Forgets what the client has of some widgets and asks the server again:
   * they get a fresh snapshot (the UI lost their rows).
   */
  reset(dashboardId: string, widgetIds: string[]): void {
    for (const w of widgetIds) delete this.lastSeq[w];
    this.resync(dashboardId);
  }

  /** Closes everything; no reconnect follows. */
  close(): void {
    this.closed = true;
    if (this.timer) this.o.clearTimeout(this.timer);
    if (this.probeTimer) this.o.clearTimeout(this.probeTimer);
    this.probe?.close();
    this.probe = null;
    this.ws?.close();
    for (const es of this.sources.values()) es.close();
    this.sources.clear();
    this.status('closed');
  }

  private status(s: Status): void { this.o.onStatus(s); }

  private send(msg: ClientFrame): void {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(msg));
  }

  private sendSubscribe(dashboardId: string): void {
    const sub = this.subs.get(dashboardId);
    if (!sub) return;
    const lastSeq: Record<string, number> = {};
    for (const w of sub.widgetIds) if (this.lastSeq[w]) lastSeq[w] = this.lastSeq[w];
    this.send({ type: 'SUBSCRIBE', dashboardId, widgetIds: sub.widgetIds, filters: sub.filters, lastSeq });
  }

  private openWS(): void {
    this.status(this.attempt ? 'reconnecting' : 'connecting');
    const ws = new this.o.WebSocket!(`${this.o.wsBase}/realtime`);
    this.ws = ws;
    this.wire(ws, null);
  }

  /** The handlers of the WebSocket in use (openedAt: it is already open). */
  private wire(ws: SocketLike, openedAt: number | null): void {
    let received = openedAt !== null;
    ws.onopen = () => {
      openedAt = this.o.now();
      this.attempt = 0;
      this.status('open');
      for (const id of this.subs.keys()) this.sendSubscribe(id);
    };
    ws.onmessage = (ev) => {
      received = true;
      this.wsFailures = 0;
      this.frame(JSON.parse(String(ev.data)) as ServerFrame);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) return;
      const lived = openedAt === null ? 0 : this.o.now() - openedAt;
      if (openedAt === null || (!received && lived < this.o.wsMinLifeMs)) this.wsFailures++;
      else if (lived >= this.o.wsMinLifeMs) this.wsFailures = 0;
      if (this.wsFailures >= this.o.wsFailuresBeforeFallback) {
        this.mode = 'sse';
        this.probeAttempt = 0;
        this.openSSE();
        this.scheduleProbe();
        return;
      }
      this.retry(() => this.openWS());
    };
  }

  private retry(fn: () => void): void {
    const d = this.o.backoffMs[Math.min(this.attempt, this.o.backoffMs.length - 1)];
    this.attempt++;
    this.status('reconnecting');
    this.timer = this.o.setTimeout(() => { this.timer = null; if (!this.closed) fn(); }, d);
  }

  /** On SSE: tries a WebSocket again later. */
  private scheduleProbe(): void {
    const delays = this.o.wsProbeMs;
    if (!delays.length || this.closed || this.mode !== 'sse' || this.probeTimer || this.probe) return;
    const d = delays[Math.min(this.probeAttempt, delays.length - 1)];
    this.probeAttempt++;
    this.probeTimer = this.o.setTimeout(() => {
      this.probeTimer = null;
      if (!this.closed && this.mode === 'sse') this.probeWS();
    }, d);
  }

  /**
   * A WebSocket opened beside the SSE streams; it takes over only once the
   * server answered on it (a PONG), so a proxy that accepts upgrades and
   * drops them never costs the working streams.
   */
  private probeWS(): void {
    const ws = new this.o.WebSocket!(`${this.o.wsBase}/realtime`);
    this.probe = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'PING' } satisfies ClientFrame));
    ws.onmessage = () => {
      if (this.probe !== ws) return;
      this.probe = null;
      if (this.closed || this.mode !== 'sse') { ws.close(); return; }
      // Back on WebSocket: the streams close and every dashboard is
      // subscribed again from the last seqs, so only what was missed comes.
      this.mode = 'ws';
      this.wsFailures = 0;
      this.attempt = 0;
      this.probeAttempt = 0;
      for (const es of this.sources.values()) es.close();
      this.sources.clear();
      if (this.timer) { this.o.clearTimeout(this.timer); this.timer = null; }
      this.ws = ws;
      this.wire(ws, this.o.now());
      this.status('open');
      for (const id of this.subs.keys()) this.sendSubscribe(id);
    };
    ws.onclose = () => {
      if (this.probe !== ws) return;
      this.probe = null;
      this.scheduleProbe();
    };
  }

  private openSSE(): void {
    this.status('fallback');
    for (const id of this.subs.keys()) this.openSSEFor(id);
  }

  private openSSEFor(dashboardId: string): void {
    this.sources.get(dashboardId)?.close();
    const sub = this.subs.get(dashboardId);
    if (!sub) return;
    const es = new this.o.EventSource!(
      sseURL(this.o.base, dashboardId, sub.widgetIds, sub.filters, this.lastSeq), { withCredentials: true });
    this.sources.set(dashboardId, es);
    for (const t of SSE_TYPES) es.addEventListener(t, (ev) => this.frame(JSON.parse(ev.data!) as ServerFrame));
    es.addEventListener('open', () => {
      if (this.sources.get(dashboardId) !== es) return;
      this.attempt = 0;
      this.status('fallback');
    });
    es.addEventListener('error', (ev) => {
      if (typeof ev.data === 'string') { this.frame(JSON.parse(ev.data) as ServerFrame); return; }
      // The stream broke: the browser retries by itself while readyState
      // is 0; when it gave up (2: an error answer) the client reopens it,
      // with backoff, from the last seqs.
      if (this.sources.get(dashboardId) !== es || this.closed) return;
      if (es.readyState === 2) {
        this.sources.delete(dashboardId);
        this.retry(() => { if (!this.sources.has(dashboardId)) this.openSSEFor(dashboardId); });
      } else {
        this.status('reconnecting');
      }
    });
  }

  private frame(f: ServerFrame): void {
    if (f.type === 'snapshot' || f.type === 'delta') {
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

  private resync(dashboardId: string): void {
    if (this.mode === 'ws') this.sendSubscribe(dashboardId); else this.openSSEFor(dashboardId);
  }
}
