// The query builder's controls: source, metrics, groups, filters, order
// and limit, from the catalogue. Every control has a visible label; a
// problem shows under its control (aria-invalid + aria-describedby).
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/I18n';
import type { MessageKey } from '../../i18n/messages';
import {
  aggsFor, COMPARISONS, controlId, fieldOf, GRANULARITIES, groupAlias, groupFields, listValues, metricAliases, metricFields, operatorsFor,
  sourceOf, valueShape, type Field, type Operator,
} from './builder';
import type { WidgetEditorState } from './useWidgetEditor';
import { useSession } from '../session/session';
import { useEntityNames } from '../widgets/labels';

const OP_KEYS: Record<Operator, MessageKey> = {
  '==': 'op.eq', '!=': 'op.ne', '>': 'op.gt', '>=': 'op.ge', '<': 'op.lt', '<=': 'op.le', IN: 'op.in', NOT_IN: 'op.not_in',
  BETWEEN: 'op.between', EXISTS: 'op.exists', NOT_EXISTS: 'op.not_exists', CONTAINS: 'op.contains',
};

/** The messages of a control: the builder's own (localised) and the server's. */
export function useProblems(ed: WidgetEditorState) {
  const { t } = useI18n();
  return (path: string): string[] => [
    ...ed.local.filter((p) => p.path === path).map((p) => t(p.key)),
    ...(ed.problems.get(path) ?? []),
  ];
}

/** Attributes tying a control to its problem text. */
export function invalidProps(path: string, messages: string[], hint?: string) {
  const ids = [messages.length ? controlId(path) + '-error' : '', hint ?? ''].filter(Boolean).join(' ');
  return { id: controlId(path), 'aria-invalid': messages.length ? true : undefined, 'aria-describedby': ids || undefined };
}

export function FieldError({ path, messages }: { path: string; messages: string[] }) {
  if (!messages.length) return null;
  return <p id={controlId(path) + '-error'} className="error field-error">{messages.join(' ')}</p>;
}

/** A labelled control with its problem text under it. */
export function Control({ path, label, messages, children, hint }: {
  path: string; label: string; messages: string[]; children: ReactNode; hint?: { id: string; text: string };
}) {
  return (
    <div className={`control ${messages.length ? 'invalid' : ''}`}>
      <label htmlFor={controlId(path)}>{label}</label>
      {children}
      {hint && <p id={hint.id} className="hint muted">{hint.text}</p>}
      <FieldError path={path} messages={messages} />
    </div>
  );
}

