import { useI18n } from '../../i18n/I18n';
import type { DataTable as Table } from './chartOptions';

export interface DataTableProps {
  table: Table;
  caption: string;
  /** Row i's button was pressed (drill-down by keyboard). */
  onRow?(i: number): void;
  /** The label of row i's button; null: that row has none. */
  rowAction?(i: number): string | null;
  /** Without the scrolling box (a table hidden from sight has nothing to scroll). */
  bare?: boolean;
}

/** A plain data table (the text alternative of a chart), with a button per row when rows lead somewhere. */
export function DataTable({ table, caption, onRow, rowAction, bare }: DataTableProps) {
  const { t } = useI18n();
  const actions = onRow && rowAction ? table.rows.map((_, i) => rowAction(i)) : null;
  const withActions = Boolean(actions?.some((a) => a));
  const body = (
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {table.headers.map((h, i) => <th key={i} scope="col">{h}</th>)}
            {withActions && <th scope="col">{t('drill.column')}</th>}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (j === 0 ? <th key={j} scope="row">{c}</th> : <td key={j}>{c}</td>))}
              {withActions && (
                <td>{actions![i] && <button type="button" className="link" onClick={() => onRow!(i)}>{actions![i]}</button>}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
  );
  return bare ? body : <div className="table-scroll">{body}</div>;
}
