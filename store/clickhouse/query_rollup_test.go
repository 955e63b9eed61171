package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/app/demogen"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/internal/queryref"
	"github.com/conductor/reports/store/analyticstest"
)

// The rollup route must answer exactly what the raw route answers, on
// SummingMergeTree rollups whose parts may not be merged yet.

// runRoutes runs q on ClickHouse by the planner's route and raw only, and
// on SQLite (raw), each on its own copy of q.
func (p *queryPair) runRoutes(t *testing.T, req app.QueryRequest) (routed, raw, lite *app.QueryResult) {
	t.Helper()
	ctx := context.Background()
	if req.Now.IsZero() {
		req.Now = analyticstest.Now
	}
	if req.Location == nil {
		req.Location = time.UTC
	}
	req.Query = cloneQuery(t, req.Query)
	routed, lite = p.run(t, req)
	rreq := req
	rreq.Query = cloneQuery(t, req.Query)
	rreq.RawOnly = true
	raw, err := p.ch.Query(ctx, rreq)
	if err != nil {
		t.Fatalf("clickhouse raw: %v", err)
	}
	if raw.Route != "raw" {
		t.Fatalf("RawOnly routed to %s", raw.Route)
	}
	return routed, raw, lite
}

// sameRoutes checks the routed result against the raw and SQLite ones.
func sameRoutes(routed, raw, lite *app.QueryResult) error {
	if err := sameResult(routed, raw); err != nil {
		return fmt.Errorf("%s differs from raw: %w", routed.Route, err)
	}
	if err := sameResult(routed, lite); err != nil {
		return fmt.Errorf("%s differs from SQLite: %w", routed.Route, err)
	}
	return nil
}

