import { act, fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { FiltersJSON } from '../../api/types';
import { renderUI } from '../../test/render';
import { filtersFromURL, filtersToURL, type FilterState } from './filters';
import { FiltersBar } from './FiltersBar';

const fj: FiltersJSON = { date_range: { presets: ['today', 'last_7d'], default: 'last_7d' }, dimensions: ['customer'] };
const lists = { customer: [{ id: 'c1', name: 'Acme Norte' }, { id: 'c2', name: 'Acme Sul' }, { id: 'c3', name: 'Beta' }] };

function Harness({ onChange }: { onChange(f: FilterState): void }) {
  const [value, setValue] = useState<FilterState>({ range: 'last_7d', dims: {} });
  return <FiltersBar filtersJSON={fj} value={value} lists={lists} onChange={(f) => { onChange(f); setValue(f); }} />;
}

describe('FiltersBar', () => {
  it('chooses several customers from a disclosure that Escape closes', () => {
    const changes = vi.fn();
    renderUI(<Harness onChange={changes} />);
    const button = screen.getByRole('button', { name: /Cliente/ });
    expect(button).toHaveProperty('textContent', 'Todos');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Acme Norte' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Beta' }));
    expect(changes).toHaveBeenLastCalledWith({ range: 'last_7d', dims: { customer: ['c1', 'c3'] } });
    expect(button.textContent).toBe('Acme Norte, Beta');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Acme Sul' }));
    expect(button.textContent).toBe('3 selecionados');
    fireEvent.keyDown(screen.getByRole('checkbox', { name: 'Beta' }), { key: 'Escape' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(button);
    fireEvent.click(screen.getByRole('button', { name: 'Limpar filtros' }));
    expect(changes).toHaveBeenLastCalledWith({ range: 'last_7d', dims: {} });
  });

  it('applies a custom range only when it is one, with the error at its field', () => {
    const changes = vi.fn();
    renderUI(<Harness onChange={changes} />);
    fireEvent.change(screen.getByLabelText('Período'), { target: { value: 'custom' } });
    const from = screen.getByLabelText('De') as HTMLInputElement;
    const to = screen.getByLabelText('Até') as HTMLInputElement;
    expect(from.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(changes).toHaveBeenLastCalledWith(expect.objectContaining({ range: 'custom', from: from.value, to: to.value }));
    const before = changes.mock.calls.length;
    fireEvent.change(from, { target: { value: '2026-05-10' } });
    fireEvent.change(to, { target: { value: '2026-05-01' } });
    expect(screen.getByRole('alert').textContent).toBe('A data final não pode ser anterior à inicial.');
    expect(to.getAttribute('aria-invalid')).toBe('true');
    expect(to.getAttribute('aria-describedby')).toBe(screen.getByRole('alert').id);
    expect(changes.mock.calls.at(-1)![0].to).not.toBe('2026-05-01'); // the inverted range was not applied
    fireEvent.change(to, { target: { value: '2026-05-31' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(changes.mock.calls.length).toBeGreaterThan(before);
    expect(changes).toHaveBeenLastCalledWith({ range: 'custom', from: '2026-05-10', to: '2026-05-31', dims: {} });
  });

  it('builds quick changes on each other before the page re-renders', () => {
    const changes = vi.fn();
    // The page has not re-rendered with the first change when the second comes.
    renderUI(<FiltersBar filtersJSON={fj} value={{ range: 'last_7d', dims: {} }} lists={lists} onChange={changes} />);
    fireEvent.click(screen.getByRole('button', { name: /Cliente/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Acme Norte' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Acme Sul' }));
    expect(changes).toHaveBeenLastCalledWith({ range: 'last_7d', dims: { customer: ['c1', 'c2'] } });
    fireEvent.change(screen.getByLabelText('Período'), { target: { value: 'today' } });
    expect(changes).toHaveBeenLastCalledWith({ range: 'today', dims: { customer: ['c1', 'c2'] } });
  });

  it('keeps a range being typed when the echo of an earlier change comes late', () => {
    vi.useFakeTimers();
    try {
      // As the page does: the value goes through the URL (a router update
      // that may land after the next keystroke) and comes back rebuilt.
      const changes = vi.fn();
      function Late() {
        const [value, setValue] = useState<FilterState>({ range: 'last_7d', dims: {} });
        return <FiltersBar filtersJSON={fj} value={value} lists={lists} onChange={(f) => {
          changes(f);
          setTimeout(() => setValue(filtersFromURL(fj, filtersToURL(fj, f))), 50);
        }} />;
      }
      renderUI(<Late />);
      fireEvent.change(screen.getByLabelText('Período'), { target: { value: 'custom' } });
      act(() => { vi.advanceTimersByTime(100); });
      fireEvent.change(screen.getByLabelText('De'), { target: { value: '2026-11-20' } });
      fireEvent.change(screen.getByLabelText('Até'), { target: { value: '2026-11-01' } });
      act(() => { vi.advanceTimersByTime(100); }); // the echo of "De" arrives now
      expect((screen.getByLabelText('Até') as HTMLInputElement).value).toBe('2026-11-01');
      expect(screen.getByRole('alert').textContent).toBe('A data final não pode ser anterior à inicial.');
      fireEvent.change(screen.getByLabelText('Até'), { target: { value: '2026-11-30' } });
      act(() => { vi.advanceTimersByTime(100); });
      expect(screen.queryByRole('alert')).toBeNull();
      expect(changes).toHaveBeenLastCalledWith({ range: 'custom', from: '2026-11-20', to: '2026-11-30', dims: {} });
      // A change from outside (the page's own URL) still replaces the draft.
      fireEvent.click(screen.getByRole('button', { name: 'Limpar filtros' }));
      act(() => { vi.advanceTimersByTime(100); });
      expect((screen.getByLabelText('Período') as HTMLSelectElement).value).toBe('last_7d');
      expect(screen.queryByLabelText('De')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
