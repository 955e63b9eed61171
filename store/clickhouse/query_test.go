package clickhouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/internal/queryref"
	"github.com/conductor/reports/store/analyticstest"
	"github.com/conductor/reports/store/sqlite"
)

// The query engine is checked differentially: the same records go into
// ClickHouse and into the SQLite store, whose compiler is the reference of
// the semantics, and every query must return the same answer on both and,
// totals aside, the same rows as internal/queryref's evaluator.

// queryPair is the same data in both stores.
type queryPair struct {
	ch   *Analytics
	lite *sqlite.Analytics
	cat  *domain.Catalog
}

func mustOpenPair(t *testing.T) *queryPair {
	t.Helper()
	ctx := context.Background()
	cat := analyticstest.Catalog(t)
	lite, err := sqlite.OpenAnalytics(ctx, filepath.Join(t.TempDir(), "reports.db"), cat)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = lite.Close() })
	if err := lite.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return &queryPair{ch: mustOpen(t, nil), lite: lite, cat: cat}
}

// apply writes each batch to both stores; separate batches leave an
// entity's versions in separate ClickHouse parts until a merge.
func (p *queryPair) apply(t *testing.T, batches ...[]*domain.Record) {
	t.Helper()
	for _, b := range batches {
		for _, s := range []app.Analytics{p.ch, p.lite} {
			if _, err := s.Apply(context.Background(), app.IngestBatch{Records: b, IngestedAt: analyticstest.Now}); err != nil {
				t.Fatalf("apply: %v", err)
			}
		}
	}
}

// run validates q and runs it on both stores.
func (p *queryPair) run(t *testing.T, req app.QueryRequest) (got, want *app.QueryResult) {
	t.Helper()
	if err := req.Query.Validate(p.cat); err != nil {
		t.Fatalf("invalid test query: %v", err)
	}
	if req.Now.IsZero() {
		req.Now = analyticstest.Now
	}
	if req.Location == nil {
		req.Location = time.UTC
	}
	lreq := req
	lreq.RawOnly = true
	want, err := p.lite.Query(context.Background(), lreq)
	if err != nil {
		t.Fatalf("sqlite: %v", err)
	}
	got, err = p.ch.Query(context.Background(), req)
	if err != nil {
		t.Fatalf("clickhouse: %v", err)
	}
	return got, want
}

// sameResult reports the first difference between two results.
func sameResult(got, want *app.QueryResult) error {
	if (got.Route != "raw" && !strings.HasPrefix(got.Route, "rollup:")) || got.SQL == "" {
		return fmt.Errorf("route %q, sql %q", got.Route, got.SQL)
	}
	if fmt.Sprint(got.Columns) != fmt.Sprint(want.Columns) {
		return fmt.Errorf("columns %v, want %v", got.Columns, want.Columns)
	}
	if len(got.Rows) != len(want.Rows) {
		return fmt.Errorf("%d rows, want %d\ngot  %v\nwant %v", len(got.Rows), len(want.Rows), got.Rows, want.Rows)
	}
	for i := range got.Rows {
		if err := sameRow(got.Rows[i], want.Rows[i]); err != nil {
			return fmt.Errorf("row %d: %w\ngot  %v\nwant %v", i, err, got.Rows[i], want.Rows[i])
		}
	}
	if (got.Totals == nil) != (want.Totals == nil) {
		return fmt.Errorf("totals %v, want %v", got.Totals, want.Totals)
	}
	if err := sameRow(got.Totals, want.Totals); err != nil {
		return fmt.Errorf("totals: %w\ngot  %v\nwant %v", err, got.Totals, want.Totals)
	}
	return nil
}

func sameRow(got, want []any) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d values, want %d", len(got), len(want))
	}
	for j := range got {
		if !sameValue(got[j], want[j]) {
			return fmt.Errorf("value %d: %#v (%T), want %#v (%T)", j, got[j], got[j], want[j], want[j])
		}
	}
	return nil
}

