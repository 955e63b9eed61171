// Package analyticstest is the contract suite of the app.Analytics port:
// one set of tests run against every adapter (SQLite and ClickHouse), so
// both honour the same semantics (see app.Analytics).
package analyticstest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

// Opener returns a fresh, migrated, empty store for one test.
type Opener func(t *testing.T) app.Analytics

// Now is the fixed "present" of the suite's events.
var Now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// Catalog returns the shipped catalogue.
func Catalog(t testing.TB) *domain.Catalog {
	t.Helper()
	c, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Analytics runs the whole contract suite.
func Analytics(t *testing.T, open Opener) {
	c := Catalog(t)
	t.Run("TotalsAndRollups", func(t *testing.T) { t.Parallel(); testTotals(t, open(t), c) })
	t.Run("ReplayIsIdempotent", func(t *testing.T) { t.Parallel(); testReplay(t, open(t), c) })
	t.Run("LatestVersionWins", func(t *testing.T) { t.Parallel(); testLatestVersion(t, open(t), c) })
	t.Run("NullsAndDecimals", func(t *testing.T) { t.Parallel(); testNulls(t, open(t), c) })
	t.Run("TenantIsolation", func(t *testing.T) { t.Parallel(); testTenants(t, open(t), c) })
	t.Run("DeadLetters", func(t *testing.T) { t.Parallel(); testDeadLetters(t, open(t), c) })
	t.Run("Notices", func(t *testing.T) { t.Parallel(); testNotices(t, open(t), c) })
	t.Run("RandomBatchesMatchReference", func(t *testing.T) { t.Parallel(); testRandom(t, open(t), c) })
}

// Ev builds one event; data fields are given as a JSON object.
func Ev(tenant, id, source, typ, entity string, version int64, at time.Time, data string) *domain.Event {
	return &domain.Event{ID: id, TenantID: tenant, Source: source, Type: typ, EntityID: entity, Version: version,
		OccurredAt: at.UTC(), Data: json.RawMessage(data)}
}

// Rec normalises ev with the catalogue, failing the test when invalid.
func Rec(t testing.TB, c *domain.Catalog, ev *domain.Event) *domain.Record {
	t.Helper()
	r, err := c.Normalize(ev, Now, domain.TimeBounds{})
	if err != nil {
		t.Fatalf("event %s: %v", ev.ID, err)
	}
	return r
}

func apply(t testing.TB, a app.Analytics, recs ...*domain.Record) app.ApplyResult {
	t.Helper()
	res, err := a.Apply(context.Background(), app.IngestBatch{Records: recs, IngestedAt: Now})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res
}

func totals(t testing.TB, a app.Analytics, tenant, source string) app.SourceTotals {
	t.Helper()
	tot, err := a.SourceTotals(context.Background(), tenant, source)
	if err != nil {
		t.Fatalf("totals %s: %v", source, err)
	}
	return tot
}

func verify(t testing.TB, a app.Analytics, tenant string) {
	t.Helper()
	if err := a.VerifyRollups(context.Background(), tenant); err != nil {
		t.Fatalf("rollups differ from raw: %v", err)
	}
}

func ticket(t testing.TB, c *domain.Catalog, tenant, evID, entity string, v int64, status string, at time.Time, extra string) *domain.Record {
	data := fmt.Sprintf(`{"status":%q,"priority":"high","category":"Rede","customer_id":"c1","site_id":"s1","team_id":"noc","created_at":%q%s}`,
		status, Now.Add(-48*time.Hour).Format(time.RFC3339), extra)
	typ := "ticket.updated"
	if v == 1 {
		typ = "ticket.created"
	}
	return Rec(t, c, Ev(tenant, evID, "tickets", typ, entity, v, at, data))
}

func testTotals(t *testing.T, a app.Analytics, c *domain.Catalog) {
	base := Now.Add(-time.Hour)
	recs := []*domain.Record{
		ticket(t, c, "t1", "e1", "T-1", 1, "open", base, `,"first_response_minutes":10`),
		ticket(t, c, "t1", "e2", "T-2", 1, "open", base, `,"first_response_minutes":20,"resolution_minutes":100`),
		Rec(t, c, Ev("t1", "e3", "expenses", "expense.submitted", "X-1", 1, base,
			`{"cost_center_id":"cc1","amount":1234.56,"currency":"BRL","status":"submitted","spent_at":"2026-11-30T10:00:00Z","category":"Viagem"}`)),
		Rec(t, c, Ev("t1", "e4", "maintenance", "maintenance.planned", "M-1", 1, base,
			`{"asset_id":"A-1","site_id":"s1","customer_id":"c1","kind":"preventive","status":"planned","scheduled_for":"2026-12-02T08:00:00Z","cost":99.9}`)),
		Rec(t, c, Ev("t1", "e5", "slas", "sla.started", "S-1", 1, base,
			`{"ticket_id":"T-1","policy":"P1","target_minutes":240,"breached":false,"started_at":"2026-11-30T10:00:00Z","customer_id":"c1"}`)),
	}
	res := apply(t, a, recs...)
	if res.Inserted != 5 || res.Duplicates != 0 || res.Stale != 0 {
		t.Fatalf("result %+v", res)
	}
	tk := totals(t, a, "t1", "tickets")
	if tk.Rows != 2 || tk.Sums["first_response_minutes"] != 30 || tk.Counts["first_response_minutes"] != 2 ||
		tk.Sums["resolution_minutes"] != 100 || tk.Counts["resolution_minutes"] != 1 {
		t.Fatalf("tickets totals %+v", tk)
	}
	if ex := totals(t, a, "t1", "expenses"); ex.Rows != 1 || ex.Sums["amount"] != 123456 {
		t.Fatalf("expenses totals %+v (decimals are exact units)", ex)
	}
	if m := totals(t, a, "t1", "maintenance"); m.Rows != 1 || m.Sums["cost"] != 9990 {
		t.Fatalf("maintenance totals %+v", m)
	}
	if s := totals(t, a, "t1", "slas"); s.Rows != 1 || s.Sums["target_minutes"] != 240 || s.Counts["elapsed_minutes"] != 0 {
		t.Fatalf("slas totals %+v", s)
	}
	if ev := totals(t, a, "t1", "events"); ev.Rows != 5 {
		t.Fatalf("events totals %+v", ev)
	}
	verify(t, a, "t1")
	if _, err := a.SourceTotals(context.Background(), "t1", "nope"); err == nil {
		t.Fatal("unknown source accepted")
	}
	if err := a.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func testReplay(t *testing.T, a app.Analytics, c *domain.Catalog) {
	at := Now.Add(-time.Hour)
	batch := []*domain.Record{
		ticket(t, c, "t1", "r1", "T-1", 1, "open", at, ""),
		ticket(t, c, "t1", "r2", "T-1", 2, "in_progress", at.Add(time.Minute), ""),
		ticket(t, c, "t1", "r3", "T-2", 1, "open", at, `,"first_response_minutes":5`),
	}
	apply(t, a, batch...)
	before := totals(t, a, "t1", "tickets")
	for i := 0; i < 2; i++ {
		res := apply(t, a, batch...)
		if res.Inserted != 0 || res.Duplicates != 3 || len(res.Notices) != 0 {
			t.Fatalf("replay %d: %+v", i, res)
		}
	}
	// A batch mixing replays and new events applies only the new ones.
	res := apply(t, a, batch[0], ticket(t, c, "t1", "r4", "T-1", 3, "resolved", at.Add(2*time.Minute), `,"resolution_minutes":30`))
	if res.Inserted != 1 || res.Duplicates != 1 {
		t.Fatalf("mixed: %+v", res)
	}
	after := totals(t, a, "t1", "tickets")
	if after.Rows != before.Rows || after.Sums["resolution_minutes"] != 30 {
		t.Fatalf("before %+v after %+v", before, after)
	}
	if ev := totals(t, a, "t1", "events"); ev.Rows != 4 {
		t.Fatalf("events after replays: %+v", ev)
	}
	verify(t, a, "t1")
}

func testLatestVersion(t *testing.T, a app.Analytics, c *domain.Catalog) {
	at := Now.Add(-3 * time.Hour)
	// Three status changes: the ticket counts once, under its last status.
	apply(t, a, ticket(t, c, "t1", "v1", "T-9", 1, "open", at, ""))
	apply(t, a, ticket(t, c, "t1", "v2", "T-9", 2, "in_progress", at.Add(time.Minute), ""))
	apply(t, a, ticket(t, c, "t1", "v4", "T-9", 4, "resolved", at.Add(3*time.Minute), `,"resolution_minutes":42`))
	// Out of order: version 3 arrives after 4, and a second event claims
	// version 4 again: both are happenings, neither moves the ticket.
	res := apply(t, a, ticket(t, c, "t1", "v3", "T-9", 3, "pending", at.Add(2*time.Minute), ""),
		ticket(t, c, "t1", "v4b", "T-9", 4, "closed", at.Add(4*time.Minute), ""))
	if res.Inserted != 2 || res.Stale != 2 {
		t.Fatalf("stale versions: %+v", res)
	}
	tk := totals(t, a, "t1", "tickets")
	if tk.Rows != 1 || tk.Sums["resolution_minutes"] != 42 {
		t.Fatalf("tickets %+v", tk)
	}
	if ev := totals(t, a, "t1", "events"); ev.Rows != 5 {
		t.Fatalf("events %+v", ev)
	}
	// Several versions of one entity inside one batch.
	apply(t, a, ticket(t, c, "t1", "w1", "T-10", 1, "open", at, `,"first_response_minutes":1`),
		ticket(t, c, "t1", "w2", "T-10", 2, "pending", at, `,"first_response_minutes":2`),
		ticket(t, c, "t1", "w3", "T-10", 3, "closed", at, `,"first_response_minutes":3`))
	if tk := totals(t, a, "t1", "tickets"); tk.Rows != 2 || tk.Sums["first_response_minutes"] != 3 {
		t.Fatalf("in-batch versions: %+v", tk)
	}
	verify(t, a, "t1")
}

func testNulls(t *testing.T, a app.Analytics, c *domain.Catalog) {
	at := Now.Add(-time.Hour)
	// A ticket without customer, team or measures, then with them, then
	// without again: rollups keep '' groups and retract them exactly.
	bare := Rec(t, c, Ev("t1", "n1", "tickets", "ticket.created", "T-1", 1, at, `{"created_at":"2026-11-29T23:59:59Z"}`))
	full := ticket(t, c, "t1", "n2", "T-1", 2, "open", at, `,"first_response_minutes":7`)
	again := Rec(t, c, Ev("t1", "n3", "tickets", "ticket.updated", "T-1", 3, at, `{"created_at":"2026-11-30T00:00:00Z","customer_id":null}`))
	apply(t, a, bare)
	verify(t, a, "t1")
	apply(t, a, full)
	verify(t, a, "t1")
	apply(t, a, again)
	verify(t, a, "t1")
	if tk := totals(t, a, "t1", "tickets"); tk.Rows != 1 || tk.Counts["first_response_minutes"] != 0 {
		t.Fatalf("tickets %+v", tk)
	}
	sla := Rec(t, c, Ev("t1", "n4", "slas", "sla.breached", "S-1", 1, at, `{"breached":true,"target_minutes":60,"elapsed_minutes":75,"started_at":"2026-11-30T10:00:00Z"}`))
	neg := Rec(t, c, Ev("t1", "n5", "expenses", "expense.approved", "X-1", 1, at, `{"amount":-10.05,"spent_at":"2026-11-30T10:00:00Z"}`))
	apply(t, a, sla, neg)
	if ex := totals(t, a, "t1", "expenses"); ex.Sums["amount"] != -1005 {
		t.Fatalf("negative decimal: %+v", ex)
	}
	verify(t, a, "t1")
}

func testTenants(t *testing.T, a app.Analytics, c *domain.Catalog) {
	at := Now.Add(-time.Hour)
	// The same event id and entity id in two tenants are different things.
	apply(t, a, ticket(t, c, "t1", "same", "T-1", 1, "open", at, `,"first_response_minutes":1`))
	res := apply(t, a, ticket(t, c, "t2", "same", "T-1", 1, "open", at, `,"first_response_minutes":2`))
	if res.Inserted != 1 {
		t.Fatalf("second tenant's event treated as a duplicate: %+v", res)
	}
	for tenant, want := range map[string]int64{"t1": 1, "t2": 2} {
		if tk := totals(t, a, tenant, "tickets"); tk.Rows != 1 || tk.Sums["first_response_minutes"] != want {
			t.Fatalf("%s: %+v", tenant, tk)
		}
		verify(t, a, tenant)
	}
	if tk := totals(t, a, "t3", "tickets"); tk.Rows != 0 {
		t.Fatalf("empty tenant: %+v", tk)
	}
}

func testDeadLetters(t *testing.T, a app.Analytics, c *domain.Catalog) {
	ctx := context.Background()
	var dls []domain.DeadLetter
	for i := 0; i < 7; i++ {
		raw := []byte(fmt.Sprintf(`{"id":"bad-%d","tenant_id":"acme","source":"nope"}`, i))
		ev, _ := domain.ParseEvent(raw)
		dls = append(dls, domain.NewDeadLetter(app.NewID(), raw, ev, domain.Invalid("source", "unknown source %q", "nope"), Now))
	}
	other := domain.NewDeadLetter(app.NewID(), []byte(`{}`), nil, domain.Invalid("id", "is required"), Now)
	if _, err := a.Apply(ctx, app.IngestBatch{DeadLetters: append(dls, other), IngestedAt: Now}); err != nil {
		t.Fatal(err)
	}
	var got []domain.DeadLetter
	cursor := ""
	for page := 0; page < 5; page++ {
		rows, err := a.ListDeadLetters(ctx, []string{"t-internal-id", "acme"}, cursor, 3)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rows...)
		if len(rows) < 3 {
			break
		}
		cursor = rows[len(rows)-1].ID
	}
	if len(got) != 7 {
		t.Fatalf("dead letters: got %d, want 7 (the tenant-less one belongs to nobody)", len(got))
	}
	for i, dl := range got {
		if i > 0 && dl.ID >= got[i-1].ID {
			t.Fatal("not newest first")
		}
		if dl.Reason != `source: unknown source "nope"` || dl.Field != "source" || dl.Source != "nope" || !json.Valid(dl.Payload) ||
			!dl.ReceivedAt.Equal(Now) {
			t.Fatalf("dead letter %+v", dl)
		}
	}
	if rows, _ := a.ListDeadLetters(ctx, []string{"someone-else"}, "", 10); len(rows) != 0 {
		t.Fatal("dead letters leak across tenants")
	}
}

func testNotices(t *testing.T, a app.Analytics, c *domain.Catalog) {
	at := Now.Add(-time.Hour)
	res := apply(t, a, ticket(t, c, "t1", "a1", "T-1", 1, "open", at, ""),
		Rec(t, c, Ev("t1", "a2", "expenses", "expense.submitted", "X-1", 1, at.Add(time.Minute), `{"amount":1,"spent_at":"2026-11-20T10:00:00Z"}`)))
	got := map[string]app.ChangeNotice{}
	for _, n := range res.Notices {
		got[n.TenantID+"/"+n.Source] = n
	}
	tk, ok := got["t1/tickets"]
	if !ok || !tk.From.Equal(Now.Add(-48*time.Hour)) || !tk.To.Equal(Now.Add(-48*time.Hour)) {
		t.Fatalf("tickets notice %+v in %+v", tk, res.Notices)
	}
	ex := got["t1/expenses"]
	if want := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC); !ex.From.Equal(want) {
		t.Fatalf("expenses notice %+v", ex)
	}
	evn, ok := got["t1/events"]
	if !ok || !evn.From.Equal(at) || !evn.To.Equal(at.Add(time.Minute)) {
		t.Fatalf("events notice %+v", evn)
	}
	if len(res.Notices) != 3 {
		t.Fatalf("notices %+v", res.Notices)
	}
}

