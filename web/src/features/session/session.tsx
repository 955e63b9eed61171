// The signed-in person: GET /api/me on start, login and logout, and the
// source catalogue (field labels in both languages, which fields are scope
// dimensions) that every screen labels its columns with.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, request } from '../../api/http';
import type { Me } from '../../api/types';

/** The parts of GET /api/catalog the UI reads. */
export interface Catalog {
  sources: {
    name: string;
    label: Record<string, string>;
    /** entity (events ingested for it) or stream (derived). */
    kind?: string;
    fields: {
      name: string; type: string; kind: string; label: Record<string, string>; scope?: string;
      /** Aggregations the field allows (measures; count needs no field). */
      aggs?: string[];
      /** The values of an enumerated text field. */
      values?: string[];
    }[];
    /** Drill-down paths: levels are fields, or "field:grain" for time. */
    hierarchies?: { name: string; label: Record<string, string>; levels: string[] }[];
  }[];
}

interface SessionState {
  /** undefined while loading, null when signed out. */
  me: Me | null | undefined;
  catalog: Catalog | null;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Called when an API answers 401: the session ended elsewhere. */
  expired(): void;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [catalog, setCatalog] = useState<Catalog | null>(null);

  const load = useCallback(async () => {
    try {
      const m = await request<Me>('GET', '/api/me');
      setMe(m);
      request<Catalog>('GET', '/api/catalog').then(setCatalog, () => setCatalog(null));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setMe(null);
      else throw e;
    }
  }, []);

  useEffect(() => { load().catch(() => setMe(null)); }, [load]);

  const value = useMemo<SessionState>(() => ({
    me, catalog,
    async login(email, password) {
      await request('POST', '/api/auth/login', { body: { email, password } });
      await load();
    },
    async logout() {
      try { await request('POST', '/api/auth/logout'); } finally { setMe(null); setCatalog(null); }
    },
    expired() { setMe(null); },
  }), [me, catalog, load]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
