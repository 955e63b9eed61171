// Light and dark themes: "system" follows prefers-color-scheme; the
// choice is kept in localStorage and applied as <html data-theme>, which
// the CSS variables of app.css key on.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Resolved = 'light' | 'dark';

interface ThemeState {
  choice: ThemeChoice;
  resolved: Resolved;
  setChoice(c: ThemeChoice): void;
}

const KEY = 'theme';
const query = '(prefers-color-scheme: dark)';

function systemTheme(): Resolved {
  return typeof matchMedia === 'function' && matchMedia(query).matches ? 'dark' : 'light';
}

function initial(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    if (v === 'light' || v === 'dark' || v === 'system') return v;
  } catch { /* default */ }
  return 'system';
}

const Ctx = createContext<ThemeState>({ choice: 'system', resolved: 'light', setChoice: () => {} });

export function ThemeProvider({ children }: { children: ReactNode }) {
  const [choice, setChoiceState] = useState<ThemeChoice>(initial);
  const [system, setSystem] = useState<Resolved>(systemTheme);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const m = matchMedia(query);
    const on = () => setSystem(m.matches ? 'dark' : 'light');
    m.addEventListener?.('change', on);
    return () => m.removeEventListener?.('change', on);
  }, []);
  const resolved = choice === 'system' ? system : choice;
  useEffect(() => { document.documentElement.dataset.theme = resolved; }, [resolved]);
  const setChoice = useCallback((c: ThemeChoice) => {
    setChoiceState(c);
    try { localStorage.setItem(KEY, c); } catch { /* not kept */ }
  }, []);
  const value = useMemo(() => ({ choice, resolved, setChoice }), [choice, resolved, setChoice]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useTheme(): ThemeState {
  return useContext(Ctx);
}

/** Whether the person asked for less motion (animations off). */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * A theme imposed on a part of the app (kiosk mode's high-contrast dark):
 * components below read `resolved` as given, and <html data-theme> is set
 * to `attribute` while it is mounted, then back to the person's theme.
 */
export function ForcedTheme({ resolved, attribute, children }: { resolved: Resolved; attribute: string; children: ReactNode }) {
  const outer = useContext(Ctx);
  useEffect(() => {
    const el = document.documentElement;
    el.dataset.theme = attribute;
    return () => { el.dataset.theme = outer.resolved; };
  }, [attribute, outer.resolved]);
  const value = useMemo(() => ({ ...outer, resolved }), [outer, resolved]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
