package queryref

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

const tenant = "acme"

var now = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

func mustCatalog(tb testing.TB) *domain.Catalog {
	tb.Helper()
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		tb.Fatal(err)
	}
	return cat
}

// recBuilder makes records by hand, typed as Normalize would type them.
type recBuilder struct {
	tb  testing.TB
	cat *domain.Catalog
	n   int
}

func (b *recBuilder) rec(tenantID, source, entity string, version int64, at time.Time, vals map[string]any) *domain.Record {
	b.tb.Helper()
	b.n++
	return b.recID(tenantID, fmt.Sprintf("ev-%d", b.n), source, entity, version, at, vals)
}

func (b *recBuilder) recID(tenantID, id, source, entity string, version int64, at time.Time, vals map[string]any) *domain.Record {
	b.tb.Helper()
	src, ok := b.cat.Source(source)
	if !ok {
		b.tb.Fatalf("no source %s", source)
	}
	types := map[string]string{"tickets": "ticket.updated", "slas": "sla.started", "maintenance": "maintenance.planned", "expenses": "expense.submitted"}
	values := map[string]any{"id": entity}
	for k, v := range vals {
		values[k] = v
	}
	ev := &domain.Event{ID: id, TenantID: tenantID, Source: source, Type: types[source], OccurredAt: at, EntityID: entity, Version: version}
	return &domain.Record{Event: ev, Source: src, Values: values}
}

