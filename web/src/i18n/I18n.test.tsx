import { act, render } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request, setRequestLanguage } from '../api/http';
import { I18nProvider, useI18n } from './I18n';

function ok() {
  return Promise.resolve(new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } }));
}

function fetchMock() {
  return vi.fn((_url: string, _init?: RequestInit) => ok());
}

function sentHeaders(fetch: ReturnType<typeof fetchMock>, call: number): Record<string, string> {
  return fetch.mock.calls[call][1]?.headers as Record<string, string>;
}

function sentLanguage(fetch: ReturnType<typeof fetchMock>, call: number): string | undefined {
  return sentHeaders(fetch, call)['Accept-Language'];
}

afterEach(() => {
  vi.unstubAllGlobals();
  setRequestLanguage('');
  localStorage.clear();
});

describe('Accept-Language of API requests', () => {
  it('is absent until the UI has a language, and a caller may set its own', async () => {
    const fetch = fetchMock();
    vi.stubGlobal('fetch', fetch);
    await request('GET', '/api/x');
    expect(sentLanguage(fetch, 0)).toBeUndefined();
    setRequestLanguage('en');
    await request('GET', '/api/x', { headers: { 'accept-language': 'pt-BR' } });
    const headers = sentHeaders(fetch, 1);
    expect(headers['accept-language']).toBe('pt-BR');
    expect(headers['Accept-Language']).toBeUndefined();
  });

  it("follows the provider's language from the first request of a child, and its changes", async () => {
    const fetch = fetchMock();
    vi.stubGlobal('fetch', fetch);
    let switchTo: (l: 'en' | 'pt-BR') => void = () => {};
    function Child() {
      const { setLang } = useI18n();
      switchTo = setLang;
      // A child's effect runs before its provider's: the language must be
      // known already.
      useEffect(() => { void request('GET', '/api/on-mount'); }, []);
      return null;
    }
    render(<I18nProvider><Child /></I18nProvider>);
    await act(async () => {});
    expect(fetch.mock.calls[0][0]).toBe('/api/on-mount');
    expect(sentLanguage(fetch, 0)).toBe('pt-BR');
    act(() => switchTo('en'));
    await request('GET', '/api/after');
    expect(sentLanguage(fetch, 1)).toBe('en');
  });

  it('starts from the language kept in storage', async () => {
    localStorage.setItem('lang', 'en');
    const fetch = fetchMock();
    vi.stubGlobal('fetch', fetch);
    render(<I18nProvider><span /></I18nProvider>);
    await request('GET', '/api/x');
    expect(sentLanguage(fetch, 0)).toBe('en');
  });
});
