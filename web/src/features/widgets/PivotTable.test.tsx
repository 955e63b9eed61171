import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';
import { makeLabels } from './labels';
import { PivotTable } from './PivotTable';
import type { Widget } from '../../api/types';
import * as csv from './csv';

const w: Widget = {
  id: 'w', dashboard_id: 'd', type: 'table', viz: 'table', title: 'Backlog', position: 0, refresh_interval_sec: 0, version: 1,
  config_json: { query: { source: 'maintenance', metrics: [{ agg: 'count', as: 'orders' }] }, options: { pivot: { rows: ['site_id'], columns: ['status'], values: ['orders'] } } },
};
const data = {
  columns: [{ name: 'site_id', type: 'string' as const }, { name: 'status', type: 'string' as const }, { name: 'orders', type: 'int' as const }],
  rows: [['rj', 'in_progress', 1], ['rj', 'planned', 3], ['sp', 'planned', 2]],
};

const bodyRows = () => within(screen.getByRole('table')).getAllByRole('row').slice(1).map((r) => r.textContent);

describe('PivotTable', () => {
  it('renders rows x columns with row totals and a total row', () => {
    renderUI(<PivotTable widget={w} data={data} labels={makeLabels(w, 'en', null, { site: new Map([['rj', 'Rio']]) })} />, { lang: 'en' });
    expect(within(screen.getByRole('table')).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Site id', 'in_progress', 'planned', 'Total']);
    expect(bodyRows()).toEqual(['rj134', 'sp22', 'Total156']);
  });

  it('sorts by a column and says so with aria-sort', () => {
    renderUI(<PivotTable widget={w} data={data} labels={makeLabels(w, 'en', null, {})} />, { lang: 'en' });
    const planned = screen.getByRole('button', { name: 'Sort by planned' });
    fireEvent.click(planned);
    expect(bodyRows()[0]).toBe('sp22');
    expect(planned.closest('th')!.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(planned);
    expect(bodyRows()[0]).toBe('rj134');
    expect(planned.closest('th')!.getAttribute('aria-sort')).toBe('descending');
  });

  it('downloads the CSV of the table on screen', () => {
    const spy = vi.spyOn(csv, 'download').mockImplementation(() => {});
    renderUI(<PivotTable widget={w} data={data} labels={makeLabels(w, 'en', null, {})} />, { lang: 'en' });
    fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(spy).toHaveBeenCalledWith('Backlog.csv', 'Site id,in_progress,planned,Total\r\nrj,1,3,4\r\nsp,,2,2\r\nTotal,1,5,6\r\n');
  });
});
