// State of the dashboards list: tab, search (debounced), page, and the
// list as the server answers it.
import { useCallback, useEffect, useState } from 'react';
import type { DashboardList } from '../../api/types';
import { dashboardsAPI, type Tab } from './api';

export const PAGE_SIZE = 25;

export function useDashboardList() {
  const [tab, setTab] = useState<Tab>('tenant');
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<DashboardList | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    const id = setTimeout(() => { setQ(search.trim()); setOffset(0); }, 250);
    return () => clearTimeout(id);
  }, [search]);

  useEffect(() => {
    const ac = new AbortController();
    dashboardsAPI.list(tab, q, offset, PAGE_SIZE, ac.signal).then((l) => { setList(l); setError(null); }, (e: Error) => {
      if (e.name !== 'AbortError') setError(e);
    });
    return () => ac.abort();
  }, [tab, q, offset, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return {
    tab, setTab: (t: Tab) => { setTab(t); setOffset(0); },
    search, setSearch, offset, setOffset, list, error, reload,
  };
}
