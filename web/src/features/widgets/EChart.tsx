// The one ECharts wrapper: it owns the chart's init (with the theme),
// option updates, resizing with its box, dispose, and the accessible
// name plus the data table that stands in for the picture.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, PieChart, TreemapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useI18n } from '../../i18n/I18n';
import { useKiosk } from '../kiosk/kiosk';
import type { ClickParams, DataTable as Table } from './chartOptions';
import { DataTable } from './DataTable';

echarts.use([BarChart, LineChart, PieChart, TreemapChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent,
  VisualMapComponent, AriaComponent, CanvasRenderer]);

export interface EChartProps {
  option: Record<string, unknown>;
  /** The chart's accessible name. */
  label: string;
  table: Table;
  theme: 'light' | 'dark';
  /** Called with the clicked element (drill-down hooks in here). */
  onSelect?(p: ClickParams): void;
  /** Row i of the data table chosen by its button (the keyboard's way to what a click does). */
  onRow?(i: number): void;
  /** The label of row i's button (null: no button for it). */
  rowAction?(i: number): string | null;
  /** A sentence under the chart saying what a click does. */
  hint?: string;
}

export function EChart({ option, label, table, theme, onSelect, onRow, rowAction, hint }: EChartProps) {
  const { t, lang } = useI18n();
  const kiosk = useKiosk();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const latest = useRef(option);
  latest.current = option;
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, theme === 'dark' ? 'dark' : undefined, { renderer: 'canvas', locale: lang === 'en' ? 'EN' : 'PT-br' });
    chart.current = c;
    c.setOption(latest.current, { notMerge: true });
    c.on('click', (p: ClickParams) => { select.current?.(p); });
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => c.resize()) : null;
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [theme, lang]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <figure className="echart">
      <div className="echart-box" role="img" aria-label={label}>
        <div ref={box} className="echart-canvas" data-testid="echart" />
      </div>
      {hint && <p className="drill-hint">{hint}</p>}
      {kiosk ? (
        // A wall display has no controls: the table is there for screen readers only.
        <div className="visually-hidden"><DataTable table={table} caption={label} bare /></div>
      ) : (
        <details className="echart-table">
          <summary>{t('widget.dataTable')}</summary>
          <DataTable table={table} caption={label} onRow={onRow} rowAction={rowAction} />
        </details>
      )}
    </figure>
  );
}
