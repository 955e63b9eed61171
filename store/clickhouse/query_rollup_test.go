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
// the raw tables and on SQLite; at least half go to a rollup.
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
	for i := 0; i < 600; i++ {
		q := queryref.RollupShaped(p.cat, gen.Query(""))
		scope := scopes[i%len(scopes)]
		got, raw, lite := p.runRoutes(t, app.QueryRequest{Query: q, TenantID: "t1", Scope: scope, Now: now, Location: time.UTC})
		if err := sameRoutes(got, raw, lite); err != nil {
			js, _ := json.Marshal(q)
			t.Fatalf("query %d (scope %v): %v\n%s\n%s", i, scope, err, js, got.SQL)
		}
		if got.Route != "raw" {
			routed++
		}
		if len(raw.Rows) > 1 {
			nonEmpty++
		}
	}
	t.Logf("600 queries: %d routed to rollups, %d with several rows", routed, nonEmpty)
	if routed < 300 || nonEmpty < 100 {
		t.Fatalf("the generator exercised too little: %d routed, %d with several rows", routed, nonEmpty)
	}
}

// stopMerges keeps every part of the tickets tables apart for the test.
func stopMerges(t *testing.T, p *queryPair) {
	t.Helper()
	for _, table := range []string{"an_tickets", "an_rollup_tickets_daily"} {
		if err := p.ch.conn.Exec(context.Background(), "SYSTEM STOP MERGES "+table); err != nil {
			t.Fatal(err)
		}
	}
}

// rollupRows counts the stored (unmerged) rows of the tickets rollup.
func rollupRows(t *testing.T, p *queryPair, where string) uint64 {
	t.Helper()
	var n uint64
	if err := p.ch.conn.QueryRow(context.Background(), "SELECT count() FROM an_rollup_tickets_daily WHERE "+where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkRolled runs each query and requires the tickets rollup's route and
// the raw route's answer.
func checkRolled(t *testing.T, p *queryPair, queries []domain.Query) {
	t.Helper()
	for i := range queries {
		got, raw, lite := p.runRoutes(t, app.QueryRequest{Query: &queries[i], TenantID: "t1"})
		js, _ := json.Marshal(queries[i])
		if got.Route != "rollup:tickets_daily" {
			t.Fatalf("query %d routed to %s\n%s", i, got.Route, js)
		}
		if err := sameRoutes(got, raw, lite); err != nil {
			t.Fatalf("query %d: %v\n%s\n%s", i, err, js, got.SQL)
		}
	}
}

// An entity changing version across batches leaves +1 and -1 rows of one
// key in separate rollup parts: the rollup route must still sum them.
func TestRollupRouteUnmergedVersions(t *testing.T) {
	p := mustOpenPair(t)
	stopMerges(t, p)
	day1 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	p.apply(t, []*domain.Record{ticketAt(t, p.cat, "T-1", 1, "open", "Rede", day1), ticketAt(t, p.cat, "T-2", 1, "open", "Rede", day1)},
		[]*domain.Record{ticketAt(t, p.cat, "T-1", 2, "pending", "Rede", day1)},
		[]*domain.Record{ticketAt(t, p.cat, "T-1", 3, "open", "Hardware", day2), ticketAt(t, p.cat, "T-3", 1, "closed", "Rede", day2)},
		[]*domain.Record{ticketAt(t, p.cat, "T-2", 2, "open", "Rede", day1)})
	if n := rollupRows(t, p, "status = 'open' AND category = 'Rede'"); n < 3 {
		t.Fatalf("%d rollup rows for open/Rede, want unmerged parts (>= 3)", n)
	}
	queries := []domain.Query{
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s"), agg("avg", "first_response_minutes", "a")},
			Groups: []domain.Group{grp("status"), grp("category")}, Totals: true},
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s"), {Agg: "ratio", Num: "s", Den: "n", As: "r"}},
			Groups: []domain.Group{tgrp("created_at", "day")}, Filters: []domain.Filter{cond("status", "!=", "pending")}, Totals: true},
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("avg", "resolution_minutes", "a")},
			Filters: []domain.Filter{cond("category", "IN", []any{"Rede", "Hardware"})}},
		{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("status"), tgrp("created_at", "month")},
			Filters: []domain.Filter{cond("customer_id", "EXISTS", nil)}, Order: []domain.Order{{By: "n", Dir: "desc"}}, Limit: 2},
	}
	checkRolled(t, p, queries)
	// Bucket-aligned bounds on the time field: the planner may route them
	// to the rollup (the answer must not change either way).
	bounded := domain.Query{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("status")},
		Filters: []domain.Filter{cond("created_at", ">=", "2026-11-03T00:00:00Z"), cond("created_at", "<", "2026-11-04T00:00:00Z")}}
	rb, raw, lite := p.runRoutes(t, app.QueryRequest{Query: &bounded, TenantID: "t1"})
	if err := sameRoutes(rb, raw, lite); err != nil || fmt.Sprint(rb.Rows) != "[[closed 1] [open 1]]" {
		t.Fatalf("time bounds by %s: %v, rows %v", rb.Route, err, rb.Rows)
	}
	t.Logf("time bounds routed to %s", rb.Route)
	got, _, _ := p.runRoutes(t, app.QueryRequest{Query: &queries[0], TenantID: "t1"})
	want := "[[closed Rede 1 10 10] [open Hardware 1 30 30] [open Rede 1 20 20]]"
	// Totals are the same query without groups (the use case runs it).
	total := queries[0]
	total.Groups, total.Order, total.Totals = nil, nil, false
	tot, _, _ := p.runRoutes(t, app.QueryRequest{Query: &total, TenantID: "t1"})
	if fmt.Sprint(got.Rows) != want || fmt.Sprint(tot.Rows) != "[[3 60 20]]" {
		t.Fatalf("rows %v totals %v, want %s and [[3 60 20]]", got.Rows, tot.Rows, want)
	}
}

