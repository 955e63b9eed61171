package queryref

import (
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

func TestOrderLimitOffset(t *testing.T) {
	t.Parallel()
	ds := ticketsDataset(t)
	base := func(order []domain.Order, limit, offset int) *domain.Query {
		return &domain.Query{Source: "tickets", Groups: []domain.Group{{Field: "customer_id", As: "cust"}},
			Metrics: []domain.Metric{{Agg: "count", As: "n"}, {Agg: "sum", Field: "first_response_minutes", As: "s"}},
			Order:   order, Limit: limit, Offset: offset}
	}
	tests := []struct {
		name string
		q    *domain.Query
		want []any // cust column
	}{
		{"groups ascending, null first", base(nil, 0, 0), []any{nil, "cust-globex", "cust-initech"}},
		{"asc nulls first", base([]domain.Order{{By: "s"}}, 0, 0), []any{nil, "cust-initech", "cust-globex"}},
		{"desc nulls last", base([]domain.Order{{By: "s", Dir: "desc"}}, 0, 0), []any{"cust-globex", "cust-initech", nil}},
		{"ties by groups", base([]domain.Order{{By: "n", Dir: "asc"}}, 0, 0), []any{nil, "cust-initech", "cust-globex"}},
		{"desc group", base([]domain.Order{{By: "cust", Dir: "desc"}}, 0, 0), []any{"cust-initech", "cust-globex", nil}},
		{"limit", base([]domain.Order{{By: "n", Dir: "desc"}}, 1, 0), []any{"cust-globex"}},
		{"offset limit", base([]domain.Order{{By: "n", Dir: "desc"}}, 1, 1), []any{nil}},
		{"offset past end", base(nil, 0, 5), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []any
			for _, r := range mustEval(t, ds, nil, tt.q).Rows {
				got = append(got, r[0])
			}
			if len(got) != len(tt.want) {
				t.Fatalf("cust = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("cust = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestEvaluateErrors(t *testing.T) {
	t.Parallel()
	ds := ticketsDataset(t)
	count := []domain.Metric{{Agg: "count", As: "n"}}
	tests := []struct {
		name string
		q    *domain.Query
		loc  *time.Location
		want string
	}{
		{"invalid", &domain.Query{Source: "nope", Metrics: count}, time.UTC, "unknown source"},
		{"totals", &domain.Query{Source: "tickets", Metrics: count, Totals: true}, time.UTC, "not part of the reference"},
		{"zone", &domain.Query{Source: "tickets", Metrics: count, TimeZone: "Nowhere/Land"}, nil, "time zone"},
		{"ratio of times", &domain.Query{Source: "tickets", Metrics: []domain.Metric{
			{Agg: "min", Field: "created_at", As: "a"}, {Agg: "ratio", Num: "a", Den: "a", As: "r"}}}, time.UTC, "numeric"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Evaluate(ds, tenant, nil, tt.q, now, tt.loc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestEvaluateDoesNotModifyQuery(t *testing.T) {
	t.Parallel()
	ds := ticketsDataset(t)
	q := &domain.Query{Source: "tickets", Metrics: []domain.Metric{{Agg: "count", As: "n"}},
		Filters: []domain.Filter{{Or: []domain.Filter{{Field: "status", Op: "=", Value: "open"}}}}, TimeZone: "America/Sao_Paulo"}
	res, err := Evaluate(ds, tenant, nil, q, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows[0][0] != int64(2) {
		t.Errorf("count = %v, want 2", res.Rows[0][0])
	}
	if q.Filters[0].Or[0].Op != "=" {
		t.Errorf("query was modified: op %q", q.Filters[0].Or[0].Op)
	}
}

func TestCompareMixedTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b any
		want int
	}{
		{int64(2), 2.5, -1},
		{3.0, int64(2), 1},
		{false, true, -1},
		{true, true, 0},
		{"a", int64(1), 1},
		{time.Unix(1, 0), "a", 1},
		{nil, nil, 0},
		{int64(1), nil, 1},
		{struct{}{}, "a", 1},
	}
	for _, tt := range tests {
		if got := compare(tt.a, tt.b); got != tt.want {
			t.Errorf("compare(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
