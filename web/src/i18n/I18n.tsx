// The one i18n layer: every string goes through t(), numbers and dates
// through the formatters here, all in the chosen language (pt-BR unless
// the person picked English; the choice is kept in localStorage).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { languages, type Lang, type MessageKey } from './messages';
import { setRequestLanguage } from '../api/http';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Fills {placeholders} of a message. */
export function format(msg: string, vars: Record<string, string | number> = {}): string {
  return msg.replace(/\{(\w+)\}/g, (_, n: string) => (vars[n] === undefined ? '' : String(vars[n])));
}

/** A translator for lang (tests and code outside React use it directly). */
export function translator(lang: Lang): Translate {
  return (key, vars) => format(languages[lang][key] ?? key, vars);
}

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t: Translate;
  /** Formats a number in the UI's language. */
  num(v: number, opts?: Intl.NumberFormatOptions): string;
  /** Formats an instant in the UI's language. */
  dateTime(v: string | number | Date, opts?: Intl.DateTimeFormatOptions): string;
}

const STORAGE_KEY = 'lang';

function initialLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v && v in languages) return v as Lang;
  } catch { /* storage refused: the default */ }
  return 'pt-BR';
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** Builds the I18n value of a language. */
export function makeI18n(lang: Lang, setLang: (l: Lang) => void = () => {}): I18n {
  return {
    lang, setLang, t: translator(lang),
    num(v, opts) {
      const key = lang + JSON.stringify(opts ?? {});
      let f = numberFormats.get(key);
      if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(lang, opts ?? { maximumFractionDigits: 2 })));
      return f.format(v);
    },
    dateTime(v, opts) {
      return new Intl.DateTimeFormat(lang, opts ?? { dateStyle: 'short', timeStyle: 'short' }).format(new Date(v));
    },
  };
}

const Ctx = createContext<I18n>(makeI18n('pt-BR'));

/** Provides the language and keeps <html lang> and the API requests'
 * Accept-Language (the server's error messages) in step. */
export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const l = fixed ?? initialLang();
    // Before any child mounts and fetches.
    setRequestLanguage(l);
    return l;
  });
  const setLang = useCallback((l: Lang) => {
    setRequestLanguage(l);
    setLangState(l);
    try { localStorage.setItem(STORAGE_KEY, l); } catch { /* not kept */ }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    setRequestLanguage(lang);
  }, [lang]);
  const value = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The current language's translator and formatters. */
export function useI18n(): I18n {
  return useContext(Ctx);
}
