import { describe, expect, it } from 'vitest';
import { filtersFromURL, filtersToQuery, filtersToURL, offeredDimensions, offeredPresets } from './filters';
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
    expect(filtersFromURL(noc, new URLSearchParams('range=today&customer=c1&contract=k1'))).toEqual({ range: 'today', dims: { customer: 'c1' } });
    expect(filtersFromURL(noc, new URLSearchParams('range='))).toEqual({ range: '', dims: {} });
    expect(filtersFromURL(noc, new URLSearchParams('range=last_90d'))).toEqual({ range: '', dims: {} }); // not offered
  });

  it('round-trip through the URL and become /view and SUBSCRIBE filters', () => {
    const f = { range: 'today', dims: { site: 's1' } };
    expect(filtersToURL(noc, f).toString()).toBe('range=today&site=s1');
    expect(filtersFromURL(noc, filtersToURL(noc, f))).toEqual(f);
    expect(filtersToURL(noc, { range: 'last_7d', dims: {} }).toString()).toBe('');
    expect(filtersToQuery(f)).toEqual({ range: 'today', site: ['s1'] });
    expect(filtersToQuery({ range: '', dims: {} })).toEqual({});
  });
});