// TestRollupRouteMatchesRawAndSQLite: 600 rollup-shaped random queries
// under several scopes return the same result by the planner's route, by
// the raw tables and on SQLite; at least half go to a rollup, and every
// rollup of the catalogue answers some.
func TestRollupRouteMatchesRawAndSQLite(t *testing.T) {
	p := mustOpenPair(t)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ds, err := demogen.Generate(demogen.Config{Seed: 23, Now: now, Events: 3000})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*domain.Record
	for i := range ds.Events {
		ev := ds.Events[i]
		ev.TenantID = "t1"
		rec, err := p.cat.Normalize(&ev, now, domain.TimeBounds{})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	// Small batches: entity versions spread over many parts.
	for i := 0; i < len(recs); i += 250 {
		p.apply(t, recs[i:min(i+250, len(recs))])
	}
	gen := queryref.NewGenerator(p.cat, 606)
	scopes := []domain.Scope{nil, {domain.DimCustomer: {"cust-initech"}}, {domain.DimSite: {"site-gx-sp", "site-um-cwb"}},
		{domain.DimTeam: {"team-noc"}, domain.DimCustomer: {"cust-initech", "cust-umbrella"}}, {domain.DimContract: {}}}
	routed, nonEmpty := 0, 0
	routes := map[string]int{}
	for i := 0; i < 600; i++ {
		source := "" // any; every other query on tickets, which has narrow rollups too
		if i%2 == 0 {
			source = "tickets"
		}
		q := queryref.RollupShaped(p.cat, gen.Query(source), i/2)
		scope := scopes[i%len(scopes)]
		got, raw, lite := p.runRoutes(t, app.QueryRequest{Query: q, TenantID: "t1", Scope: scope, Now: now, Location: time.UTC})
		if err := sameRoutes(got, raw, lite); err != nil {
			js, _ := json.Marshal(q)
			t.Fatalf("query %d (scope %v): %v\n%s\n%s", i, scope, err, js, got.SQL)
		}
		if got.Route != "raw" {
			routed++
			routes[got.Route]++
		}
		if len(raw.Rows) > 1 {
			nonEmpty++
		}
	}
	t.Logf("600 queries: %d routed to rollups, %d with several rows; routes %v", routed, nonEmpty, routes)
	if routed < 300 || nonEmpty < 100 {
		t.Fatalf("the generator exercised too little: %d routed, %d with several rows", routed, nonEmpty)
	}
	for _, s := range p.cat.Sources {
		for _, r := range s.Rollups {
			if routes["rollup:"+r.Name] < 10 {
				t.Errorf("rollup %s answered %d queries, want >= 10", r.Name, routes["rollup:"+r.Name])
			}
		}
	}
}

// ticketRollups are the tables of every tickets rollup in the catalogue.
func ticketRollups(p *queryPair) []string {
	src, _ := p.cat.Source("tickets")
	var out []string
	for _, r := range src.Rollups {
		out = append(out, "an_rollup_"+r.Name)
	}
	return out
}

// stopMerges keeps every part of the tickets tables apart for the test.
func stopMerges(t *testing.T, p *queryPair) {
	t.Helper()
	for _, table := range append(ticketRollups(p), "an_tickets") {
		if err := p.ch.conn.Exec(context.Background(), "SYSTEM STOP MERGES "+table); err != nil {
			t.Fatal(err)
		}
	}
}

// rollupRows counts the stored (unmerged) rows of a tickets rollup table.
func rollupRows(t *testing.T, p *queryPair, table, where string) uint64 {
	t.Helper()
	var n uint64
	if err := p.ch.conn.QueryRow(context.Background(), "SELECT count() FROM "+table+" WHERE "+where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// principals are the scopes the rollup tests run under, with the rollup
// the status/category queries must go to: narrow unscoped, narrow with the
// customer, wide for a site (every test ticket is c1's, at s1, team noc,
// so all of them see the same rows).
var principals = []struct {
	scope domain.Scope
	route string
}{
	{nil, "rollup:tickets_daily_status"},
	{domain.Scope{domain.DimCustomer: {"c1"}}, "rollup:tickets_daily_customer"},
	{domain.Scope{domain.DimSite: {"s1"}}, "rollup:tickets_daily"},
}

// checkRolled runs each query under scope and requires route and the raw
// route's answer (and SQLite's).
func checkRolled(t *testing.T, p *queryPair, scope domain.Scope, route string, queries []domain.Query) {
	t.Helper()
	for i := range queries {
		got, raw, lite := p.runRoutes(t, app.QueryRequest{Query: &queries[i], TenantID: "t1", Scope: scope})
		js, _ := json.Marshal(queries[i])
		if got.Route != route {
			t.Fatalf("query %d (scope %v) routed to %s, want %s\n%s", i, scope, got.Route, route, js)
		}
		if err := sameRoutes(got, raw, lite); err != nil {
			t.Fatalf("query %d (scope %v): %v\n%s\n%s", i, scope, err, js, got.SQL)
		}
	}
}

// byLocation are queries the monthly customer x site rollup answers.
var byLocation = []domain.Query{
	{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s"), agg("avg", "first_response_minutes", "a")},
		Groups: []domain.Group{grp("customer_id"), grp("site_id")}, Totals: true},
	{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("site_id"), tgrp("created_at", "month")}},
	{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("avg", "resolution_minutes", "a")}, Filters: []domain.Filter{cond("site_id", "EXISTS", nil)}},
}

// An entity changing version across batches leaves +1 and -1 rows of one
// key in separate rollup parts: every rollup route must still sum them.
func TestRollupRouteUnmergedVersions(t *testing.T) {
	p := mustOpenPair(t)
	stopMerges(t, p)
	day1 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	p.apply(t, []*domain.Record{ticketAt(t, p.cat, "T-1", 1, "open", "Rede", day1), ticketAt(t, p.cat, "T-2", 1, "open", "Rede", day1)},
		[]*domain.Record{ticketAt(t, p.cat, "T-1", 2, "pending", "Rede", day1)},
		[]*domain.Record{ticketAt(t, p.cat, "T-1", 3, "open", "Hardware", day2), ticketAt(t, p.cat, "T-3", 1, "closed", "Rede", day2)},
		[]*domain.Record{ticketAt(t, p.cat, "T-2", 2, "open", "Rede", day1)})
	for _, table := range ticketRollups(p) {
		if n := rollupRows(t, p, table, "tenant_id = 't1'"); n < 4 {
			t.Fatalf("%s: %d rows, want unmerged parts (>= 4)", table, n)
		}
	}
	queries := []domain.Query{
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s"), agg("avg", "first_response_minutes", "a")},
			Groups: []domain.Group{grp("status"), grp("category")}, Totals: true},
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s"), {Agg: "ratio", Num: "s", Den: "n", As: "r"}},
			Groups: []domain.Group{tgrp("created_at", "day")}, Filters: []domain.Filter{cond("status", "!=", "pending")}, Totals: true},
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("avg", "resolution_minutes", "a")},
			Filters: []domain.Filter{cond("category", "IN", []any{"Rede", "Hardware"})}},
		{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("status"), tgrp("created_at", "month")},
			Filters: []domain.Filter{cond("priority", "NOT_EXISTS", nil)}, Order: []domain.Order{{By: "n", Dir: "desc"}}, Limit: 2},
	}
	for _, pr := range principals {
		checkRolled(t, p, pr.scope, pr.route, queries)
		checkRolled(t, p, pr.scope, "rollup:tickets_monthly_site", byLocation)
		got, _, _ := p.runRoutes(t, app.QueryRequest{Query: &queries[0], TenantID: "t1", Scope: pr.scope})
		want := "[[closed Rede 1 10 10] [open Hardware 1 30 30] [open Rede 1 20 20]]"
		// Totals are the same query without groups (the use case runs it).
		total := queries[0]
		total.Groups, total.Order, total.Totals = nil, nil, false
		tot, _, _ := p.runRoutes(t, app.QueryRequest{Query: &total, TenantID: "t1", Scope: pr.scope})
		if fmt.Sprint(got.Rows) != want || fmt.Sprint(tot.Rows) != "[[3 60 20]]" {
			t.Fatalf("scope %v: rows %v totals %v, want %s and [[3 60 20]]", pr.scope, got.Rows, tot.Rows, want)
		}
	}
	// Bucket-aligned bounds on the time field: the planner may route them
	// to a rollup (the answer must not change either way).
	bounded := domain.Query{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("status")},
		Filters: []domain.Filter{cond("created_at", ">=", "2026-11-03T00:00:00Z"), cond("created_at", "<", "2026-11-04T00:00:00Z")}}
	rb, raw, lite := p.runRoutes(t, app.QueryRequest{Query: &bounded, TenantID: "t1"})
	if err := sameRoutes(rb, raw, lite); err != nil || fmt.Sprint(rb.Rows) != "[[closed 1] [open 1]]" {
		t.Fatalf("time bounds by %s: %v, rows %v", rb.Route, err, rb.Rows)
	}
	t.Logf("time bounds routed to %s", rb.Route)
}

