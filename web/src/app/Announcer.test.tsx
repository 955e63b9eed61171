import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnnouncerProvider, TOAST_MS, useAnnounce } from './Announcer';

function Button() {
  const announce = useAnnounce();
  return <button type="button" onClick={() => announce('Painel salvo.')}>save</button>;
}

afterEach(() => vi.useRealTimers());

describe('AnnouncerProvider', () => {
  it('says a message, says it again when repeated, and takes it off screen after a while', () => {
    vi.useFakeTimers();
    render(<AnnouncerProvider><Button /></AnnouncerProvider>);
    const region = screen.getByRole('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    act(() => { screen.getByRole('button').click(); vi.advanceTimersByTime(60); });
    expect(region.textContent).toBe('Painel salvo.');
    // Repeated: cleared first, so a screen reader reads it again.
    act(() => { screen.getByRole('button').click(); });
    expect(region.textContent).toBe('');
    act(() => { vi.advanceTimersByTime(60); });
    expect(region.textContent).toBe('Painel salvo.');
    act(() => { vi.advanceTimersByTime(TOAST_MS - 100); });
    expect(region.textContent).toBe('Painel salvo.');
    act(() => { vi.advanceTimersByTime(200); });
    expect(region.textContent).toBe('');
  });
});