// Every row of a group retracted: its rollup rows sum to zero and the
// group must not appear, merged or not; a query without groups still
// returns its single row.
func TestRollupRouteDropsRetractedGroups(t *testing.T) {
	p := mustOpenPair(t)
	stopMerges(t, p)
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	p.apply(t, []*domain.Record{ticketAt(t, p.cat, "T-1", 1, "open", "Rede", day), ticketAt(t, p.cat, "T-2", 1, "open", "Rede", day)},
		[]*domain.Record{ticketAt(t, p.cat, "T-1", 2, "closed", "Rede", day), ticketAt(t, p.cat, "T-2", 2, "closed", "Hardware", day)})
	if n := rollupRows(t, p, "status = 'open'"); n < 2 {
		t.Fatalf("%d rollup rows for open, want the +1 and -1 rows unmerged", n)
	}
	queries := []domain.Query{
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s")}, Groups: []domain.Group{grp("status")}, Totals: true},
		{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("category"), tgrp("created_at", "day")}},
		{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s"), agg("avg", "first_response_minutes", "a")},
			Filters: []domain.Filter{cond("status", "==", "open")}},
		{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("status")}, Filters: []domain.Filter{cond("status", "==", "open")}},
	}
	check := func() {
		t.Helper()
		checkRolled(t, p, queries)
		rows := make([]string, 4)
		for i := range queries {
			got, _, _ := p.runRoutes(t, app.QueryRequest{Query: &queries[i], TenantID: "t1"})
			rows[i] = fmt.Sprint(got.Rows)
		}
		want := []string{"[[closed 2 40]]", "[[Hardware 2026-11-02 00:00:00 +0000 UTC 1] [Rede 2026-11-02 00:00:00 +0000 UTC 1]]", "[[0 <nil> <nil>]]", "[]"}
		if !slices.Equal(rows, want) {
			t.Fatalf("rows\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
		}
	}
	check()
	if err := p.ch.conn.Exec(context.Background(), "SYSTEM START MERGES an_rollup_tickets_daily"); err != nil {
		t.Fatal(err)
	}
	if err := p.ch.conn.Exec(context.Background(), "OPTIMIZE TABLE an_rollup_tickets_daily FINAL"); err != nil {
		t.Fatal(err)
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
