import { describe, expect, it } from 'vitest';
import { ageText, isStale, STALE_AFTER_DOWN_MS } from './freshness';
import { translator } from '../../i18n/I18n';

describe('ageText', () => {
  it('reads seconds, then minutes', () => {
    const t = translator('en');
    expect(ageText(10_000, 9_500, t)).toBe('updated just now');
    expect(ageText(10_000, 0, t)).toBe('updated 10 s ago');
    expect(ageText(300_000, 0, t)).toBe('updated 5 min ago');
    expect(ageText(0, 5000, translator('pt-BR'))).toBe('atualizado agora');
  });
});

describe('isStale', () => {
  const base = { now: 100_000, at: 0, realtime: true, status: 'open' as const, downSince: null, refreshIntervalSec: 0 };
  it('keeps live data fresh while connected, however old', () => {
    expect(isStale(base)).toBe(false);
    expect(isStale({ ...base, status: 'fallback' })).toBe(false);
  });
  it('marks live data stale once the connection is down for a while', () => {
    expect(isStale({ ...base, status: 'reconnecting', downSince: base.now - 1000 })).toBe(false);
    expect(isStale({ ...base, status: 'reconnecting', downSince: base.now - STALE_AFTER_DOWN_MS })).toBe(true);
    expect(isStale({ ...base, status: 'closed', downSince: 0 })).toBe(true);
  });
  it('marks polled data stale after two intervals', () => {
    const polled = { ...base, realtime: false, status: 'off' as const, refreshIntervalSec: 30 };
    expect(isStale({ ...polled, at: base.now - 59_000 })).toBe(false);
    expect(isStale({ ...polled, at: base.now - 61_000 })).toBe(true);
    expect(isStale({ ...polled, refreshIntervalSec: 0 })).toBe(false);
  });
});
