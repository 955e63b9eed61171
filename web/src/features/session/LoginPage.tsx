import { useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/http';
import { useI18n } from '../../i18n/I18n';
import { useSession } from './session';

/** Where to go after signing in: a path of the UI only (no open redirect). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/ui/') && !next.startsWith('//') ? next : '/ui/dashboards';
}

export function LoginPage() {
  const { t } = useI18n();
  const { me, login } = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  if (me) return <Navigate to={safeNext(params.get('next'))} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!email || !password) { setError(t('login.required')); return; }
    setBusy(true);
    setError('');
    try {
      await login(email, password);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.failed') : (err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="login" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <form onSubmit={submit} noValidate>
        <label htmlFor="email">{t('login.email')}</label>
        <input id="email" name="email" type="email" autoComplete="username" required value={email}
          onChange={(e) => setEmail(e.target.value)} aria-invalid={Boolean(error) || undefined} aria-describedby="login-error" />
        <label htmlFor="password">{t('login.password')}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password}
          onChange={(e) => setPassword(e.target.value)} aria-invalid={Boolean(error) || undefined} aria-describedby="login-error" />
        <p id="login-error" className="error" role="alert">{error}</p>
        <button type="submit" className="primary" disabled={busy}>{busy ? t('login.submitting') : t('login.submit')}</button>
      </form>
    </section>
  );
}