// sameValue: exact for ints, strings, bools and NULL; 1e-9 relative for
// floats; the same instant for times.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y)))
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y) && x.Location() == time.UTC
	}
	return a == b
}

// DST changes the time-zone cases straddle.
var (
	spStart  = time.Date(2018, 11, 4, 3, 0, 0, 0, time.UTC) // São Paulo: 00:00 -03 -> 01:00 -02
	spEnd    = time.Date(2019, 2, 17, 2, 0, 0, 0, time.UTC) // São Paulo: 00:00 -02 -> 23:00 -03
	berStart = time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC) // Berlin: 02:00 CET -> 03:00 CEST
	berEnd   = time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)
)

// queryDataset generates the records, in batches by version, of tickets,
// slas, maintenance and expenses for tenants t1 and t2 (the events stream
// gets one row per record). Data times cluster around the DST changes;
// stream times, which must be recent, around Berlin's.
func queryDataset(t *testing.T, cat *domain.Catalog) [][]*domain.Record {
	r := rand.New(rand.NewPCG(4, 16))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	around := func(anchors ...time.Time) time.Time {
		a := anchors[r.IntN(len(anchors))]
		return a.Add(time.Duration(r.IntN(80*3600)-40*3600) * time.Second)
	}
	// Some values sit exactly on an hour or a midnight, where buckets split.
	exact := []time.Time{spStart, spEnd, spEnd.Add(-time.Hour), berStart, berEnd, berEnd.Add(-time.Hour),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC)}
	dataTime := func() time.Time {
		if r.IntN(8) == 0 {
			return exact[r.IntN(len(exact))]
		}
		if r.IntN(4) == 0 {
			return time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), 0, time.UTC)
		}
		return around(spStart, spEnd, berStart, berEnd)
	}
	streamTime := func() time.Time { return around(berStart, berEnd, analyticstest.Now.Add(-48*time.Hour)) }
	opt := func(p int, v any) any { // NULL with probability 1/p
		if r.IntN(p) == 0 {
			return nil
		}
		return v
	}
	ts := func(t time.Time) string { return t.Format(time.RFC3339) }
	var batches [3][]*domain.Record
	add := func(tenant, source, entity string, versions int, types []string, data func(v int) map[string]any) {
		at := streamTime()
		for v := 1; v <= versions; v++ {
			d := data(v)
			for k, x := range d {
				if x == nil {
					delete(d, k)
				}
			}
			raw, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			id := fmt.Sprintf("%s-%s-%s-v%d", tenant, source, entity, v)
			ev := analyticstest.Ev(tenant, id, source, types[min(v-1, len(types)-1)], entity, int64(v), at, string(raw))
			batches[v-1] = append(batches[v-1], analyticstest.Rec(t, cat, ev))
			at = at.Add(time.Duration(1+r.IntN(3600)) * time.Second)
		}
	}
	categories := []string{"Rede", "Hardware", "Software", "o'brien", `back\slash' OR '1'='1`, "what?", "%_like"}
	for i := range 160 {
		tenant := "t1"
		if i%8 == 7 {
			tenant = "t2"
		}
		created := dataTime()
		add(tenant, "tickets", fmt.Sprintf("T-%d", i), 1+r.IntN(3), []string{"ticket.created", "ticket.updated"}, func(v int) map[string]any {
			d := map[string]any{
				"status": pick("open", "in_progress", "pending", "resolved", "closed"), "priority": pick("low", "medium", "high", "urgent"),
				"category": pick(categories...), "subcategory": opt(3, pick("a", "b")), "customer_id": opt(10, pick("c1", "c2", "c3", "c4")),
				"site_id": opt(10, pick("s1", "s2", "s3")), "team_id": opt(5, pick("noc", "field")), "contract_id": opt(2, pick("k1", "k2")),
				"created_at": ts(created), "first_response_minutes": opt(4, r.IntN(500)), "resolution_minutes": opt(3, r.IntN(5000)),
			}
			if r.IntN(2) == 0 {
				d["resolved_at"] = ts(created.Add(time.Duration(r.IntN(100*3600)) * time.Second))
			}
			return d
		})
	}
	for i := range 50 {
		add("t1", "slas", fmt.Sprintf("S-%d", i), 1+r.IntN(2), []string{"sla.started", "sla.breached"}, func(int) map[string]any {
			return map[string]any{"ticket_id": fmt.Sprintf("T-%d", r.IntN(40)), "policy": pick("P1", "P2"),
				"target_minutes": opt(6, 60*(1+r.IntN(8))), "elapsed_minutes": opt(3, r.IntN(900)), "breached": opt(4, r.IntN(2) == 0),
				"started_at": ts(dataTime()), "customer_id": opt(6, pick("c1", "c2", "c3")), "site_id": pick("s1", "s2")}
		})
	}
	for i := range 40 {
		add("t1", "expenses", fmt.Sprintf("X-%d", i), 1+r.IntN(3), []string{"expense.submitted", "expense.approved", "expense.paid"}, func(int) map[string]any {
			return map[string]any{"cost_center_id": opt(5, pick("cc1", "cc2")), "customer_id": pick("c1", "c2"),
				"category": pick("Viagem", "Material"), "amount": opt(5, json.Number(fmt.Sprintf("%d.%02d", r.IntN(5000), r.IntN(100)))),
				"currency": "BRL", "status": pick("submitted", "approved", "rejected", "paid"), "spent_at": ts(dataTime())}
		})
	}
	for i := range 30 {
		add("t1", "maintenance", fmt.Sprintf("M-%d", i), 1+r.IntN(2), []string{"maintenance.planned", "maintenance.completed"}, func(int) map[string]any {
			return map[string]any{"asset_id": fmt.Sprintf("A-%d", r.IntN(5)), "site_id": pick("s1", "s2"), "customer_id": pick("c1", "c2"),
				"kind": pick("preventive", "corrective"), "status": pick("planned", "completed"), "scheduled_for": ts(dataTime()),
				"cost": opt(4, json.Number(fmt.Sprintf("%d.%d", r.IntN(900), r.IntN(10))))}
		})
	}
	return batches[:]
}

