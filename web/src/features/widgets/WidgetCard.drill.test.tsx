// Drill-down in a widget card, against a fake server: a pivot row's
// button goes one level down with the path and the dashboard's filters,
// the breadcrumb goes back, the bottom level says there is nothing below;
// a kiosk card has no controls at all.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Widget } from '../../api/types';
import type { WidgetData } from './types';
import { renderUI } from '../../test/render';
import { KioskContext } from '../kiosk/kiosk';
import { SessionProvider } from '../session/session';
import { DRILL_REFRESH_MS, DrillFiltersContext } from './useDrill';
import { WidgetCard } from './WidgetCard';

const me = { user: { id: 'u1', name: 'Ana', email: 'a@x', role: 'admin' }, tenant: { id: 't', slug: 'acme', name: 'ACME' }, teams: [], roles: ['admin'], scope: {} };
const catalog = {
  sources: [{
    name: 'tickets', label: { 'pt-BR': 'Chamados', en: 'Tickets' },
    fields: [
      { name: 'customer_id', type: 'string', kind: 'dimension', label: { 'pt-BR': 'Cliente', en: 'Customer' } },
      { name: 'site_id', type: 'string', kind: 'dimension', label: { 'pt-BR': 'Local', en: 'Site' } },
      { name: 'status', type: 'string', kind: 'dimension', label: { 'pt-BR': 'Situação', en: 'Status' } },
    ],
    hierarchies: [{ name: 'location', label: { en: 'Location' }, levels: ['customer_id', 'site_id'] }],
  }],
};
const widget: Widget = {
  id: 'w1', dashboard_id: 'd1', type: 'table', viz: 'table', title: 'Backlog', position: 0, refresh_interval_sec: 0, version: 1,
  config_json: {
    hierarchy: 'location',
    query: { source: 'tickets', metrics: [{ agg: 'count', as: 'n' }], groups: [{ field: 'customer_id' }, { field: 'status' }] },
    options: { pivot: { rows: ['customer_id'], columns: ['status'], values: ['n'] } },
  },
};
const top: WidgetData = {
  columns: [{ name: 'customer_id', type: 'string' }, { name: 'status', type: 'string' }, { name: 'n', type: 'int' }],
  rows: [['acme', 'open', 2], ['globex', 'open', 5]],
};

function json(status: number, body?: unknown) {
  return Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status }));
}

function server() {
  const drills: unknown[] = [];
  vi.stubGlobal('fetch', vi.fn((url: string, init: RequestInit = {}) => {
    if (url === '/api/me') return json(200, me);
    if (url === '/api/catalog') return json(200, catalog);
    if (url === '/api/widgets/w1/drill' && init.method === 'POST') {
      drills.push(JSON.parse(String(init.body)));
      return json(200, {
        columns: [{ name: 'site_id', type: 'string' }, { name: 'n', type: 'int' }], rows: [['sp', 3], ['rj', 2]],
        query: { source: 'tickets', metrics: [{ agg: 'count', as: 'n' }], groups: [{ field: 'site_id' }] },
      });
    }
    return json(404, { error: { code: 'not_found', message: 'no' } });
  }));
  return drills;
}

afterEach(() => vi.unstubAllGlobals());

describe('WidgetCard drill-down', () => {
  it('goes down by a row button with the path and filters, and back by the breadcrumb', async () => {
    const drills = server();
    renderUI(
      <SessionProvider>
        <DrillFiltersContext.Provider value={{ range: 'today' }}>
          <WidgetCard widget={widget} data={top} at={null} stale={false} editing={false} />
        </DrillFiltersContext.Provider>
      </SessionProvider>,
    );
    const card = screen.getByRole('region', { name: 'Backlog' });
    fireEvent.click(await within(card).findByRole('button', { name: 'Detalhar globex' }));
    const nav = await within(card).findByRole('navigation', { name: 'Detalhamento de Backlog' });
    expect(drills).toEqual([{ path: [{ field: 'customer_id', value: 'globex' }], filters: { range: 'today' } }]);
    expect(within(nav).getByText('globex').getAttribute('aria-current')).toBe('location');
    // The site level: its rows, and no further level to drill to.
    await within(card).findByRole('rowheader', { name: 'sp' });
    expect(within(card).queryByRole('button', { name: /^Detalhar/ })).toBeNull();
    fireEvent.click(within(card).getByRole('row', { name: /^sp/ }).querySelector('td.num')!);
    await within(card).findByText('Não há nível abaixo de “Local”.');
    expect(drills).toHaveLength(1);
    fireEvent.click(within(nav).getByRole('button', { name: 'Voltar para Tudo' }));
    await waitFor(() => expect(within(card).queryByRole('navigation')).toBeNull());
    within(card).getByRole('button', { name: 'Detalhar acme' });
  });

  it('asks again for the drilled level when the widget\'s live data moves, at most every few seconds', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const drills = server();
      const card = (data: WidgetData) => (
        <SessionProvider>
          <WidgetCard widget={widget} data={data} at={null} stale={false} editing={false} />
        </SessionProvider>
      );
      const { rerender } = renderUI(card(top));
      fireEvent.click(await screen.findByRole('button', { name: 'Detalhar globex' }));
      await screen.findByRole('rowheader', { name: 'sp' });
      expect(drills).toHaveLength(1);
      // A live frame moves the top level: the drilled level follows, not at once.
      rerender(card({ ...top, rows: [['acme', 'open', 2], ['globex', 'open', 6]] }));
      rerender(card({ ...top, rows: [['acme', 'open', 2], ['globex', 'open', 7]] }));
      expect(drills).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(DRILL_REFRESH_MS);
      await waitFor(() => expect(drills).toHaveLength(2));
      expect(drills[1]).toEqual(drills[0]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('has no controls in kiosk mode', async () => {
    server();
    renderUI(
      <SessionProvider>
        <KioskContext.Provider value>
          <WidgetCard widget={widget} data={top} at={null} stale={false} editing={false} />
        </KioskContext.Provider>
      </SessionProvider>,
    );
    const card = screen.getByRole('region', { name: 'Backlog' });
    await within(card).findByRole('rowheader', { name: 'globex' });
    await new Promise((r) => setTimeout(r, 50)); // the catalogue has come
    expect(within(card).queryAllByRole('button')).toEqual([]);
  });
});
