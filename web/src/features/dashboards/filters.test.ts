import { describe, expect, it } from 'vitest';
import {
  CUSTOM, customRangeError, filtersFromURL, filtersToQuery, filtersToURL, isDay, localMidnight, offeredDimensions, offeredPresets,
} from './filters';
import type { FiltersJSON } from '../../api/types';

const noc: FiltersJSON = {
  date_range: { presets: ['today', 'last_24h', 'last_7d', 'last_30d', 'this_month'], default: 'last_7d' },
  dimensions: ['customer', 'site', 'team'],
};

describe('filters', () => {
  it('offer what filters_json says', () => {
    expect(offeredPresets(noc)).toEqual(['today', 'last_24h', 'last_7d', 'last_30d', 'this_month']);
    expect(offeredPresets({ date_range: {} })).toHaveLength(11);
    expect(offeredPresets({})).toEqual([]);
    expect(offeredDimensions(noc)).toEqual(['customer', 'site', 'team']);
  });

  it('start from the default preset and read the URL', () => {
    expect(filtersFromURL(noc, new URLSearchParams())).toEqual({ range: 'last_7d', dims: {} });
    expect(filtersFromURL(noc, new URLSearchParams('range=today&customer=c1&contract=k1'))).toEqual({ range: 'today', dims: { customer: ['c1'] } });
    expect(filtersFromURL(noc, new URLSearchParams('range='))).toEqual({ range: '', dims: {} });
    expect(filtersFromURL(noc, new URLSearchParams('range=last_90d'))).toEqual({ range: '', dims: {} }); // not offered
  });

  it('keep several values of a dimension, once each', () => {
    const f = filtersFromURL(noc, new URLSearchParams('customer=c1&customer=c2&customer=c1&site='));
    expect(f.dims).toEqual({ customer: ['c1', 'c2'] });
    expect(filtersToURL(noc, f).toString()).toBe('customer=c1&customer=c2');
    expect(filtersToQuery(f)).toEqual({ range: 'last_7d', customer: ['c1', 'c2'] });
  });

  it('round-trip through the URL and become /view and SUBSCRIBE filters', () => {
    const f = { range: 'today', dims: { site: ['s1'] } };
    expect(filtersToURL(noc, f).toString()).toBe('range=today&site=s1');
    expect(filtersFromURL(noc, filtersToURL(noc, f))).toEqual(f);
    expect(filtersToURL(noc, { range: 'last_7d', dims: {} }).toString()).toBe('');
    expect(filtersToQuery(f)).toEqual({ range: 'today', site: ['s1'] });
    expect(filtersToQuery({ range: '', dims: {} })).toEqual({});
  });

  it('take a custom range of whole local days, end included', () => {
    const f = { range: CUSTOM, from: '2026-03-01', to: '2026-03-31', dims: {} };
    expect(customRangeError(f)).toBeNull();
    expect(filtersToURL(noc, f).toString()).toBe('from=2026-03-01&to=2026-03-31');
    expect(filtersFromURL(noc, filtersToURL(noc, f))).toEqual(f);
    const q = filtersToQuery(f);
    expect(q.from).toBe(localMidnight('2026-03-01'));
    expect(q.to).toBe(localMidnight('2026-04-01'));
    expect(Date.parse(q.to as string) - Date.parse(q.from as string)).toBeGreaterThanOrEqual(30 * 86400_000 - 3600_000);
    expect(q.range).toBeUndefined();
  });

  it('refuse a custom range that is not one and never send it', () => {
    expect(customRangeError({ range: CUSTOM, from: '', to: '2026-03-01', dims: {} })).toBe('filters.fromInvalid');
    expect(customRangeError({ range: CUSTOM, from: '2026-02-30', to: '2026-03-01', dims: {} })).toBe('filters.fromInvalid');
    expect(customRangeError({ range: CUSTOM, from: '2026-03-01', dims: {} })).toBe('filters.toInvalid');
    const back = { range: CUSTOM, from: '2026-03-02', to: '2026-03-01', dims: {} };
    expect(customRangeError(back)).toBe('filters.toBeforeFrom');
    expect(filtersToQuery(back)).toEqual({});
    expect(filtersToURL(noc, back).toString()).toBe('');
    // An inverted or broken range in the URL falls back to the default preset.
    expect(filtersFromURL(noc, new URLSearchParams('from=2026-03-02&to=2026-03-01')).range).toBe('last_7d');
    expect(filtersFromURL(noc, new URLSearchParams('from=yesterday&to=2026-03-01')).range).toBe('last_7d');
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2023-02-29')).toBe(false);
  });

  it('write local midnights with the zone offset', () => {
    expect(localMidnight('2026-03-01')).toMatch(/^2026-03-01T00:00:00[+-]\d{2}:\d{2}$/);
    expect(localMidnight('2026-12-31', 1)).toMatch(/^2027-01-01T00:00:00/);
    expect(new Date(localMidnight('2026-03-01')).getHours()).toBe(0);
  });
});