// reference is the suite's own model of the semantics: latest version per
// entity, exact unit sums.
type reference struct {
	entities map[string]map[string]*domain.Record // tenant/source -> entity -> record
	events   map[string]map[string]bool           // tenant -> event ids
}

func (r *reference) add(rec *domain.Record) {
	ev := rec.Event
	if r.events[ev.TenantID] == nil {
		r.events[ev.TenantID] = map[string]bool{}
	}
	if r.events[ev.TenantID][ev.ID] {
		return
	}
	r.events[ev.TenantID][ev.ID] = true
	key := ev.TenantID + "/" + rec.Source.Name
	if r.entities[key] == nil {
		r.entities[key] = map[string]*domain.Record{}
	}
	if old, ok := r.entities[key][ev.EntityID]; !ok || domain.Supersedes(ev.Version, old.Event.Version) {
		r.entities[key][ev.EntityID] = rec
	}
}

func (r *reference) totals(tenant string, src *domain.Source) app.SourceTotals {
	tot := app.SourceTotals{Sums: map[string]int64{}, Counts: map[string]int64{}}
	for _, rec := range r.entities[tenant+"/"+src.Name] {
		tot.Rows++
		for _, f := range src.Fields {
			if v, ok := rec.Values[f.Name].(int64); ok && f.Kind == domain.KindMeasure {
				tot.Sums[f.Name] += v
				tot.Counts[f.Name]++
			}
		}
	}
	return tot
}

