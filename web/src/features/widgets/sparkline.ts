// A KPI's sparkline: the series GET /api/widgets/{id}/sparkline answers
// (a time bucket and the KPI's metric per row, oldest first) as points of
// an SVG polyline, and the words that say the same to a screen reader.
import type { QueryData } from '../../api/types';

export interface Spark {
  values: number[];
  /** Each value's bucket (ms since the epoch), or null when a bucket is not a time. */
  times: (number | null)[];
  first: number;
  last: number;
  min: number;
  max: number;
}

/** The series' values (the metric column: the last one), or null when there are fewer than two. */
export function sparkOf(data: QueryData | null, metric?: string): Spark | null {
  if (!data || data.rows.length < 2) return null;
  let col = data.columns.findIndex((c) => c.name === metric);
  if (col < 0) col = data.columns.length - 1;
  const values = data.rows.map((r) => Number(r[col] ?? 0)).map((v) => (Number.isFinite(v) ? v : 0));
  const times = data.rows.map((r) => {
    const t = typeof r[0] === 'string' ? Date.parse(r[0]) : NaN;
    return Number.isFinite(t) ? t : null;
  });
  return { values, times, first: values[0], last: values[values.length - 1], min: Math.min(...values), max: Math.max(...values) };
}

/**
 * The polyline's points in a width x height box with a margin for the
 * stroke; a flat series is drawn at mid height.
 */
export function sparkPoints(values: number[], width: number, height: number, margin = 2, times?: (number | null)[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo;
  const step = values.length > 1 ? (width - 2 * margin) / (values.length - 1) : 0;
  // Points sit where their bucket falls in time: the server fills empty
  // buckets with zeros for counts and sums, but an average's empty bucket
  // is left out and then shows as a longer segment.
  const byTime = times && times.length === values.length && times.every((t) => t !== null) && times[times.length - 1]! > times[0]!;
  const t0 = byTime ? times![0]! : 0;
  const tspan = byTime ? times![times!.length - 1]! - t0 : 1;
  return values.map((v, i) => {
    const x = byTime ? margin + ((times![i]! - t0) / tspan) * (width - 2 * margin) : margin + i * step;
    const y = span === 0 ? height / 2 : margin + (1 - (v - lo) / span) * (height - 2 * margin);
    return `${round(x)},${round(y)}`;
  }).join(' ');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
