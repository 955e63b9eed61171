// Small pieces every admin page shares: the "only administrators" page,
// a list's loading/error state, and an inline confirmation.
import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../../i18n/I18n';
import { isForbidden } from './admin';

export function OnlyAdmins() {
  const { t } = useI18n();
  return (
    <section className="page" aria-labelledby="only-admins-title">
      <h1 id="only-admins-title">{t('admin.title')}</h1>
      <p role="alert" className="notice">{t('admin.onlyAdmins')}</p>
    </section>
  );
}

/** Loading, a refusal (403: only admins), or another error; null once loaded. */
export function LoadState({ loaded, error }: { loaded: boolean; error: unknown }) {
  const { t } = useI18n();
  if (error) {
    if (isForbidden(error)) return <p role="alert" className="notice">{t('admin.onlyAdmins')}</p>;
    return <p className="error" role="alert">{t('app.error', { message: (error as Error).message })}</p>;
  }
  if (!loaded) return <p role="status">{t('app.loading')}</p>;
  return null;
}

/** "Are you sure?" in place of a row's action: the confirming button takes the focus. */
export function Confirm({ question, confirm, onConfirm, onCancel }: { question: string; confirm: string; onConfirm(): void; onCancel(): void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => { ref.current?.focus(); }, []);
  return (
    <div className="actions confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button type="button" onClick={onCancel}>{t('dashboards.cancel')}</button>
      <button type="button" className="danger" ref={ref} onClick={onConfirm}>{confirm}</button>
    </div>
  );
}

/** A labelled form control with its error below, tied by aria-describedby. */
export function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: (a11y: Record<string, unknown>) => ReactNode }) {
  const a11y = error ? { id, 'aria-invalid': true, 'aria-describedby': `${id}-error` } : { id };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(a11y)}
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </div>
  );
}

export function dateTime(s: string | undefined, lang: string): string {
  if (!s) return '';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString(lang);
}

/**
 * Moves the focus to the element with id once React has rendered the
 * change (the confirmation it replaces is gone by then), so the keyboard
 * does not fall back to the top of the page.
 */
export function focusSoon(id: string) {
  setTimeout(() => document.getElementById(id)?.focus(), 0);
}
