// One polite live region for messages of the whole app (saved, created,
// moved...), so screen readers hear what visual toasts show.
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

type Announce = (message: string) => void;

/** How long a message stays shown. */
export const TOAST_MS = 6000;
const Ctx = createContext<Announce>(() => {});

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const announce = useCallback((m: string) => {
    // Clearing first makes a repeated message be read again.
    setMessage('');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      setMessage(m);
      // The toast goes away once read; an old message must not stay on
      // screen as if it were news.
      timer.current = setTimeout(() => setMessage(''), TOAST_MS);
    }, 50);
  }, []);
  return (
    <Ctx.Provider value={announce}>
      {children}
      <div className="toast" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">{message}</div>
    </Ctx.Provider>
  );
}

/** Says a message through the app's live region (and shows it). */
export function useAnnounce(): Announce {
  return useContext(Ctx);
}
