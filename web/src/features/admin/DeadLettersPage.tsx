// Dead letters: the events ingest refused, newest first, with the reason,
// the field at fault and the raw payload behind a disclosure; more pages
// by the API's cursor.
import { useState } from 'react';
import { useI18n } from '../../i18n/I18n';
import { appendPage, prettyPayload } from './admin';
import { adminAPI, type DeadLetter } from './api';
import { LoadState, dateTime } from './parts';
import { useLoad } from './useLoad';

export const DEAD_LETTER_PAGE = 50;

const loadFirst = (signal: AbortSignal) => adminAPI.deadLetters('', DEAD_LETTER_PAGE, signal);

export function DeadLettersPage() {
  const { t, lang } = useI18n();
  const page = useLoad(loadFirst);
  const [more, setMore] = useState<{ items: DeadLetter[]; cursor?: string } | null>(null);
  const [moreError, setMoreError] = useState('');
  const [busy, setBusy] = useState(false);
  const items = more?.items ?? page.data?.items ?? [];
  const cursor = more ? more.cursor : page.data?.next_cursor;

  async function next() {
    if (!cursor || busy) return;
    setBusy(true);
    setMoreError('');
    try {
      const p = await adminAPI.deadLetters(cursor, DEAD_LETTER_PAGE);
      setMore({ items: appendPage(items, p.items), cursor: p.next_cursor });
    } catch (err) {
      setMoreError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="dead-title">
      <div className="page-head">
        <h2 id="dead-title">{t('admin.deadLetters')}</h2>
        <button type="button" onClick={() => { setMore(null); page.reload(); }}>{t('admin.refresh')}</button>
      </div>
      <p className="muted">{t('admin.deadIntro')}</p>
      <LoadState loaded={page.data !== null} error={page.error} />
      {page.data && (items.length === 0 ? <p>{t('admin.deadNone')}</p> : (
        <div className="table-scroll">
          <table className="data-table admin-table dead-table">
            <caption>{t('admin.deadCaption', { count: items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.received')}</th>
                <th scope="col">{t('admin.source')}</th>
                <th scope="col">{t('admin.eventId')}</th>
                <th scope="col">{t('admin.reason')}</th>
                <th scope="col">{t('admin.field')}</th>
                <th scope="col">{t('admin.payload')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{dateTime(d.received_at, lang)}</th>
                  <td>{d.source || '—'}</td>
                  <td>{d.event_id || '—'}</td>
                  <td className="wrap">{d.reason}</td>
                  <td>{d.field ? <code>{d.field}</code> : '—'}</td>
                  <td>
                    <details>
                      <summary>{t('admin.payloadShow')}<span className="visually-hidden"> {d.event_id || d.id}</span></summary>
                      <pre className="payload" tabIndex={0}>{prettyPayload(d.payload)}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {moreError && <p className="error" role="alert">{t('app.error', { message: moreError })}</p>}
      {cursor && <div className="pager"><button type="button" aria-busy={busy} onClick={next}>{t('admin.more')}</button></div>}
    </section>
  );
}