// queryCase is one request of the differential table.
type queryCase struct {
	name  string
	q     domain.Query
	zone  string
	scope domain.Scope
	empty bool // the answer has no rows (else it must have some)
	// refOnly skips SQLite, whose BucketStart differs from the reference
	// on days whose local midnight DST skipped (see skipSPGap).
	refOnly bool
	// noRef skips internal/queryref, which refuses ratios of times and
	// ignores scope dimensions outside domain.Dimensions (the stores fail
	// closed on them).
	noRef bool
}

func TestQueryMatchesSQLite(t *testing.T) {
	p := mustOpenPair(t)
	batches := queryDataset(t, p.cat)
	p.apply(t, batches...)
	ds := queryref.NewDataset(p.cat, slices.Concat(batches...))
	for _, tc := range queryCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			loc := time.UTC
			if tc.zone != "" {
				var err error
				if loc, err = time.LoadLocation(tc.zone); err != nil {
					t.Fatal(err)
				}
			}
			tenant := "t1"
			if strings.HasPrefix(tc.name, "t2/") {
				tenant = "t2"
			}
			q := tc.q
			got, want := p.run(t, app.QueryRequest{Query: &q, TenantID: tenant, Scope: tc.scope, Location: loc})
			if !tc.refOnly {
				if err := sameResult(got, want); err != nil {
					t.Fatalf("%v\nsql: %s\nargs: %v", err, got.SQL, got.Args)
				}
			}
			if tc.empty != (len(got.Rows) == 0) {
				t.Fatalf("%d rows, want empty=%v: %v", len(got.Rows), tc.empty, got.Rows)
			}
			if tc.noRef {
				return
			}
			rq := tc.q
			rq.Totals = false
			ref, err := queryref.Evaluate(ds, tenant, tc.scope, &rq, analyticstest.Now, loc)
			if err != nil {
				t.Fatalf("reference: %v", err)
			}
			if err := sameResult(got, &app.QueryResult{Columns: got.Columns, Rows: ref.Rows, Totals: got.Totals}); err != nil {
				t.Fatalf("reference: %v\nsql: %s\nargs: %v", err, got.SQL, got.Args)
			}
		})
	}
}

