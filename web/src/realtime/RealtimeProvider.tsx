// One realtime connection per tab (WebSocket, SSE when WebSockets fail),
// opened while someone is signed in. Pages subscribe their dashboard's
// widgets through it and listen to its frames.
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { RealtimeClient, type Status } from './client';
import type { ServerFrame } from './frames';

export interface Realtime {
  client: RealtimeClient | null;
  status: Status;
  /** When the connection went down (ms), while it is down. */
  downSince: number | null;
  /** Adds a frame listener; returns its removal. */
  listen(fn: (f: ServerFrame) => void): () => void;
}

const Ctx = createContext<Realtime>({ client: null, status: 'closed', downSince: null, listen: () => () => {} });

function wsBase(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

export function RealtimeProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const [client, setClient] = useState<RealtimeClient | null>(null);
  const [status, setStatus] = useState<Status>('closed');
  const [downSince, setDownSince] = useState<number | null>(null);
  const listeners = useRef(new Set<(f: ServerFrame) => void>());

  useEffect(() => {
    if (!enabled) return;
    const c = new RealtimeClient({
      wsBase: wsBase(),
      onFrame: (f) => { for (const fn of listeners.current) fn(f); },
      onStatus: (s) => {
        setStatus(s);
        const live = s === 'open' || s === 'fallback';
        setDownSince((prev) => (live ? null : prev ?? Date.now()));
      },
    });
    c.connect();
    setClient(c);
    return () => { c.close(); setClient(null); };
  }, [enabled]);

  const value = useMemo<Realtime>(() => ({
    client, status, downSince,
    listen(fn) {
      listeners.current.add(fn);
      return () => listeners.current.delete(fn);
    },
  }), [client, status, downSince]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useRealtime(): Realtime {
  return useContext(Ctx);
}
