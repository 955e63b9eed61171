import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Dashboard, Widget } from '../../api/types';
import { catalog } from '../../test/catalog';
import { renderUI } from '../../test/render';
import { SessionProvider } from '../session/session';
import { EntityNamesContext } from '../widgets/labels';

// jsdom has no canvas: ECharts' init is replaced (as in EChart.test.tsx);
// the preview's charts still go through the real <EChart> wrapper.
const chart = { setOption: vi.fn(), on: vi.fn(), off: vi.fn(), resize: vi.fn(), dispose: vi.fn() };
vi.mock('echarts/core', () => ({ use: vi.fn(), init: vi.fn(() => chart) }));
const { WidgetEditor } = await import('./WidgetEditor');

const me = { user: { id: 'u1', name: 'Ana', email: 'a@x', role: 'admin' }, tenant: { id: 't', slug: 'acme', name: 'ACME' }, teams: [], roles: ['admin'], scope: {} };
const dash = {
  id: 'd1', name: 'Ops', description: '', visibility: 'private', owner_id: 'u1', version: 7, realtime_enabled: false, filters_json: {},
  layout_json: { lg: [{ i: 'a', x: 0, y: 0, w: 6, h: 4 }] }, widgets: [{ id: 'a' }],
} as unknown as Dashboard;

function json(status: number, body?: unknown) {
  return Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status }));
}

type Call = { method: string; url: string; body?: Record<string, unknown>; headers?: Record<string, string> };

/** A fake server that answers like reportsd: queries, widgets, layout saves. */
function server(opts: { widgetConflict?: boolean } = {}) {
  const calls: Call[] = [];
  let n = 0;
  vi.stubGlobal('fetch', vi.fn((url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body, headers: init.headers as Record<string, string> });
    if (url === '/api/me') return json(200, me);
    if (url === '/api/catalog') return json(200, catalog);
    if (url === '/api/query') {
      const bad = (body.filters ?? []).findIndex((f: { value?: unknown }) => f.value === 'abc');
      if (bad >= 0) {
        return json(400, { error: { code: 'invalid', message: 'must be a number', field: `filters[${bad}].value` },
          problems: [{ path: `filters[${bad}].value`, message: 'must be a number' }] });
      }
      return json(200, { columns: [{ name: 'status', type: 'string' }, { name: 'count', type: 'int' }], rows: [['open', 3], ['closed', 5]],
        meta: { route: 'raw', cache: 'miss', sql_ms: 1.2, rows: 2 } });
    }
    if (url === '/api/widgets' && method === 'POST') {
      // As domain.KPIConfig.validate: bands strictly ascending, the first offender named.
      const bands: { value: number }[] = body.config_json?.kpi?.thresholds ?? [];
      const bad = bands.findIndex((b, i) => i > 0 && b.value <= bands[i - 1].value);
      if (bad > 0) {
        return json(400, { error: { code: 'invalid', message: 'thresholds must be finite and strictly ascending', field: `config.kpi.thresholds[${bad}].value` } });
      }
      return json(201, { ...body, id: `w${++n}`, version: 1 });
    }
    if (url.startsWith('/api/widgets/') && method === 'PUT') {
      if (opts.widgetConflict) return json(409, { error: { code: 'conflict', message: 'stale', field: 'version' }, current_version: 3 });
      return json(200, { ...body, id: 'w0', version: 3 });
    }
    if (url === '/api/dashboards/d1' && method === 'PUT') return json(200, { ...dash, ...body, version: 8 });
    return json(404, { error: { code: 'not_found', message: 'no' } });
  }));
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

function render(props: { widget?: Widget } = {}) {
  const on = { onSaved: vi.fn(), onConflict: vi.fn(), onClose: vi.fn() };
  renderUI(<SessionProvider><WidgetEditor dashboard={dash} {...props} {...on} /></SessionProvider>);
  return on;
}