// ticketAt is a ticket version created at created.
func ticketAt(t *testing.T, cat *domain.Catalog, entity string, v int64, status, category string, created time.Time) *domain.Record {
	t.Helper()
	data := fmt.Sprintf(`{"status":%q,"category":%q,"customer_id":"c1","site_id":"s1","team_id":"noc","created_at":%q,"first_response_minutes":%d}`,
		status, category, created.Format(time.RFC3339), 10*v)
	typ := "ticket.updated"
	if v == 1 {
		typ = "ticket.created"
	}
	at := analyticstest.Now.Add(-time.Hour + time.Duration(v)*time.Minute)
	return analyticstest.Rec(t, cat, analyticstest.Ev("t1", fmt.Sprintf("%s-v%d", entity, v), "tickets", typ, entity, v, at, data))
}

// Versions of one entity sit in separate parts until a merge, which is
// stopped here: the query must still see only the latest.
func TestQueryLatestVersionWins(t *testing.T) {
	p := mustOpenPair(t)
	ctx := context.Background()
	if err := p.ch.conn.Exec(ctx, "SYSTEM STOP MERGES an_tickets"); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	p.apply(t, []*domain.Record{ticketAt(t, p.cat, "T-1", 1, "open", "Rede", created)},
		[]*domain.Record{ticketAt(t, p.cat, "T-1", 2, "pending", "Rede", created)},
		[]*domain.Record{ticketAt(t, p.cat, "T-1", 3, "closed", "Hardware", created), ticketAt(t, p.cat, "T-2", 1, "open", "Rede", created)})
	var stored uint64
	if err := p.ch.conn.QueryRow(ctx, "SELECT count() FROM an_tickets WHERE id = 'T-1'").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 3 {
		t.Fatalf("an_tickets holds %d rows of T-1, want 3 unmerged versions", stored)
	}
	q := domain.Query{Source: "tickets", Metrics: []domain.Metric{cnt(), agg("sum", "first_response_minutes", "s")},
		Groups: []domain.Group{grp("status"), grp("category")}, Filters: []domain.Filter{cond("status", "!=", "pending")}, Totals: true}
	got, want := p.run(t, app.QueryRequest{Query: &q, TenantID: "t1"})
	if err := sameResult(got, want); err != nil {
		t.Fatal(err)
	}
	wantRows := [][]any{{"closed", "Hardware", int64(1), int64(30)}, {"open", "Rede", int64(1), int64(10)}}
	total := q
	total.Groups, total.Totals = nil, false
	tot, _ := p.run(t, app.QueryRequest{Query: &total, TenantID: "t1"})
	if fmt.Sprint(got.Rows) != fmt.Sprint(wantRows) || fmt.Sprint(tot.Rows) != "[[2 40]]" {
		t.Fatalf("rows %v totals %v, want %v and [[2 40]]", got.Rows, tot.Rows, wantRows)
	}
}

