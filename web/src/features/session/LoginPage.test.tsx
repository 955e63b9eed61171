import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { LoginPage, safeNext } from './LoginPage';
import { SessionProvider } from './session';

function respond(status: number, body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

afterEach(() => vi.unstubAllGlobals());

describe('LoginPage', () => {
  it('says so when the password is wrong', async () => {
    const fetch = vi.fn((url: string) => (url === '/api/me'
      ? respond(401, { error: { code: 'unauthenticated', message: 'no session' } })
      : respond(401, { error: { code: 'unauthenticated', message: 'invalid credentials' } })));
    vi.stubGlobal('fetch', fetch);
    renderUI(<SessionProvider><LoginPage /></SessionProvider>);
    fireEvent.click(screen.getByRole('button', { name: 'Entrar' }));
    expect(screen.getByRole('alert').textContent).toBe('Informe o e-mail e a senha.');
    fireEvent.change(screen.getByLabelText('E-mail'), { target: { value: 'a@b.c' } });
    fireEvent.change(screen.getByLabelText('Senha'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Entrar' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('E-mail ou senha inválidos.'));
    expect(fetch).toHaveBeenCalledWith('/api/auth/login', expect.objectContaining({ method: 'POST', body: JSON.stringify({ email: 'a@b.c', password: 'nope' }) }));
  });

  it('only goes on to paths of the UI', () => {
    expect(safeNext('/ui/dashboards/1?range=today')).toBe('/ui/dashboards/1?range=today');
    expect(safeNext('https://evil.example/')).toBe('/ui/dashboards');
    expect(safeNext('//evil.example/ui/')).toBe('/ui/dashboards');
    expect(safeNext(null)).toBe('/ui/dashboards');
  });
});
