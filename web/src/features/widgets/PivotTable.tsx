// Pivot table: rows x columns with subtotals and totals (pivot.ts),
// sortable column headers (aria-sort), pages of top-level groups, and a
// CSV of exactly the table on screen.
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n/I18n';
import { toCSV, download } from './csv';
import type { Labels } from './labels';
import { buildPivot, combineOf, pageLines, type PivotSpec, type Sort, type SortKey } from './pivot';
import { metricAgg, metricNames, type RendererProps } from './types';
import type { Keys } from './chartOptions';
import type { Drill } from './useDrill';

export const GROUPS_PER_PAGE = 20;

/** The pivot of a widget: options.pivot, else its first group by the second. */
export function pivotSpec(props: RendererProps): PivotSpec {
  const opt = (props.widget.config_json.options as { pivot?: Partial<PivotSpec> } | undefined)?.pivot;
  const metrics = metricNames(props.widget, props.data.columns);
  const dims = props.data.columns.map((c) => c.name).filter((n) => !metrics.includes(n));
  return {
    rows: opt?.rows?.length ? opt.rows : dims.slice(0, Math.max(1, dims.length - 1)),
    columns: opt?.columns ?? (dims.length > 1 ? dims.slice(-1) : []),
    values: opt?.values?.length ? opt.values : metrics,
  };
}

function sameKey(a: SortKey, b: SortKey) {
  return a.by === b.by && (a.by === 'label' || (b.by !== 'label' && a.index === b.index));
}