// testRandom is the property test: random entities across every source,
// random versions (out of order, repeated), duplicates and batch cuts;
// rollups must equal the raw aggregation and totals the reference.
func testRandom(t *testing.T, a app.Analytics, c *domain.Catalog) {
	r := rand.New(rand.NewPCG(7, 11))
	ref := &reference{entities: map[string]map[string]*domain.Record{}, events: map[string]map[string]bool{}}
	var all []*domain.Record
	statuses := map[string][]string{"tickets": {"open", "pending", "resolved"}, "maintenance": {"planned", "completed"}, "expenses": {"submitted", "paid"}}
	for i := 0; i < 600; i++ {
		tenant := []string{"t1", "t2"}[r.IntN(2)]
		src := []string{"tickets", "slas", "maintenance", "expenses"}[r.IntN(4)]
		entity := fmt.Sprintf("%s-%d", src, r.IntN(40))
		day := Now.Add(-time.Duration(r.IntN(20*24)) * time.Hour)
		maybe := func(s string) string {
			if r.IntN(4) == 0 {
				return "null"
			}
			return s
		}
		cust := maybe(fmt.Sprintf("%q", []string{"c1", "c2", "c3"}[r.IntN(3)]))
		st := func() string { return maybe(fmt.Sprintf("%q", statuses[src][r.IntN(len(statuses[src]))])) }
		var data string
		switch src {
		case "tickets":
			data = fmt.Sprintf(`{"status":%s,"customer_id":%s,"created_at":%q,"first_response_minutes":%s}`, st(), cust, day.Format(time.RFC3339), maybe(fmt.Sprint(r.IntN(500))))
		case "slas":
			data = fmt.Sprintf(`{"breached":%s,"customer_id":%s,"started_at":%q,"target_minutes":%s}`, maybe([]string{"true", "false"}[r.IntN(2)]), cust, day.Format(time.RFC3339), maybe(fmt.Sprint(r.IntN(500))))
		case "maintenance":
			data = fmt.Sprintf(`{"status":%s,"customer_id":%s,"scheduled_for":%q,"cost":%s}`, st(), cust, day.Format(time.RFC3339), maybe(fmt.Sprintf("%d.%02d", r.IntN(900), r.IntN(100))))
		case "expenses":
			data = fmt.Sprintf(`{"status":%s,"customer_id":%s,"spent_at":%q,"amount":%s}`, st(), cust, day.Format(time.RFC3339), maybe(fmt.Sprintf("%d.%02d", r.IntN(900), r.IntN(100))))
		}
		typ := c.Sources[slices.IndexFunc(c.Sources, func(s domain.Source) bool { return s.Name == src })].EventTypes[0]
		rec := Rec(t, c, Ev(tenant, fmt.Sprintf("rnd-%d", i), src, typ, entity, int64(1+r.IntN(6)), day, data))
		all = append(all, rec)
		if r.IntN(8) == 0 {
			all = append(all, rec) // a replay of the same event
		}
	}
	for len(all) > 0 {
		n := min(len(all), 1+r.IntN(80))
		apply(t, a, all[:n]...)
		for _, rec := range all[:n] {
			ref.add(rec)
		}
		all = all[n:]
	}
	for _, tenant := range []string{"t1", "t2"} {
		verify(t, a, tenant)
		for _, src := range c.EntitySources() {
			want, got := ref.totals(tenant, src), totals(t, a, tenant, src.Name)
			if got.Rows != want.Rows {
				t.Fatalf("%s %s rows %d want %d", tenant, src.Name, got.Rows, want.Rows)
			}
			for m, s := range want.Sums {
				if got.Sums[m] != s || got.Counts[m] != want.Counts[m] {
					t.Fatalf("%s %s.%s sum %d/%d count %d/%d", tenant, src.Name, m, got.Sums[m], s, got.Counts[m], want.Counts[m])
				}
			}
		}
		if ev := totals(t, a, tenant, "events"); ev.Rows != int64(len(ref.events[tenant])) {
			t.Fatalf("%s events %d want %d", tenant, ev.Rows, len(ref.events[tenant]))
		}
	}
}
