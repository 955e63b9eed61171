// The JSON API client: same-origin requests with the session cookie, the
// server's error envelope turned into ApiError.

/** The server's error envelope, with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field = '',
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// The language the server writes error messages in: the UI's, set by the
// i18n provider (this module knows nothing of React). Empty sends no
// Accept-Language, and the server answers in English.
let requestLanguage = '';

/** Sets the Accept-Language of every later request (e.g. "pt-BR", "en"). */
export function setRequestLanguage(lang: string): void {
  requestLanguage = lang;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Sends one request and returns its JSON answer (undefined for 204). */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (requestLanguage && !Object.keys(headers).some((k) => k.toLowerCase() === 'accept-language')) {
    headers['Accept-Language'] = requestLanguage;
  }
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const r = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  if (r.status === 204) return undefined as T;
  const text = await r.text();
  let parsed: unknown = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!r.ok) {
    const e = (parsed as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    throw new ApiError(r.status, e?.code ?? 'http_' + r.status, e?.message ?? (r.statusText || 'request failed'), e?.field ?? '', parsed);
  }
  return parsed as T;
}

/** A query string from a map of values (lists repeat the key). */
export function queryString(params: Record<string, string | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    for (const one of Array.isArray(v) ? v : [v]) if (one !== '') q.append(k, one);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