// Every row of a group retracted: its rollup rows sum to zero and the
// group must not appear, merged or not, on any rollup; a query without
// groups still returns its single row.
func TestRollupRouteDropsRetractedGroups(t *testing.T) {
	p := mustOpenPair(t)
	stopMerges(t, p)
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	p.apply(t, []*domain.Record{ticketAt(t, p.cat, "T-1", 1, "open", "Rede", day), ticketAt(t, p.cat, "T-2", 1, "open", "Rede", day)},
		[]*domain.Record{ticketAt(t, p.cat, "T-1", 2, "closed", "Rede", day), ticketAt(t, p.cat, "T-2", 2, "closed", "Hardware", day)},
		[]*domain.Record{ticketAt(t, p.cat, "T-3", 1, "open", "Rede", day.AddDate(0, -1, 0))},
		[]*domain.Record{ticketAt(t, p.cat, "T-3", 2, "open", "Rede", day)})
	for _, table := range ticketRollups(p) {
		if n := rollupRows(t, p, table, "row_count < 0"); n < 1 {
			t.Fatalf("%s: no retracting row, want the -1 rows unmerged", table)
		}
	}
	queries := []domain.Query{
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s")}, Groups: []domain.Group{grp("status")}, Totals: true},
		{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("category"), tgrp("created_at", "day")}},
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s"), agg("avg", "first_response_minutes", "a")},
			Filters: []domain.Filter{cond("status", "==", "pending")}},
		{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("status")}, Filters: []domain.Filter{cond("status", "==", "pending")}},
	}
	monthly := domain.Query{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("site_id"), tgrp("created_at", "month")}}
	check := func() {
		t.Helper()
		for _, pr := range principals {
			checkRolled(t, p, pr.scope, pr.route, queries)
			checkRolled(t, p, pr.scope, "rollup:tickets_monthly_site", append(slices.Clone(byLocation), monthly))
			rows := make([]string, 4)
			for i := range queries {
				got, _, _ := p.runRoutes(t, app.QueryRequest{Query: &queries[i], TenantID: "t1", Scope: pr.scope})
				rows[i] = fmt.Sprint(got.Rows)
			}
			want := []string{"[[closed 2 40] [open 1 20]]", "[[Hardware 2026-11-02 00:00:00 +0000 UTC 1] [Rede 2026-11-02 00:00:00 +0000 UTC 2]]", "[[0 <nil> <nil>]]", "[]"}
			if !slices.Equal(rows, want) {
				t.Fatalf("scope %v: rows\n%s\nwant\n%s", pr.scope, strings.Join(rows, "\n"), strings.Join(want, "\n"))
			}
			// T-3 left October: that month's group is gone from the monthly rollup.
			got, _, _ := p.runRoutes(t, app.QueryRequest{Query: &monthly, TenantID: "t1", Scope: pr.scope})
			if fmt.Sprint(got.Rows) != "[[s1 2026-11-01 00:00:00 +0000 UTC 3]]" {
				t.Fatalf("scope %v: monthly rows %v", pr.scope, got.Rows)
			}
		}
	}
	check()
	for _, table := range ticketRollups(p) {
		for _, stmt := range []string{"SYSTEM START MERGES ", "OPTIMIZE TABLE "} {
			if err := p.ch.conn.Exec(context.Background(), stmt+table+map[bool]string{true: " FINAL"}[stmt == "OPTIMIZE TABLE "]); err != nil {
				t.Fatal(err)
			}
		}
	}
	check()
}

func cloneQuery(t *testing.T, q *domain.Query) *domain.Query {
	t.Helper()
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var out domain.Query
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}