export function QueryBuilder({ ed }: { ed: WidgetEditorState }) {
  const { t, lang } = useI18n();
  const { catalog } = useSession();
  const problems = useProblems(ed);
  const b = ed.builder;
  const src = sourceOf(catalog, b.source);
  const label = (f: Field | undefined, name: string) => f?.label[lang] ?? f?.label.en ?? name;
  // What order can sort by: the metrics' and groups' columns, named as people read them.
  const metricNames = metricAliases(b.metrics);
  const aliases: [string, string][] = [
    ...b.metrics.map((m, i): [string, string] => [metricNames[i], m.field ? `${t(`agg.${m.agg}` as MessageKey)}: ${label(fieldOf(src, m.field), m.field)}` : t('agg.count')]),
    ...b.groups.filter((g) => g.field).map((g): [string, string] => {
      const time = fieldOf(src, g.field)?.type === 'time';
      const gran = time ? (g.granularity || 'day') : '';
      return [groupAlias({ field: g.field, granularity: gran }), label(fieldOf(src, g.field), g.field) + (gran ? ` (${t(`granularity.${gran}` as MessageKey)})` : '')];
    }),
  ];
  const p = (path: string) => { const m = problems(path); return { m, props: invalidProps(path, m) }; };

  const source = p('source');
  const metricsAll = p('metrics');
  return (
    <fieldset className="qb">
      <legend>{t('editor.query')}</legend>
      <Control path="source" label={t('editor.source')} messages={source.m}>
        <select {...source.props} value={b.source} onChange={(e) => ed.setSource(e.target.value)}>
          {!b.source && <option value="">{t('editor.choose')}</option>}
          {(catalog?.sources ?? []).map((s) => <option key={s.name} value={s.name}>{s.label[lang] ?? s.label.en ?? s.name}</option>)}
        </select>
      </Control>

      <fieldset className="qb-rows" aria-describedby={metricsAll.m.length ? controlId('metrics') + '-error' : undefined}>
        <legend>{t('editor.metrics')}</legend>
        <FieldError path="metrics" messages={metricsAll.m} />
        {b.metrics.map((m, i) => {
          const field = p(`metrics[${i}].field`);
          const agg = p(`metrics[${i}].agg`);
          const pp = p(`metrics[${i}].p`);
          const n = i + 1;
          return (
            <div className="qb-row" key={i} role="group" aria-label={t('editor.metric', { n })}>
              <Control path={`metrics[${i}].field`} label={t('editor.field')} messages={field.m}>
                <select {...field.props} value={m.field} onChange={(e) => {
                  const aggs = aggsFor(src, e.target.value);
                  ed.setRow('metrics', i, { field: e.target.value, agg: aggs.includes(m.agg) ? m.agg : aggs[0] ?? 'count' });
                }}>
                  <option value="">{t('editor.rows')}</option>
                  {metricFields(src).map((f) => <option key={f.name} value={f.name}>{label(f, f.name)}</option>)}
                </select>
              </Control>
              <Control path={`metrics[${i}].agg`} label={t('editor.agg')} messages={agg.m}>
                <select {...agg.props} value={m.agg} onChange={(e) => ed.setRow('metrics', i, { agg: e.target.value })}>
                  {aggsFor(src, m.field).map((a) => <option key={a} value={a}>{t(`agg.${a}` as MessageKey)}</option>)}
                </select>
              </Control>
              {m.agg === 'percentile' && (
                <Control path={`metrics[${i}].p`} label={t('editor.percentile')} messages={pp.m}>
                  <input {...pp.props} inputMode="decimal" value={m.p} onChange={(e) => ed.setRow('metrics', i, { p: e.target.value })} />
                </Control>
              )}
              {b.metrics.length > 1 && (
                <button type="button" className="qb-remove" onClick={() => ed.removeRow('metrics', i)}>{t('editor.removeMetric', { n })}</button>
              )}
            </div>
          );
        })}
        <button type="button" onClick={() => ed.addRow('metrics')}>{t('editor.addMetric')}</button>
      </fieldset>

      <fieldset className="qb-rows">
        <legend>{t('editor.groups')}</legend>
        {b.groups.map((g, i) => {
          const field = p(`groups[${i}].field`);
          const gran = p(`groups[${i}].granularity`);
          const f = fieldOf(src, g.field);
          const n = i + 1;
          return (
            <div className="qb-row" key={i} role="group" aria-label={t('editor.group', { n })}>
              <Control path={`groups[${i}].field`} label={t('editor.field')} messages={field.m}>
                <select {...field.props} value={g.field} onChange={(e) => {
                  const time = fieldOf(src, e.target.value)?.type === 'time';
                  ed.setRow('groups', i, { field: e.target.value, granularity: time ? (g.granularity || 'day') : '' });
                }}>
                  <option value="">{t('editor.choose')}</option>
                  {groupFields(src).map((x) => <option key={x.name} value={x.name}>{label(x, x.name)}</option>)}
                </select>
              </Control>
              {f?.type === 'time' && (
                <Control path={`groups[${i}].granularity`} label={t('editor.granularity')} messages={gran.m}>
                  <select {...gran.props} value={g.granularity || 'day'} onChange={(e) => ed.setRow('groups', i, { granularity: e.target.value })}>
                    {GRANULARITIES.map((x) => <option key={x} value={x}>{t(`granularity.${x}`)}</option>)}
                  </select>
                </Control>
              )}
              <button type="button" className="qb-remove" onClick={() => ed.removeRow('groups', i)}>{t('editor.removeGroup', { n })}</button>
            </div>
          );
        })}
        <button type="button" onClick={() => ed.addRow('groups')}>{t('editor.addGroup')}</button>
      </fieldset>

      <fieldset className="qb-rows">
        <legend>{t('editor.filters')}</legend>
        {b.filters.map((r, i) => {
          const field = p(`filters[${i}].field`);
          const op = p(`filters[${i}].op`);
          const f = fieldOf(src, r.field);
          const ops = operatorsFor(f);
          const n = i + 1;
          return (
            <div className="qb-row" key={i} role="group" aria-label={t('editor.filter', { n })}>
              <Control path={`filters[${i}].field`} label={t('editor.field')} messages={field.m}>
                <select {...field.props} value={r.field} onChange={(e) => {
                  const nf = fieldOf(src, e.target.value);
                  const nops = operatorsFor(nf);
                  ed.setRow('filters', i, { field: e.target.value, op: nops.includes(r.op) ? r.op : nops[0], value: '', value2: '' });
                }}>
                  <option value="">{t('editor.choose')}</option>
                  {(src?.fields ?? []).filter((x) => x.kind === 'dimension' || (x.aggs ?? []).length).map((x) => (
                    <option key={x.name} value={x.name}>{label(x, x.name)}</option>
                  ))}
                </select>
              </Control>
              <Control path={`filters[${i}].op`} label={t('editor.operator')} messages={op.m}>
                <select {...op.props} value={r.op} onChange={(e) => ed.setRow('filters', i, { op: e.target.value as Operator })}>
                  {ops.map((o) => <option key={o} value={o}>{t(OP_KEYS[o])}</option>)}
                </select>
              </Control>
              <FilterValue ed={ed} i={i} field={f} problems={problems} />
              <button type="button" className="qb-remove" onClick={() => ed.removeRow('filters', i)}>{t('editor.removeFilter', { n })}</button>
            </div>
          );
        })}
        <button type="button" onClick={() => ed.addRow('filters')}>{t('editor.addFilter')}</button>
      </fieldset>

      <fieldset className="qb-rows">
        <legend>{t('editor.order')}</legend>
        {b.order.map((o, i) => {
          const by = p(`order[${i}].by`);
          const dir = p(`order[${i}].dir`);
          const n = i + 1;
          return (
            <div className="qb-row" key={i} role="group" aria-label={t('editor.orderRow', { n })}>
              <Control path={`order[${i}].by`} label={t('editor.orderBy')} messages={by.m}>
                <select {...by.props} value={o.by} onChange={(e) => ed.setRow('order', i, { by: e.target.value })}>
                  <option value="">{t('editor.choose')}</option>
                  {aliases.map(([a, text]) => <option key={a} value={a}>{text}</option>)}
                </select>
              </Control>
              <Control path={`order[${i}].dir`} label={t('editor.dir')} messages={dir.m}>
                <select {...dir.props} value={o.dir} onChange={(e) => ed.setRow('order', i, { dir: e.target.value as 'asc' | 'desc' })}>
                  <option value="asc">{t('editor.dir.asc')}</option>
                  <option value="desc">{t('editor.dir.desc')}</option>
                </select>
              </Control>
              <button type="button" className="qb-remove" onClick={() => ed.removeRow('order', i)}>{t('editor.removeOrder', { n })}</button>
            </div>
          );
        })}
        <button type="button" onClick={() => ed.addRow('order')}>{t('editor.addOrder')}</button>
        <div className="qb-row">
          <Limit ed={ed} problems={problems} />
          <Compare ed={ed} problems={problems} />
          <label className="check">
            <input type="checkbox" checked={b.totals} onChange={(e) => ed.update({ totals: e.target.checked })} />
            {t('editor.totals')}
          </label>
        </div>
      </fieldset>
    </fieldset>
  );
}

