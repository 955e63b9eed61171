package queryref

import (
	"fmt"
	"math/rand/v2"

	"github.com/conductor/reports/domain"
)

// Generator produces random queries that pass Validate against its
// catalogue, deterministically for a seed, covering every aggregation,
// granularity and operator, nested and/or, params and relative dates.
// It is not safe for concurrent use.
type Generator struct {
	cat *domain.Catalog
	rng *rand.Rand
}

// NewGenerator returns a generator over cat seeded with seed.
func NewGenerator(cat *domain.Catalog, seed uint64) *Generator {
	return &Generator{cat: cat, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Value pools: realistic values of the demo organisation, plus a few that
// match nothing.
var (
	poolCustomers = []any{"cust-globex", "cust-initech", "cust-umbrella", "cust-nobody"}
	poolSites     = []any{"site-gx-sp", "site-gx-rj", "site-in-bh", "site-in-poa", "site-um-cwb", "site-um-rec"}
	poolTeams     = []any{"team-noc", "team-field", "team-fin"}
	poolContracts = []any{"ctr-gx-24x7", "ctr-in-std", "ctr-um-crit"}
	poolCCs       = []any{"cc-ops", "cc-field", "cc-fin"}
	poolStrings   = []any{"Rede", "Hardware", "Acesso", "Wi-Fi", "BRL", "tickets", "ticket.created", "sla.met", "p1", "AST-0001"}
	poolInts      = []any{0.0, 1.0, 15.0, 30.0, 60.0, 120.0, 240.0, 480.0, 1440.0}
	poolDecimals  = []any{0.0, 10.5, 50.0, 99.99, 150.0, 500.0, 1200.25}
	poolTimes     = []any{"now", "now-1d", "now-7d", "now-30d", "now-90d", "today", "start_of_week", "start_of_month",
		"start_of_quarter", "start_of_year", "start_of_month-1M", "2026-01-15T12:00:00Z", "2025-12-31T23:59:59-03:00"}
	poolContains = []any{"e", "cust", "gx", "Re", "ed", "x"}
	poolZones    = []string{"", "UTC", "America/Sao_Paulo", "Europe/Berlin"}
	poolP        = []float64{0.25, 0.5, 0.9, 0.95, 0.99}
)

// Query returns a random valid query of source (any source when "").
func (g *Generator) Query(source string) *domain.Query {
	src, ok := g.cat.Source(source)
	if !ok {
		src = &g.cat.Sources[g.rng.IntN(len(g.cat.Sources))]
	}
	q := &domain.Query{Source: src.Name, TimeZone: pick(g.rng, poolZones)}
	g.metrics(q, src)
	g.groups(q, src)
	for range g.rng.IntN(4) {
		q.Filters = append(q.Filters, g.filter(q, src, 0))
	}
	var aliases []string
	for _, gr := range q.Groups {
		aliases = append(aliases, gr.Alias())
	}
	for _, m := range q.Metrics {
		aliases = append(aliases, m.As)
	}
	for range g.rng.IntN(3) {
		q.Order = append(q.Order, domain.Order{By: pick(g.rng, aliases), Dir: pick(g.rng, []string{"", "asc", "desc"})})
	}
	if g.rng.IntN(3) == 0 {
		q.Limit = 1 + g.rng.IntN(20)
	}
	if g.rng.IntN(6) == 0 {
		q.Offset = g.rng.IntN(5)
	}
	return q
}

// metrics adds 1-3 metrics, a ratio of earlier numeric ones sometimes.
func (g *Generator) metrics(q *domain.Query, src *domain.Source) {
	type cand struct{ agg, field string }
	cands := []cand{{agg: "count"}}
	for _, f := range src.Fields {
		for _, a := range f.Aggs {
			cands = append(cands, cand{a, f.Name})
		}
	}
	var numeric []string
	for i := range 1 + g.rng.IntN(3) {
		as := fmt.Sprintf("m%d", i)
		if len(numeric) > 0 && g.rng.IntN(4) == 0 {
			q.Metrics = append(q.Metrics, domain.Metric{Agg: "ratio", As: as, Num: pick(g.rng, numeric), Den: pick(g.rng, numeric)})
			numeric = append(numeric, as)
			continue
		}
		c := pick(g.rng, cands)
		m := domain.Metric{Agg: c.agg, Field: c.field, As: as}
		if c.agg == "percentile" {
			m.P = pick(g.rng, poolP)
		}
		q.Metrics = append(q.Metrics, m)
		if f, ok := src.Field(c.field); c.agg == "count" || c.agg == "count_distinct" || (ok && f.Kind == domain.KindMeasure) {
			numeric = append(numeric, as)
		}
	}
}

// groups adds 0-2 distinct dimension groups, time ones with a granularity.
func (g *Generator) groups(q *domain.Query, src *domain.Source) {
	var dims []*domain.Field
	for i := range src.Fields {
		if src.Fields[i].Kind == domain.KindDimension {
			dims = append(dims, &src.Fields[i])
		}
	}
	n := g.rng.IntN(3)
	for i, k := range g.rng.Perm(len(dims)) {
		if i >= n {
			break
		}
		gr := domain.Group{Field: dims[k].Name}
		if dims[k].Type == domain.TypeTime {
			gr.Granularity = pick(g.rng, domain.Granularities)
		}
		if g.rng.IntN(4) == 0 {
			gr.As = fmt.Sprintf("g%d", i)
		}
		q.Groups = append(q.Groups, gr)
	}
}

// filter returns a random condition, or (above depth 2, sometimes) a
// nested and/or of 1-3 filters.
func (g *Generator) filter(q *domain.Query, src *domain.Source, depth int) domain.Filter {
	if depth < 2 && g.rng.IntN(5) == 0 {
		var list []domain.Filter
		for range 1 + g.rng.IntN(3) {
			list = append(list, g.filter(q, src, depth+1))
		}
		if g.rng.IntN(2) == 0 {
			return domain.Filter{And: list}
		}
		return domain.Filter{Or: list}
	}
	f := &src.Fields[g.rng.IntN(len(src.Fields))]
	ops := []string{"==", "!=", ">", ">=", "<", "<=", "IN", "NOT_IN", "BETWEEN", "EXISTS", "NOT_EXISTS"}
	if f.Type == domain.TypeString {
		ops = append(ops, "CONTAINS", "=")
	}
	if f.Type == domain.TypeBool {
		ops = []string{"==", "!=", "IN", "NOT_IN", "EXISTS", "NOT_EXISTS", "="}
	}
	op := pick(g.rng, ops)
	flt := domain.Filter{Field: f.Name, Op: op}
	switch op {
	case "EXISTS", "NOT_EXISTS":
		return flt
	case "IN", "NOT_IN":
		var vs []any
		for range 1 + g.rng.IntN(3) {
			vs = append(vs, g.value(f, op))
		}
		flt.Value = g.maybeParam(q, vs)
	case "BETWEEN":
		lo, hi := g.value(f, op), g.value(f, op)
		if f.Type != domain.TypeTime && compare(lo, hi) > 0 {
			lo, hi = hi, lo
		}
		flt.Value = []any{lo, hi}
	default:
		flt.Value = g.maybeParam(q, g.value(f, op))
	}
	return flt
}

// maybeParam moves v into a parameter one time in four.
func (g *Generator) maybeParam(q *domain.Query, v any) any {
	if g.rng.IntN(4) != 0 {
		return v
	}
	if q.Params == nil {
		q.Params = domain.Params{}
	}
	name := fmt.Sprintf("p%d", len(q.Params))
	q.Params[name] = v
	return "{{" + name + "}}"
}

// value draws a value fit for field f.
func (g *Generator) value(f *domain.Field, op string) any {
	switch f.Type {
	case domain.TypeBool:
		return g.rng.IntN(2) == 0
	case domain.TypeInt:
		return pick(g.rng, poolInts)
	case domain.TypeDecimal:
		return pick(g.rng, poolDecimals)
	case domain.TypeTime:
		return pick(g.rng, poolTimes)
	}
	if op == "CONTAINS" {
		return pick(g.rng, poolContains)
	}
	if len(f.Values) > 0 && g.rng.IntN(8) != 0 {
		return f.Values[g.rng.IntN(len(f.Values))]
	}
	switch f.Scope {
	case domain.DimCustomer:
		return pick(g.rng, poolCustomers)
	case domain.DimSite:
		return pick(g.rng, poolSites)
	case domain.DimTeam:
		return pick(g.rng, poolTeams)
	case domain.DimContract:
		return pick(g.rng, poolContracts)
	case domain.DimCostCenter:
		return pick(g.rng, poolCCs)
	}
	return pick(g.rng, poolStrings)
}

func pick[T any](rng *rand.Rand, xs []T) T {
	return xs[rng.IntN(len(xs))]
}