export function PivotTable(props: RendererProps & { labels: Labels; drill?: Drill; kiosk?: boolean }) {
  const { widget, data, labels, drill, kiosk } = props;
  const { t } = useI18n();
  const [sort, setSort] = useState<Sort | undefined>();
  const [page, setPage] = useState(0);
  const spec = useMemo(() => pivotSpec(props), [widget, data]); // eslint-disable-line react-hooks/exhaustive-deps
  const model = useMemo(() => {
    const combines = Object.fromEntries(spec.values.map((v) => [v, combineOf(metricAgg(widget, v))]));
    return buildPivot(data, spec, combines, sort, metricNames(widget, data.columns));
  }, [data, spec, sort, widget]);
  const pages = Math.max(1, Math.ceil(model.groups / GROUPS_PER_PAGE));
  const current = Math.min(page, pages - 1);
  const lines = pageLines(model, current, GROUPS_PER_PAGE);
  const cell = (v: number | null) => (v === null ? '' : labels.num(v));
  const multiValue = spec.values.length > 1;

  // Header cells after the row labels: one per column key x value, then the row totals.
  const valueHeads = model.colKeys.flatMap((k) => spec.values.map((v) => {
    const key = k.map((x, i) => labels.label(x, spec.columns[i])).join(' / ');
    return multiValue || !key ? [key, labels.header(v)].filter(Boolean).join(' · ') : key;
  }));
  const totalHeads = spec.values.map((v) => (multiValue ? `${t('pivot.total')} · ${labels.header(v)}` : t('pivot.total')));
  const rowHeads = spec.rows.map((r) => labels.header(r));

  function toggle(key: SortKey) {
    setSort((s) => (s && sameKey(s.key, key) ? (s.dir === 'asc' ? { key, dir: 'desc' } : undefined) : { key, dir: 'asc' }));
    setPage(0);
  }
  const ariaSort = (key: SortKey) => (sort && sameKey(sort.key, key) ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined);
  // A wall display (kiosk) has no controls: headers are text.
  const sortButton = (key: SortKey, text: string) => (kiosk ? text : (
    <button type="button" className="sort" onClick={() => toggle(key)} aria-label={t('pivot.sortBy', { column: text })}>
      {text}<span aria-hidden="true">{ariaSort(key) === 'ascending' ? ' ▲' : ariaSort(key) === 'descending' ? ' ▼' : ''}</span>
    </button>
  ));

  const lineLabels = (l: (typeof lines)[number]) => spec.rows.map((r, i) => {
    if (l.kind === 'subtotal') {
      if (i === 0) return t('pivot.subtotal', { group: l.labels.map((x, j) => labels.label(x, spec.rows[j])).join(' / ') });
      return '';
    }
    return labels.label(l.labels[i], r);
  });
  const grandLabels = spec.rows.map((_, i) => (i === 0 ? t('pivot.total') : ''));

  // Drill-down: a row's label is a button (keyboard), any of its cells a
  // click target (mouse), with the row's and the cell's column values.
  const rowKeys = (l: (typeof lines)[number]): Keys => Object.fromEntries(l.labels.map((v, i) => [spec.rows[i], v]));
  const cellKeys = (l: (typeof lines)[number], j: number): Keys => {
    const k = model.colKeys[Math.floor(j / spec.values.length)] ?? [];
    return { ...rowKeys(l), ...Object.fromEntries(k.map((v, i) => [spec.columns[i], v])) };
  };
  const rowButton = (l: (typeof lines)[number], text: string) => {
    const step = drill?.stepLabel(rowKeys(l));
    if (!step) return text;
    return <button type="button" className="link" onClick={() => drill!.drill(rowKeys(l))} aria-label={t('drill.row', { label: step })}>{text}</button>;
  };
  const cellClick = (l: (typeof lines)[number], j: number) => (drill?.levels ? () => drill.drill(cellKeys(l, j)) : undefined);

  function csv() {
    const rows: (string | number | null)[][] = [[...rowHeads, ...valueHeads, ...totalHeads]];
    for (const l of lines) rows.push([...lineLabels(l), ...l.cells, ...l.totals]);
    rows.push([...grandLabels, ...model.grand.cells, ...model.grand.totals]);
    download(`${widget.title || 'pivot'}.csv`, toCSV(rows));
  }

  return (
    <div className="pivot">
      <div className="table-scroll" tabIndex={0} role="region" aria-label={t('pivot.caption', { title: widget.title })}>
        <table className="data-table pivot-table">
          <caption className="visually-hidden">{t('pivot.caption', { title: widget.title })}</caption>
          <thead>
            <tr>
              {rowHeads.map((h, i) => (
                <th key={`r${i}`} scope="col" aria-sort={i === 0 ? ariaSort({ by: 'label' }) : undefined}>
                  {i === 0 ? sortButton({ by: 'label' }, h) : h}
                </th>
              ))}
              {valueHeads.map((h, i) => <th key={`c${i}`} scope="col" aria-sort={ariaSort({ by: 'cell', index: i })}>{sortButton({ by: 'cell', index: i }, h)}</th>)}
              {totalHeads.map((h, i) => <th key={`t${i}`} scope="col" aria-sort={ariaSort({ by: 'total', index: i })}>{sortButton({ by: 'total', index: i }, h)}</th>)}
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={i} className={l.kind}>
                {lineLabels(l).map((x, j) => (j === 0 ? <th key={j} scope="row">{l.kind === 'row' ? rowButton(l, x) : x}</th> : <td key={j}>{x}</td>))}
                {l.cells.map((c, j) => <td key={`c${j}`} className={`num${drill?.levels ? ' drillable' : ''}`} onClick={cellClick(l, j)}>{cell(c)}</td>)}
                {l.totals.map((c, j) => <td key={`t${j}`} className="num total">{cell(c)}</td>)}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="grand">
              {grandLabels.map((x, j) => (j === 0 ? <th key={j} scope="row">{x}</th> : <td key={j} />))}
              {model.grand.cells.map((c, j) => <td key={`c${j}`} className="num">{cell(c)}</td>)}
              {model.grand.totals.map((c, j) => <td key={`t${j}`} className="num total">{cell(c)}</td>)}
            </tr>
          </tfoot>
        </table>
      </div>
      {!kiosk && <div className="pivot-tools">
        {pages > 1 && (
          <span className="pager">
            <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)} aria-label={t('pivot.prev')}>‹</button>
            <span>{t('pivot.page', { page: current + 1, pages })}</span>
            <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)} aria-label={t('pivot.next')}>›</button>
          </span>
        )}
        <button type="button" onClick={csv}>{t('pivot.csv')}</button>
      </div>}
    </div>
  );
}