function Limit({ ed, problems }: { ed: WidgetEditorState; problems: (p: string) => string[] }) {
  const { t } = useI18n();
  const m = problems('limit');
  return (
    <Control path="limit" label={t('editor.limit')} messages={m}>
      <input {...invalidProps('limit', m)} inputMode="numeric" size={6} value={ed.builder.limit} onChange={(e) => ed.update({ limit: e.target.value })} />
    </Control>
  );
}

function Compare({ ed, problems }: { ed: WidgetEditorState; problems: (p: string) => string[] }) {
  const { t } = useI18n();
  const m = problems('compare');
  return (
    <Control path="compare" label={t('editor.compare')} messages={m}>
      <select {...invalidProps('compare', m)} value={ed.builder.compare} onChange={(e) => ed.update({ compare: e.target.value })}>
        <option value="">{t('editor.compare.none')}</option>
        {COMPARISONS.map((c) => <option key={c} value={c}>{t(`editor.compare.${c}`)}</option>)}
      </select>
    </Control>
  );
}

/** The value input(s) of a filter, fitting its field's type and operator. */
function FilterValue({ ed, i, field, problems }: { ed: WidgetEditorState; i: number; field: Field | undefined; problems: (p: string) => string[] }) {
  const { t } = useI18n();
  const names = useEntityNames();
  const r = ed.builder.filters[i];
  const shape = valueShape(r.op);
  if (shape === 'none') return null;
  const path = `filters[${i}].value`;
  const m = problems(path);
  const set = (value: string) => ed.setRow('filters', i, { value });
  const hintId = controlId(path) + '-hint';
  // Scope dimensions (customer_id, site_id...) pick among the entities the person may see, by name.
  const entities = field?.scope ? names[field.scope] : undefined;
  if (entities?.size && shape === 'list') {
    const chosen = listValues(r.value);
    return (
      <Control path={path} label={t('editor.value')} messages={m}>
        <select {...invalidProps(path, m)} multiple size={Math.min(6, entities.size)} value={chosen}
          onChange={(e) => set([...e.target.selectedOptions].map((o) => o.value).join(', '))}>
          {[...entities].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => <option key={id} value={id}>{name}</option>)}
        </select>
      </Control>
    );
  }
  if (entities?.size && shape === 'one') {
    return (
      <Control path={path} label={t('editor.value')} messages={m}>
        <select {...invalidProps(path, m)} value={r.value} onChange={(e) => set(e.target.value)}>
          <option value="">{t('editor.choose')}</option>
          {[...entities].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => <option key={id} value={id}>{name}</option>)}
        </select>
      </Control>
    );
  }
  if (shape === 'list') {
    const hint = field?.values?.length ? t('editor.listHintValues', { values: field.values.join(', ') }) : t('editor.listHint');
    return (
      <Control path={path} label={t('editor.value')} messages={m} hint={{ id: hintId, text: hint }}>
        <input {...invalidProps(path, m, hintId)} value={r.value} onChange={(e) => set(e.target.value)} />
      </Control>
    );
  }
  const one = (p: string, value: string, onChange: (v: string) => void, label: string) => {
    const pm = problems(p);
    const hid = controlId(p) + '-hint';
    if (field?.type === 'bool') {
      return (
        <Control path={p} label={label} messages={pm}>
          <select {...invalidProps(p, pm)} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">{t('editor.choose')}</option>
            <option value="true">{t('editor.yes')}</option>
            <option value="false">{t('editor.no')}</option>
          </select>
        </Control>
      );
    }
    if (field?.values?.length && shape === 'one') {
      return (
        <Control path={p} label={label} messages={pm}>
          <select {...invalidProps(p, pm)} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">{t('editor.choose')}</option>
            {field.values.map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        </Control>
      );
    }
    const time = field?.type === 'time';
    const numeric = field?.type === 'int' || field?.type === 'decimal';
    return (
      <Control path={p} label={label} messages={pm} hint={time ? { id: hid, text: t('editor.timeHint') } : undefined}>
        <input {...invalidProps(p, pm, time ? hid : undefined)} inputMode={numeric ? 'decimal' : undefined} value={value} onChange={(e) => onChange(e.target.value)} />
      </Control>
    );
  };
  if (shape === 'two') {
    return (
      <>
        {one(path, r.value, set, t('editor.valueFrom'))}
        {one(`filters[${i}].value2`, r.value2, (v) => ed.setRow('filters', i, { value2: v }), t('editor.valueTo'))}
      </>
    );
  }
  return one(path, r.value, set, t('editor.value'));
}
