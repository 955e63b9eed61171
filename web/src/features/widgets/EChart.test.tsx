import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { renderUI } from '../../test/render';

const chart = { setOption: vi.fn(), on: vi.fn(), resize: vi.fn(), dispose: vi.fn() };
vi.mock('echarts/core', () => ({ use: vi.fn(), init: vi.fn(() => chart) }));

const { EChart } = await import('./EChart');
const echarts = await import('echarts/core');

beforeEach(() => { vi.clearAllMocks(); });

describe('EChart', () => {
  const table = { headers: ['Status', 'Tickets'], rows: [['open', '3']] };

  it('inits with the theme, sets options, and disposes on unmount', () => {
    const { rerender, unmount } = renderUI(<EChart option={{ a: 1 }} label="Chart: T" table={table} theme="dark" />);
    expect(echarts.init).toHaveBeenCalledWith(expect.any(HTMLDivElement), 'dark', expect.objectContaining({ renderer: 'canvas' }));
    expect(chart.setOption).toHaveBeenCalledWith({ a: 1 }, { notMerge: true });
    rerender(<EChart option={{ a: 2 }} label="Chart: T" table={table} theme="dark" />);
    expect(chart.setOption).toHaveBeenLastCalledWith({ a: 2 }, { notMerge: true });
    expect(echarts.init).toHaveBeenCalledTimes(1);
    expect(chart.dispose).not.toHaveBeenCalled();
    unmount();
    expect(chart.dispose).toHaveBeenCalledTimes(1);
  });

  it('has an accessible name and a data table', () => {
    renderUI(<EChart option={{}} label="Gráfico: T" table={table} theme="light" />);
    expect(screen.getByRole('img', { name: 'Gráfico: T' })).toBeTruthy();
    expect(screen.getByText('Ver dados em tabela')).toBeTruthy();
    const t = screen.getByRole('table', { hidden: true });
    expect(t.textContent).toContain('Gráfico: T');
    expect(t.textContent).toContain('open3');
  });
});
