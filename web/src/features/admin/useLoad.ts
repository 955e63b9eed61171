// Loads one admin list on mount (aborted on unmount) and keeps it
// changeable after the page's own mutations.
import { useCallback, useEffect, useState } from 'react';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  set(f: (prev: T) => T): void;
  reload(): void;
}

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    load(ac.signal).then(setData, (e) => { if (!ac.signal.aborted) setError(e); });
    return () => ac.abort();
    // load is a module-level function of the page: it does not change.
  }, [round]);
  const set = useCallback((f: (prev: T) => T) => setData((d) => (d === null ? d : f(d))), []);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, error, set, reload };
}