describe('WidgetEditor', () => {
  it('previews one query as several visualisations, saves one widget each and places them', async () => {
    const calls = server();
    const on = render();
    const dialog = await screen.findByRole('dialog', { name: 'Novo widget' });
    await waitFor(() => expect((within(dialog).getByLabelText('Fonte de dados') as HTMLSelectElement).value).toBe('tickets'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Adicionar agrupamento' }));
    fireEvent.change(within(within(dialog).getByRole('group', { name: 'Agrupamento 1' })).getByLabelText('Campo'), { target: { value: 'status' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Barras' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'KPI' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Tabela dinâmica' }));
    const preview = within(dialog).getByTestId('preview-grid');
    await within(preview).findByRole('table');
    within(preview).getByTestId('kpi-value');
    await within(dialog).findByText('2 linha(s) em 1 ms');
    expect(calls.filter((c) => c.url === '/api/query').at(-1)!.body).toEqual({ source: 'tickets', metrics: [{ agg: 'count', as: 'count' }], groups: [{ field: 'status' }] });

    fireEvent.change(within(dialog).getByLabelText('Título do widget'), { target: { value: 'Por status' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Adicionar faixa' }));
    fireEvent.change(within(within(dialog).getByRole('group', { name: 'Faixa 1' })).getByLabelText('A partir de'), { target: { value: '4' } });
    fireEvent.change(within(dialog).getByLabelText('Atualizar a cada (segundos)'), { target: { value: '60' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Salvar 2 widgets' }));
    await waitFor(() => expect(on.onSaved).toHaveBeenCalled());
    const posts = calls.filter((c) => c.url === '/api/widgets');
    expect(posts.map((c) => [c.body!.type, c.body!.viz, c.body!.title])).toEqual([
      ['kpi', 'kpi', 'Por status — KPI'], ['table', 'table', 'Por status — Tabela dinâmica'],
    ]);
    expect(posts[0].body!.dashboard_id).toBe('d1');
    expect(posts[0].body!.config_json).toEqual({ query: { source: 'tickets', metrics: [{ agg: 'count', as: 'count' }], groups: [{ field: 'status' }] },
      kpi: { thresholds: [{ value: 4, level: 'ok' }] } });
    expect(posts.map((c) => c.body!.refresh_interval_sec)).toEqual([60, 60]);
    const put = calls.find((c) => c.url === '/api/dashboards/d1')!;
    expect(put.headers!['If-Match']).toBe('"7"');
    expect(put.body).toEqual({ layout_json: { lg: [
      { i: 'a', x: 0, y: 0, w: 6, h: 4 }, { i: 'w1', x: 6, y: 0, w: 6, h: 4 }, { i: 'w2', x: 0, y: 4, w: 6, h: 4 },
    ] } });
  });

  it('shows its own and the server problems at the controls they belong to', async () => {
    const calls = server();
    render();
    const dialog = await screen.findByRole('dialog', { name: 'Novo widget' });
    await waitFor(() => expect((within(dialog).getByLabelText('Fonte de dados') as HTMLSelectElement).value).toBe('tickets'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Adicionar filtro' }));
    const row = within(dialog).getByRole('group', { name: 'Filtro 1' });
    const field = within(row).getByLabelText('Campo');
    // No field yet: the builder says so itself and asks the server nothing.
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(field.getAttribute('aria-describedby')!)!.textContent).toBe('Obrigatório.');
    within(dialog).getByText('Corrija os campos marcados para ver a pré-visualização.');

    fireEvent.change(field, { target: { value: 'resolution_minutes' } });
    fireEvent.change(within(row).getByLabelText('Operador'), { target: { value: '>' } });
    const value = within(row).getByLabelText('Valor');
    fireEvent.change(value, { target: { value: 'abc' } });
    await waitFor(() => expect(value.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(value.getAttribute('aria-describedby')!)!.textContent).toBe('must be a number');
    expect(field.getAttribute('aria-invalid')).toBeNull();
    expect(calls.filter((c) => c.url === '/api/query').at(-1)!.body!.filters).toEqual([{ field: 'resolution_minutes', op: '>', value: 'abc' }]);

    fireEvent.change(value, { target: { value: '10' } });
    await waitFor(() => expect(value.getAttribute('aria-invalid')).toBeNull());
    await within(within(dialog).getByTestId('preview-grid')).findByRole('img', { name: 'Gráfico: Pré-visualização: Barras' });
    expect(chart.setOption).toHaveBeenCalled();
  });

  it('edits a widget with its version and reports a conflict', async () => {
    const calls = server({ widgetConflict: true });
    const widget = {
      id: 'w0', dashboard_id: 'd1', type: 'chart', viz: 'bar', title: 'By status', position: 0, refresh_interval_sec: 0, version: 2,
      config_json: { query: { source: 'tickets', metrics: [{ agg: 'count', as: 'count' }], groups: [{ field: 'status' }] }, options: { stacked: true } },
    } as Widget;
    const on = render({ widget });
    const dialog = await screen.findByRole('dialog', { name: 'Editar widget “By status”' });
    expect((within(dialog).getByRole('checkbox', { name: 'Barras empilhadas' }) as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect((within(within(dialog).getByRole('group', { name: 'Agrupamento 1' })).getByLabelText('Campo') as HTMLSelectElement).value).toBe('status'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Salvar widget' }));
    await waitFor(() => expect(on.onConflict).toHaveBeenCalled());
    expect(on.onSaved).not.toHaveBeenCalled();
    const put = calls.find((c) => c.url === '/api/widgets/w0')!;
    expect(put.headers!['If-Match']).toBe('"2"');
    // The stacking option is kept with the kind; the query is the one edited.
    expect(put.body).toEqual({ type: 'chart', viz: 'bar', title: 'By status', refresh_interval_sec: 0, config_json: {
      query: { source: 'tickets', metrics: [{ agg: 'count', as: 'count' }], groups: [{ field: 'status' }] }, options: { stacked: true } } });
  });

  it('keeps a widget bound to a report reading it: no query builder, the binding saved as it was', async () => {
    const calls = server();
    const widget = {
      id: 'w0', dashboard_id: 'd1', type: 'chart', viz: 'bar', title: 'Monthly costs', position: 0, refresh_interval_sec: 0, version: 2,
      config_json: { report_id: 'r-42', options: { stacked: true } },
    } as Widget;
    const on = render({ widget });
    const dialog = await screen.findByRole('dialog', { name: 'Editar widget “Monthly costs”' });
    expect(within(dialog).getByRole('note').textContent).toContain('relatório r-42');
    expect(within(dialog).queryByRole('group', { name: 'Agrupamento 1' })).toBeNull();
    expect(within(dialog).getByTestId('preview-status').textContent).toContain('relatório');
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Linhas' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Barras empilhadas' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Salvar widget' }));
    await waitFor(() => expect(on.onSaved).toHaveBeenCalled());
    expect(calls.some((c) => c.url === '/api/query')).toBe(false);
    const put = calls.find((c) => c.url === '/api/widgets/w0')!;
    expect(put.body!.config_json).toEqual({ report_id: 'r-42' });
    expect(put.body!.viz).toBe('line');
  });

  it('picks scope dimension values among the entities, by name', async () => {
    const calls = server();
    const names = { customer: new Map([['c2', 'Initech'], ['c1', 'Globex'], ['c3', 'Umbrella']]) };
    renderUI(
      <SessionProvider>
        <EntityNamesContext.Provider value={names}>
          <WidgetEditor dashboard={dash} onSaved={vi.fn()} onConflict={vi.fn()} onClose={vi.fn()} />
        </EntityNamesContext.Provider>
      </SessionProvider>,
    );
    const dialog = await screen.findByRole('dialog', { name: 'Novo widget' });
    await waitFor(() => expect((within(dialog).getByLabelText('Fonte de dados') as HTMLSelectElement).value).toBe('tickets'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Adicionar filtro' }));
    const row = within(dialog).getByRole('group', { name: 'Filtro 1' });
    fireEvent.change(within(row).getByLabelText('Campo'), { target: { value: 'customer_id' } });
    fireEvent.change(within(row).getByLabelText('Operador'), { target: { value: 'IN' } });
    const value = within(row).getByLabelText('Valor') as HTMLSelectElement;
    expect(value.multiple).toBe(true);
    expect([...value.options].map((o) => o.textContent)).toEqual(['Globex', 'Initech', 'Umbrella']);
    value.options[0].selected = true;
    value.options[2].selected = true;
    fireEvent.change(value);
    await waitFor(() => expect(calls.filter((c) => c.url === '/api/query').at(-1)!.body!.filters)
      .toEqual([{ field: 'customer_id', op: 'IN', value: ['c1', 'c3'] }]));
  });

  it('shows a problem of the widget found on save at its control; what was saved is not saved twice', async () => {
    const calls = server();
    const on = render();
    const dialog = await screen.findByRole('dialog', { name: 'Novo widget' });
    await waitFor(() => expect((within(dialog).getByLabelText('Fonte de dados') as HTMLSelectElement).value).toBe('tickets'));
    // Bars (ticked at first) and a KPI whose bands do not ascend.
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'KPI' }));
    for (const v of ['5', '3']) {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Adicionar faixa' }));
      const rows = within(dialog).getAllByRole('group', { name: /^Faixa \d$/ });
      fireEvent.change(within(rows.at(-1)!).getByLabelText('A partir de'), { target: { value: v } });
    }
    await within(within(dialog).getByTestId('preview-grid')).findByTestId('kpi-value');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Salvar 2 widgets' }));
    const second = within(within(dialog).getByRole('group', { name: 'Faixa 2' })).getByLabelText('A partir de');
    await waitFor(() => expect(second.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(second.getAttribute('aria-describedby')!)!.textContent).toBe('thresholds must be finite and strictly ascending');
    within(dialog).getByText('Corrija os campos marcados.');
    // The preview stays: the query is fine.
    within(within(dialog).getByTestId('preview-grid')).getByTestId('kpi-value');
    expect(on.onSaved).not.toHaveBeenCalled();
    // The bars were created: placed, and no longer ticked.
    await waitFor(() => expect(calls.filter((c) => c.url === '/api/dashboards/d1').length).toBe(1));
    expect((calls.find((c) => c.url === '/api/dashboards/d1')!.body!.layout_json as { lg: { i: string }[] }).lg.map((it) => it.i)).toEqual(['a', 'w1']);
    expect((within(dialog).getByRole('checkbox', { name: 'Barras' }) as HTMLInputElement).checked).toBe(false);

    fireEvent.change(second, { target: { value: '7' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Salvar widget' }));
    await waitFor(() => expect(on.onSaved).toHaveBeenCalled());
    expect(calls.filter((c) => c.url === '/api/widgets').map((c) => c.body!.viz)).toEqual(['bar', 'kpi', 'kpi']);
  });
});
