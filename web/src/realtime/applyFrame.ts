import type { Column, DeltaFrame, Row, ServerFrame, SnapshotFrame } from './frames';

/** A widget's rows as kept from its frames. */
export interface WidgetRows {
  columns: Column[];
  keyColumns: number;
  rows: Row[];
  totals?: Row;
  seq: number;
  /** Unix milliseconds of the data. */
  at: number;
}

/** Returns the key of a row: its first keyColumns values. */
export function rowKey(keyColumns: number, row: Row): string {
  return JSON.stringify(row.slice(0, keyColumns));
}

function fromSnapshot(f: SnapshotFrame): WidgetRows {
  return { columns: f.columns, keyColumns: f.keyColumns, rows: f.rows.slice(), totals: f.totals, seq: f.seq, at: f.at };
}

function applyDelta(data: WidgetRows, f: DeltaFrame): WidgetRows {
  const k = data.keyColumns;
  const rows = data.rows.slice();
  const index = new Map(rows.map((r, i) => [rowKey(k, r), i]));
  const gone = new Set(f.delete.map((key) => rowKey(k, key)));
  for (const row of f.upsert) {
    const key = rowKey(k, row);
    const i = index.get(key);
    if (i === undefined) {
      index.set(key, rows.length);
      rows.push(row);
    } else {
      rows[i] = row;
    }
  }
  let next = rows.filter((r) => !gone.has(rowKey(k, r)));
  if (f.order) {
    const pos = new Map(f.order.map((key, i) => [rowKey(k, key), i]));
    const at = (r: Row) => pos.get(rowKey(k, r)) ?? Number.MAX_SAFE_INTEGER;
    next = next.slice().sort((a, b) => at(a) - at(b));
  }
  return { ...data, rows: next, totals: f.totals ?? data.totals, seq: f.seq, at: f.at };
}

/**
 * Applies one widget frame to the widget's rows and returns the new rows
 * (the input is not changed). A delta that does not follow the data's seq
 * returns null: the caller must get a snapshot (resubscribe). Frames that
 * carry no rows leave the data as it is.
 */
export function applyFrame(data: WidgetRows | undefined, frame: ServerFrame): WidgetRows | null {
  if (frame.type === 'snapshot') return fromSnapshot(frame);
  if (frame.type !== 'delta') return data ?? null;
  if (!data || frame.seq !== data.seq + 1) return null;
  return applyDelta(data, frame);
}
