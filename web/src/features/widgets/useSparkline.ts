// Loads a KPI's sparkline with the dashboard's global filters, and again
// (at most every SPARK_REFRESH_MS) when the KPI's live value moves.
import { useContext, useEffect, useRef, useState } from 'react';
import { queryString, request } from '../../api/http';
import type { QueryData, Widget } from '../../api/types';
import { DrillFiltersContext } from './useDrill';

/** How often at most the sparkline is asked again while the value moves. */
export const SPARK_REFRESH_MS = 10_000;

export function useSparkline(widget: Widget, value: number | null): QueryData | null {
  const enabled = Boolean(widget.config_json.kpi?.sparkline) && !widget.id.startsWith('preview-');
  const filters = useContext(DrillFiltersContext);
  const filtersKey = JSON.stringify(filters);
  const [data, setData] = useState<QueryData | null>(null);
  const [nonce, setNonce] = useState(0);
  const last = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    const ac = new AbortController();
    last.current = Date.now();
    request<QueryData>('GET', `/api/widgets/${encodeURIComponent(widget.id)}/sparkline` + queryString(filters), { signal: ac.signal })
      .then(setData, () => setData(null));
    return () => ac.abort();
  }, [enabled, widget.id, widget.version, filtersKey, nonce]); // eslint-disable-line react-hooks/exhaustive-deps

  // The value moved (a live delta): ask again, throttled.
  const seen = useRef(value);
  useEffect(() => {
    if (!enabled || value === seen.current) return;
    seen.current = value;
    const wait = Math.max(0, last.current + SPARK_REFRESH_MS - Date.now());
    const timer = setTimeout(() => setNonce((n) => n + 1), wait);
    return () => clearTimeout(timer);
  }, [enabled, value]);

  return enabled ? data : null;
}