func mustEval(tb testing.TB, ds *Dataset, scope domain.Scope, q *domain.Query) *Result {
	tb.Helper()
	res, err := Evaluate(ds, tenant, scope, q, now, time.UTC)
	if err != nil {
		tb.Fatalf("evaluate %+v: %v", q, err)
	}
	return res
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// ticketsDataset: four tickets of acme (one with NULL measures and
// customer) and one of another tenant.
func ticketsDataset(t *testing.T) *Dataset {
	t.Helper()
	cat := mustCatalog(t)
	b := &recBuilder{tb: t, cat: cat}
	return NewDataset(cat, []*domain.Record{
		b.rec(tenant, "tickets", "T1", 1, ts("2026-03-01T10:00:00Z"), map[string]any{"status": "open", "priority": "high", "customer_id": "cust-globex", "site_id": "site-gx-sp", "created_at": ts("2026-03-01T10:00:00Z"), "first_response_minutes": int64(10), "category": "Rede"}),
		b.rec(tenant, "tickets", "T2", 1, ts("2026-03-02T10:00:00Z"), map[string]any{"status": "open", "priority": "low", "customer_id": "cust-initech", "site_id": "site-in-bh", "created_at": ts("2026-03-02T10:00:00Z"), "first_response_minutes": int64(20), "category": "Hardware"}),
		b.rec(tenant, "tickets", "T3", 1, ts("2026-03-10T10:00:00Z"), map[string]any{"status": "closed", "priority": "high", "customer_id": "cust-globex", "site_id": "site-gx-rj", "created_at": ts("2026-03-10T10:00:00Z"), "first_response_minutes": int64(40), "category": "Rede Wi-Fi"}),
		b.rec(tenant, "tickets", "T4", 1, ts("2026-02-10T10:00:00Z"), map[string]any{"status": "pending", "created_at": ts("2026-02-10T10:00:00Z")}),
		b.rec("other", "tickets", "T9", 1, ts("2026-03-01T10:00:00Z"), map[string]any{"status": "open", "customer_id": "cust-globex", "created_at": ts("2026-03-01T10:00:00Z"), "first_response_minutes": int64(999)}),
	})
}

func TestNewDatasetSemantics(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	b := &recBuilder{tb: t, cat: cat}
	at := ts("2026-03-01T10:00:00Z")
	ds := NewDataset(cat, []*domain.Record{
		b.recID(tenant, "e1", "tickets", "T1", 1, at, map[string]any{"status": "open", "customer_id": "cust-globex"}),
		b.recID(tenant, "e1", "tickets", "T1", 5, at, map[string]any{"status": "closed"}), // duplicate id: dropped entirely
		b.recID(tenant, "e2", "tickets", "T1", 3, at.Add(time.Hour), map[string]any{"status": "pending"}),
		b.recID(tenant, "e3", "tickets", "T1", 2, at.Add(2*time.Hour), map[string]any{"status": "resolved"}), // older version
		b.recID(tenant, "e4", "tickets", "T1", 3, at.Add(3*time.Hour), map[string]any{"status": "closed"}),   // tie: first wins
		b.recID("other", "e1", "tickets", "T1", 1, at, map[string]any{"status": "open"}),                     // same id, other tenant
		b.recID(tenant, "e5", "slas", "S1", 1, at, map[string]any{"breached": true, "site_id": "site-gx-sp"}),
		nil,
	})
	rows := ds.Rows(tenant, "tickets")
	if len(rows) != 1 || rows[0]["status"] != "pending" || rows[0]["id"] != "T1" {
		t.Fatalf("tickets rows = %v, want T1 pending", rows)
	}
	if _, ok := rows[0]["customer_id"]; ok {
		t.Errorf("latest version has no customer_id, row = %v", rows[0])
	}
	events := ds.Rows(tenant, "events")
	if len(events) != 5 {
		t.Fatalf("events rows = %d, want 5 distinct", len(events))
	}
	want := Row{"source": "tickets", "type": "ticket.updated", "occurred_at": at, "entity_id": "T1", "customer_id": "cust-globex"}
	if !reflect.DeepEqual(events[0], want) {
		t.Errorf("events[0] = %v, want %v", events[0], want)
	}
	if got := events[4]; got["source"] != "slas" || got["site_id"] != "site-gx-sp" || got["breached"] != nil {
		t.Errorf("sla event row = %v", got)
	}
	if len(ds.Rows("other", "events")) != 1 || len(ds.Rows("other", "tickets")) != 1 {
		t.Errorf("other tenant rows missing")
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	ds := ticketsDataset(t)
	q := &domain.Query{Source: "tickets", Metrics: []domain.Metric{
		{Agg: "count", As: "n"},
		{Agg: "count_distinct", Field: "customer_id", As: "customers"},
		{Agg: "sum", Field: "first_response_minutes", As: "s"},
		{Agg: "avg", Field: "first_response_minutes", As: "a"},
		{Agg: "min", Field: "first_response_minutes", As: "lo"},
		{Agg: "max", Field: "first_response_minutes", As: "hi"},
		{Agg: "percentile", Field: "first_response_minutes", P: 0.5, As: "p50"},
		{Agg: "percentile", Field: "first_response_minutes", P: 0.9, As: "p90"},
		{Agg: "min", Field: "created_at", As: "first"},
		{Agg: "max", Field: "resolution_minutes", As: "none"},
		{Agg: "ratio", Num: "s", Den: "n", As: "per_ticket"},
		{Agg: "ratio", Num: "s", Den: "none", As: "null_den"},
	}}
	res := mustEval(t, ds, nil, q)
	// values 10, 20, 40 (T4 NULL): p50 = 20; p90: h = 1.8 -> 20 + 0.8*20 = 36.
	want := []any{int64(4), int64(2), int64(70), 70.0 / 3, int64(10), int64(40), 20.0, 36.0, ts("2026-02-10T10:00:00Z"), nil, 17.5, nil}
	if len(res.Rows) != 1 {
		t.Fatalf("rows = %v", res.Rows)
	}
	assertRow(t, res.Rows[0], want)
	if !reflect.DeepEqual(res.Columns, []string{"n", "customers", "s", "a", "lo", "hi", "p50", "p90", "first", "none", "per_ticket", "null_den"}) {
		t.Errorf("columns = %v", res.Columns)
	}
}

func TestDecimalMetricsAndZeroDenominator(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	b := &recBuilder{tb: t, cat: cat}
	at := ts("2026-03-01T10:00:00Z")
	ds := NewDataset(cat, []*domain.Record{
		b.rec(tenant, "expenses", "X1", 1, at, map[string]any{"amount": int64(1050), "spent_at": at, "status": "paid"}),
		b.rec(tenant, "expenses", "X2", 1, at, map[string]any{"amount": int64(250), "spent_at": at, "status": "paid"}),
		b.rec(tenant, "expenses", "X3", 1, at, map[string]any{"amount": int64(-100), "spent_at": at, "status": "rejected"}),
	})
	q := &domain.Query{Source: "expenses", Groups: []domain.Group{{Field: "status"}}, Metrics: []domain.Metric{
		{Agg: "sum", Field: "amount", As: "total"},
		{Agg: "avg", Field: "amount", As: "mean"},
		{Agg: "max", Field: "amount", As: "top"},
		{Agg: "percentile", Field: "amount", P: 0.25, As: "p25"},
		{Agg: "count_distinct", Field: "currency", As: "currencies"},
		{Agg: "ratio", Num: "total", Den: "currencies", As: "r"},
	}}
	res := mustEval(t, ds, nil, q)
	want := [][]any{
		{"paid", 13.0, 6.5, 10.5, 2.5 + 0.25*8, int64(0), nil},
		{"rejected", -1.0, -1.0, -1.0, -1.0, int64(0), nil},
	}
	if len(res.Rows) != len(want) {
		t.Fatalf("rows = %v", res.Rows)
	}
	for i := range want {
		assertRow(t, res.Rows[i], want[i])
	}
}

func assertRow(t *testing.T, got, want []any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("row = %v, want %v", got, want)
	}
	for i := range want {
		if gf, ok := got[i].(float64); ok {
			if wf, ok := want[i].(float64); ok && math.Abs(gf-wf) < 1e-9 {
				continue
			}
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("column %d = %#v, want %#v (row %v)", i, got[i], want[i], got)
		}
	}
}

func ids(t *testing.T, ds *Dataset, scope domain.Scope, filters []domain.Filter, params domain.Params) []any {
	t.Helper()
	q := &domain.Query{Source: "tickets", Metrics: []domain.Metric{{Agg: "count", As: "n"}},
		Groups: []domain.Group{{Field: "id"}}, Filters: filters, Params: params}
	var out []any
	for _, r := range mustEval(t, ds, scope, q).Rows {
		out = append(out, r[0])
	}
	return out
}

func TestFilters(t *testing.T) {
	t.Parallel()
	ds := ticketsDataset(t)
	f := func(field, op string, v any) domain.Filter { return domain.Filter{Field: field, Op: op, Value: v} }
	tests := []struct {
		name    string
		filters []domain.Filter
		params  domain.Params
		want    []any
	}{
		{"none", nil, nil, []any{"T1", "T2", "T3", "T4"}},
		{"eq", []domain.Filter{f("status", "==", "open")}, nil, []any{"T1", "T2"}},
		{"eq alias", []domain.Filter{f("status", "=", "closed")}, nil, []any{"T3"}},
		{"ne excludes null", []domain.Filter{f("customer_id", "!=", "cust-globex")}, nil, []any{"T2"}},
		{"gt", []domain.Filter{f("first_response_minutes", ">", 20.0)}, nil, []any{"T3"}},
		{"ge", []domain.Filter{f("first_response_minutes", ">=", 20.0)}, nil, []any{"T2", "T3"}},
		{"lt", []domain.Filter{f("first_response_minutes", "<", 20.0)}, nil, []any{"T1"}},
		{"le", []domain.Filter{f("first_response_minutes", "<=", 20.0)}, nil, []any{"T1", "T2"}},
		{"in", []domain.Filter{f("priority", "IN", []any{"high", "urgent"})}, nil, []any{"T1", "T3"}},
		{"not in excludes null", []domain.Filter{f("priority", "NOT_IN", []any{"high"})}, nil, []any{"T2"}},
		{"between inclusive", []domain.Filter{f("first_response_minutes", "BETWEEN", []any{10.0, 20.0})}, nil, []any{"T1", "T2"}},
		{"exists", []domain.Filter{f("customer_id", "EXISTS", nil)}, nil, []any{"T1", "T2", "T3"}},
		{"not exists", []domain.Filter{f("customer_id", "NOT_EXISTS", nil)}, nil, []any{"T4"}},
		{"contains case-sensitive", []domain.Filter{f("category", "CONTAINS", "Rede")}, nil, []any{"T1", "T3"}},
		{"contains no match", []domain.Filter{f("category", "CONTAINS", "rede")}, nil, nil},
		{"time relative", []domain.Filter{f("created_at", ">=", "start_of_month")}, nil, []any{"T1", "T2", "T3"}},
		{"time rfc3339 between", []domain.Filter{f("created_at", "BETWEEN", []any{"2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z"})}, nil, []any{"T1", "T2"}},
		{"param", []domain.Filter{f("status", "IN", "{{st}}")}, domain.Params{"st": []any{"pending", "closed"}}, []any{"T3", "T4"}},
		{"param relative date", []domain.Filter{f("created_at", "<", "{{since}}")}, domain.Params{"since": "now-30d"}, []any{"T4"}},
		{"and of filters", []domain.Filter{f("status", "==", "open"), f("priority", "==", "high")}, nil, []any{"T1"}},
		{"or nested and", []domain.Filter{{Or: []domain.Filter{
			f("status", "==", "pending"),
			{And: []domain.Filter{f("priority", "==", "high"), f("first_response_minutes", ">", 30.0)}},
		}}}, nil, []any{"T3", "T4"}},
		{"empty or match", []domain.Filter{{Or: []domain.Filter{f("status", "==", "resolved")}}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ids(t, ds, nil, tt.filters, tt.params); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScope(t *testing.T) {
	t.Parallel()
	ds := ticketsDataset(t)
	tests := []struct {
		name  string
		scope domain.Scope
		want  []any
	}{
		{"unrestricted", nil, []any{"T1", "T2", "T3", "T4"}},
		{"customer, null never allowed", domain.Scope{domain.DimCustomer: {"cust-globex"}}, []any{"T1", "T3"}},
		{"two dimensions", domain.Scope{domain.DimCustomer: {"cust-globex", "cust-initech"}, domain.DimSite: {"site-gx-rj", "site-in-bh"}}, []any{"T2", "T3"}},
		{"empty list allows nothing", domain.Scope{domain.DimSite: {}}, nil},
		{"no team values", domain.Scope{domain.DimTeam: {"team-noc"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ids(t, ds, tt.scope, nil, nil); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScopeFailsClosed(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	b := &recBuilder{tb: t, cat: cat}
	at := ts("2026-03-01T10:00:00Z")
	ds := NewDataset(cat, []*domain.Record{
		b.rec(tenant, "slas", "S1", 1, at, map[string]any{"started_at": at, "customer_id": "cust-globex"}),
	})
	q := &domain.Query{Source: "slas", Metrics: []domain.Metric{{Agg: "count", As: "n"}}}
	if got := mustEval(t, ds, domain.Scope{domain.DimCustomer: {"cust-globex"}}, q).Rows[0][0]; got != int64(1) {
		t.Errorf("allowed customer: count = %v, want 1", got)
	}
	// slas carry no contract: a contract restriction keeps nothing.
	if got := mustEval(t, ds, domain.Scope{domain.DimContract: {"ctr-gx-24x7"}}, q).Rows[0][0]; got != int64(0) {
		t.Errorf("contract restriction on slas: count = %v, want 0", got)
	}
}

func TestNoGroupsOverNoRows(t *testing.T) {
	t.Parallel()
	ds := NewDataset(mustCatalog(t), nil)
	q := &domain.Query{Source: "tickets", Metrics: []domain.Metric{
		{Agg: "count", As: "n"}, {Agg: "count_distinct", Field: "status", As: "d"},
		{Agg: "sum", Field: "resolution_minutes", As: "s"}, {Agg: "avg", Field: "resolution_minutes", As: "a"},
		{Agg: "percentile", Field: "resolution_minutes", P: 0.5, As: "p"}, {Agg: "ratio", Num: "n", Den: "d", As: "r"},
	}}
	res := mustEval(t, ds, nil, q)
	if len(res.Rows) != 1 {
		t.Fatalf("rows = %v, want one", res.Rows)
	}
	assertRow(t, res.Rows[0], []any{int64(0), int64(0), nil, nil, nil, nil})
	q.Groups = []domain.Group{{Field: "status"}}
	if res := mustEval(t, ds, nil, q); len(res.Rows) != 0 || res.Rows == nil {
		t.Errorf("grouped rows over nothing = %#v, want empty", res.Rows)
	}
}