// Buckets around DST changes, spelled out: São Paulo's 2018-11-04 has no
// midnight (its day starts at 01:00 -02, 03:00 UTC) and belongs to the week
// of Monday 2018-10-29 (to 23:59:59 -02, 01:59:59 UTC the next day); Berlin's 2026-10-25 repeats 02:00-03:00, two hours
// of their own.
func TestQueryBucketsAroundDST(t *testing.T) {
	p := mustOpenPair(t)
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	var recs []*domain.Record
	for i, s := range []string{"2018-10-29T03:00:00Z", "2018-11-04T03:00:00Z", "2018-11-04T12:00:00Z", "2018-11-05T01:59:59Z",
		"2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z"} {
		recs = append(recs, ticketAt(t, p.cat, fmt.Sprintf("D-%d", i), 1, "open", "Rede", utc(s)))
	}
	p.apply(t, recs)
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tc := range []struct {
		grain string
		loc   *time.Location
		want  string
	}{
		{"day", sp, "[[2018-10-29 03:00:00 +0000 UTC 1] [2018-11-04 03:00:00 +0000 UTC 3] [2026-10-24 03:00:00 +0000 UTC 3]]"},
		{"week", sp, "[[2018-10-29 03:00:00 +0000 UTC 4] [2026-10-19 03:00:00 +0000 UTC 3]]"},
		{"hour", berlin, "[[2018-10-29 03:00:00 +0000 UTC 1] [2018-11-04 03:00:00 +0000 UTC 1] [2018-11-04 12:00:00 +0000 UTC 1] " +
			"[2018-11-05 01:00:00 +0000 UTC 1] [2026-10-25 00:00:00 +0000 UTC 1] [2026-10-25 01:00:00 +0000 UTC 1] [2026-10-25 02:00:00 +0000 UTC 1]]"},
		{"day", berlin, "[[2018-10-28 23:00:00 +0000 UTC 1] [2018-11-03 23:00:00 +0000 UTC 2] [2018-11-04 23:00:00 +0000 UTC 1] [2026-10-24 22:00:00 +0000 UTC 3]]"},
	} {
		q := domain.Query{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{tgrp("created_at", tc.grain)}}
		res, err := p.ch.Query(context.Background(), app.QueryRequest{Query: &q, TenantID: "t1", Now: analyticstest.Now, Location: tc.loc})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(res.Rows); got != tc.want {
			t.Errorf("%s in %s:\n got  %s\n want %s", tc.grain, tc.loc, got, tc.want)
		}
	}
}

// Values that look like SQL only ever match as text: a spliced value would
// widen the result or break the statement.
func TestQueryInjectionIsBound(t *testing.T) {
	p := mustOpenPair(t)
	evil := []string{`x' OR '1'='1`, `x\' OR 1=1 --`, `'); DROP TABLE an_tickets; --`, `?`, `? OR 1=1`, "$1", "{p:String}",
		`x\`, "a\x00b", `' UNION ALL SELECT tenant_id FROM an_tickets --`, "1 /* ", `"quoted"`, "`tick`"}
	var recs []*domain.Record
	for i, s := range evil {
		if strings.ContainsRune(s, 0) {
			continue // SQLite text stops at NUL
		}
		recs = append(recs, ticketAt(t, p.cat, fmt.Sprintf("I-%d", i), 1, "open", s, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)))
	}
	p.apply(t, recs)
	for _, s := range evil {
		for _, f := range []domain.Filter{cond("category", "==", s), cond("category", "IN", list(s, "?")),
			cond("category", "CONTAINS", s), cond("category", "NOT_IN", list(s))} {
			q := domain.Query{Source: "tickets", Metrics: []domain.Metric{cnt()}, Groups: []domain.Group{grp("category")},
				Filters: []domain.Filter{f}}
			got, want := p.run(t, app.QueryRequest{Query: &q, TenantID: "t1", Scope: domain.Scope{"customer": {s, "c1"}}})
			if err := sameResult(got, want); err != nil {
				t.Fatalf("%s %q: %v", f.Op, s, err)
			}
			if strings.Contains(got.SQL, s) && s != "?" {
				t.Fatalf("value %q spliced into %s", s, got.SQL)
			}
			if f.Op == "==" && !strings.ContainsRune(s, 0) && (len(got.Rows) != 1 || got.Rows[0][0] != s) {
				t.Fatalf("== %q: rows %v, want exactly its own", s, got.Rows)
			}
		}
	}
	if tot, err := p.ch.SourceTotals(context.Background(), "t1", "tickets"); err != nil || tot.Rows != int64(len(recs)) {
		t.Fatalf("tickets after the injection attempts: %+v, %v", tot, err)
	}
}

func TestQueryUnknownSource(t *testing.T) {
	a := mustOpen(t, nil)
	_, err := a.Query(context.Background(), app.QueryRequest{Query: &domain.Query{Source: "nope"}, TenantID: "t1"})
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeInvalid {
		t.Fatalf("err %v, want invalid", err)
	}
}
