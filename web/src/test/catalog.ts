// A source catalogue for tests, shaped as GET /api/catalog answers it
// (schema/catalog/catalog.json): two sources.
import type { Catalog } from '../features/session/session';

export const catalog: Catalog = {
  sources: [
    {
      name: 'tickets', label: { 'pt-BR': 'Chamados', en: 'Tickets' }, fields: [
        { name: 'status', type: 'string', kind: 'dimension', label: { en: 'Status' }, aggs: ['count_distinct'], values: ['open', 'closed'] },
        { name: 'priority', type: 'string', kind: 'dimension', label: { en: 'Priority' }, aggs: ['count_distinct'] },
        { name: 'customer_id', type: 'string', kind: 'dimension', label: { en: 'Customer' }, aggs: ['count_distinct'], scope: 'customer' },
        { name: 'created_at', type: 'time', kind: 'dimension', label: { en: 'Created' }, aggs: ['count_distinct', 'min', 'max'] },
        { name: 'escalated', type: 'bool', kind: 'dimension', label: { en: 'Escalated' }, aggs: [] },
        { name: 'resolution_minutes', type: 'int', kind: 'measure', label: { en: 'Resolution' }, aggs: ['sum', 'avg', 'min', 'max', 'percentile'] },
      ],
    },
    {
      name: 'expenses', label: { en: 'Expenses' }, fields: [
        { name: 'amount', type: 'decimal', kind: 'measure', label: { en: 'Amount' }, aggs: ['sum', 'avg'] },
        { name: 'cost_center_id', type: 'string', kind: 'dimension', label: { en: 'Cost centre' }, aggs: ['count_distinct'] },
      ],
    },
  ],
};

