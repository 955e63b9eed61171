package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/store/analyticstest"
)

func applyOK(tb testing.TB, a *Analytics, recs ...*domain.Record) app.ApplyResult {
	tb.Helper()
	res, err := a.Apply(context.Background(), app.IngestBatch{Records: recs, IngestedAt: now})
	if err != nil {
		tb.Fatalf("apply: %v", err)
	}
	return res
}

func mustVerify(tb testing.TB, a *Analytics, tenant string) {
	tb.Helper()
	if err := a.VerifyRollups(context.Background(), tenant); err != nil {
		tb.Fatalf("verify: %v", err)
	}
}

// tableCounts snapshots the row count of every table, to prove a replay
// wrote nothing at all.
func tableCounts(tb testing.TB, a *Analytics) map[string]int64 {
	tb.Helper()
	out := map[string]int64{}
	for _, t := range []string{"an_ingest", "an_events", "an_tickets", "an_rollup_tickets_daily", "an_rollup_events_hourly", "an_dead_letters"} {
		out[t] = countRows(tb, a, "SELECT toInt64(count()) FROM "+t)
	}
	return out
}

func lifecycle(tb testing.TB) []*domain.Record {
	day := now.Add(-48 * time.Hour)
	return []*domain.Record{
		tk(tb, "l1", "T-1", 1, "open", day, `,"first_response_minutes":10`),
		tk(tb, "l2", "T-2", 1, "open", day, ""),
		tk(tb, "l3", "T-1", 2, "in_progress", day, `,"first_response_minutes":10`),
		tk(tb, "l4", "T-1", 3, "resolved", day, `,"first_response_minutes":10,"resolution_minutes":60`),
	}
}

func TestReplayedBatchWritesNothing(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	batch := lifecycle(t)
	applyOK(t, a, batch...)
	before := tableCounts(t, a)
	for range 2 {
		if res := applyOK(t, a, batch...); res.Inserted != 0 || res.Duplicates != len(batch) || len(res.Notices) != 0 {
			t.Fatalf("replay %+v", res)
		}
	}
	if after := tableCounts(t, a); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("replay wrote rows: before %v after %v", before, after)
	}
	mustVerify(t, a, "t1")
}

// A crash at each step of Apply, then the redelivery of the same batch (the
// stream did not commit its offset), ends with exact totals.
func TestCrashThenRedeliveryIsExact(t *testing.T) {
	t.Parallel()
	for _, step := range []string{"insert", "inserted"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			a := mustOpen(t, nil)
			applyOK(t, a, tk(t, "p1", "T-1", 1, "open", now.Add(-48*time.Hour), `,"first_response_minutes":3`))
			batch := lifecycle(t)[1:]
			crash := errors.New("consumer killed")
			a.hook = func(s string) error {
				if s == step {
					return crash
				}
				return nil
			}
			if _, err := a.Apply(t.Context(), app.IngestBatch{Records: batch, IngestedAt: now}); !errors.Is(err, crash) {
				t.Fatalf("apply = %v, want the simulated crash", err)
			}
			a.hook = nil
			res := applyOK(t, a, batch...)
			wantInserted := map[string]int{"insert": 3, "inserted": 0}[step]
			if res.Inserted != wantInserted || res.Inserted+res.Duplicates != 3 {
				t.Fatalf("redelivery %+v", res)
			}
			tot, err := a.SourceTotals(t.Context(), "t1", "tickets")
			if err != nil {
				t.Fatal(err)
			}
			if tot.Rows != 2 || tot.Sums["first_response_minutes"] != 10 || tot.Sums["resolution_minutes"] != 60 {
				t.Fatalf("totals %+v", tot)
			}
			if n := countRows(t, a, `SELECT toInt64(count()) FROM an_events`); n != 4 {
				t.Fatalf("%d events, want 4", n)
			}
			mustVerify(t, a, "t1")
		})
	}
}

// rollupByStatus reads tickets_daily summed per status.
func rollupByStatus(tb testing.TB, a *Analytics) map[string]int64 {
	tb.Helper()
	rows, err := a.conn.Query(context.Background(),
		`SELECT status, toInt64(sum(row_count)) FROM an_rollup_tickets_daily WHERE tenant_id = 't1' GROUP BY status`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			tb.Fatal(err)
		}
		if n != 0 {
			out[s] = n
		}
	}
	return out
}

func TestStatusChangesCountOnceUnderCurrentStatus(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	day := now.Add(-48 * time.Hour)
	for i, st := range []string{"open", "in_progress", "pending", "resolved"} {
		applyOK(t, a, tk(t, fmt.Sprint("s", i), "T-7", int64(i+1), st, day, ""))
	}
	if got := rollupByStatus(t, a); len(got) != 1 || got["resolved"] != 1 {
		t.Fatalf("rollup per status %v, want resolved=1 only", got)
	}
	// Merging parts must not change the answer: zero groups disappear.
	if err := a.conn.Exec(t.Context(), `OPTIMIZE TABLE an_rollup_tickets_daily FINAL`); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, a, `SELECT toInt64(count()) FROM an_rollup_tickets_daily`); n != 1 {
		t.Errorf("%d rollup rows after merge, want 1", n)
	}
	mustVerify(t, a, "t1")
}

func TestOutOfOrderVersions(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	day := now.Add(-48 * time.Hour)
	applyOK(t, a, tk(t, "o3", "T-3", 3, "resolved", day, `,"resolution_minutes":30`))
	res := applyOK(t, a, tk(t, "o1", "T-3", 1, "open", day, ""), tk(t, "o2", "T-3", 2, "pending", day, ""))
	if res.Inserted != 2 || res.Stale != 2 {
		t.Fatalf("result %+v", res)
	}
	if got := rollupByStatus(t, a); len(got) != 1 || got["resolved"] != 1 {
		t.Fatalf("rollup %v", got)
	}
	var version int64
	if err := a.conn.QueryRow(t.Context(), `SELECT version FROM an_tickets FINAL WHERE id = 'T-3'`).Scan(&version); err != nil || version != 3 {
		t.Fatalf("version %d, %v", version, err)
	}
	mustVerify(t, a, "t1")
}

// A ticket whose created_at moves to another day leaves the old day's
// group and the notice covers both days.
func TestTimeFieldChangeMovesBucket(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	d1, d2 := now.Add(-72*time.Hour), now.Add(-24*time.Hour)
	applyOK(t, a, tk(t, "m1", "T-4", 1, "open", d1, ""))
	res := applyOK(t, a, tk(t, "m2", "T-4", 2, "open", d2, ""))
	for _, n := range res.Notices {
		if n.Source == "tickets" && (!n.From.Equal(d1) || !n.To.Equal(d2)) {
			t.Fatalf("notice %+v", n)
		}
	}
	if n := countRows(t, a, `SELECT toInt64(count()) FROM (SELECT bucket FROM an_rollup_tickets_daily GROUP BY bucket HAVING sum(row_count) != 0)`); n != 1 {
		t.Fatalf("%d non-empty buckets, want 1", n)
	}
	mustVerify(t, a, "t1")
}

// VerifyRollups must notice a rollup or a fan-out that went wrong.
func TestVerifyRollupsFindsDifferences(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	applyOK(t, a, lifecycle(t)...)
	ctx := t.Context()
	b, err := a.conn.PrepareBatch(ctx, `INSERT INTO an_rollup_tickets_daily (tenant_id, bucket, status, row_count)`)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Append("t1", now.Add(-48*time.Hour).Truncate(24*time.Hour), "open", int64(1)); err != nil {
		t.Fatal(err)
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	err = a.VerifyRollups(ctx, "t1")
	if err == nil {
		t.Fatal("a corrupted rollup passed")
	}
	t.Log(err)
	if err := a.conn.Exec(ctx, `TRUNCATE TABLE an_rollup_tickets_daily`); err != nil {
		t.Fatal(err)
	}
	if err := a.VerifyRollups(ctx, "t1"); err == nil {
		t.Fatal("an empty rollup passed")
	}
	// A lost fan-out: the log holds events the stream lacks.
	b2 := mustOpen(t, nil)
	applyOK(t, b2, lifecycle(t)...)
	if err := b2.conn.Exec(ctx, `TRUNCATE TABLE an_events`); err != nil {
		t.Fatal(err)
	}
	if err := b2.conn.Exec(ctx, `TRUNCATE TABLE an_rollup_events_hourly`); err != nil {
		t.Fatal(err)
	}
	if err := b2.VerifyRollups(ctx, "t1"); err == nil {
		t.Fatal("a lost fan-out passed")
	} else {
		t.Log(err)
	}
}

func TestDeadLettersRoundTrip(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	ctx := t.Context()
	payload := []byte("{\"id\":\"x\",\"note\":\"caf\xc3\xa9 \\u0000 ' \\\"\"}")
	dls := []domain.DeadLetter{
		{ID: app.NewID(), TenantID: "acme", EventID: "x", Source: "tickets", Reason: "data.status: must be one of", Field: "data.status", Payload: payload, ReceivedAt: now},
		{ID: app.NewID(), TenantID: "acme", Reason: "malformed JSON at byte 3", Payload: []byte("{no"), ReceivedAt: now.Add(time.Second)},
	}
	batch := app.IngestBatch{Records: []*domain.Record{tk(t, "d1", "T-1", 1, "open", now, "")}, DeadLetters: dls, IngestedAt: now}
	for range 2 { // a replay with the same ids keeps one row each
		if _, err := a.Apply(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	got, err := a.ListDeadLetters(ctx, []string{"acme"}, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != dls[1].ID || string(got[1].Payload) != string(payload) ||
		got[1].Reason != dls[0].Reason || got[1].Field != "data.status" || got[1].EventID != "x" || !got[1].ReceivedAt.Equal(now) {
		t.Fatalf("dead letters %+v", got)
	}
	page, err := a.ListDeadLetters(ctx, []string{"acme", "o'brien"}, got[0].ID, 1)
	if err != nil || len(page) != 1 || page[0].ID != dls[0].ID {
		t.Fatalf("second page %+v, %v", page, err)
	}
	if none, err := a.ListDeadLetters(ctx, nil, "", 10); err != nil || len(none) != 0 {
		t.Fatalf("no keys: %v %v", none, err)
	}
	// Dead letters alone are a batch too.
	if _, err := a.Apply(ctx, app.IngestBatch{DeadLetters: []domain.DeadLetter{{TenantID: "acme", Reason: "r"}}}); err != nil {
		t.Fatal(err)
	}
	if all, _ := a.ListDeadLetters(ctx, []string{"acme"}, "", 10); len(all) != 3 {
		t.Fatalf("%d dead letters, want 3", len(all))
	}
}

func TestEmptyBatch(t *testing.T) {
	a := &Analytics{}
	res, err := a.Apply(t.Context(), app.IngestBatch{})
	if err != nil || res.Inserted != 0 || res.Notices == nil {
		t.Fatalf("%+v %v", res, err)
	}
}

// seededRand is a random stream seeded from the clock, its seed logged so
// that a failure can be replayed.
func seededRand(t *testing.T, stream uint64) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	return rand.New(rand.NewPCG(seed, stream))
}

// The property test: random lifecycles across every source and two
// tenants, replays, out-of-order versions, nulls, random batch cuts and
// merges in between; after every batch the rollups equal the raw tables.
func TestRandomBatchesKeepRollupsExact(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	r := seededRand(t, 42)
	recs := randomRecords(t, r, 400)
	for batch := 0; len(recs) > 0; batch++ {
		n := min(len(recs), 1+r.IntN(60))
		applyOK(t, a, recs[:n]...)
		recs = recs[n:]
		if batch%3 == 0 {
			for _, tbl := range []string{"an_rollup_tickets_daily", "an_tickets", "an_rollup_slas_daily", "an_slas"} {
				if err := a.conn.Exec(t.Context(), "OPTIMIZE TABLE "+tbl+" FINAL"); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, tenant := range []string{"t1", "t2"} {
			if err := a.VerifyRollups(t.Context(), tenant); err != nil {
				t.Fatalf("batch %d (seed logged above): %v", batch, err)
			}
		}
	}
}

// randomRecords generates n events (and some replays) over a few entities.
func randomRecords(tb testing.TB, r *rand.Rand, n int) []*domain.Record {
	cat := analyticstest.Catalog(tb)
	var out []*domain.Record
	pick := func(vals ...string) string {
		if r.IntN(5) == 0 {
			return "null"
		}
		return fmt.Sprintf("%q", vals[r.IntN(len(vals))])
	}
	num := func(scale int) string {
		if r.IntN(5) == 0 {
			return "null"
		}
		if scale == 0 {
			return fmt.Sprint(r.IntN(1000) - 100)
		}
		return fmt.Sprintf("%d.%02d", r.IntN(1000), r.IntN(100))
	}
	for i := range n {
		tenant := []string{"t1", "t2"}[r.IntN(2)]
		src := []string{"tickets", "slas", "maintenance", "expenses"}[r.IntN(4)]
		day := now.Add(-time.Duration(r.IntN(30*24)) * time.Hour).Format(time.RFC3339)
		var data, typ string
		switch src {
		case "tickets":
			typ = "ticket.updated"
			data = fmt.Sprintf(`{"status":%s,"priority":%s,"team_id":%s,"created_at":%q,"first_response_minutes":%s,"resolution_minutes":%s}`,
				pick("open", "pending", "resolved"), pick("low", "high"), pick("noc", "field"), day, num(0), num(0))
		case "slas":
			typ = "sla.started"
			data = fmt.Sprintf(`{"breached":%s,"policy":%s,"started_at":%q,"target_minutes":%s,"elapsed_minutes":%s}`,
				[]string{"true", "false", "null"}[r.IntN(3)], pick("P1", "P2"), day, num(0), num(0))
		case "maintenance":
			typ = "maintenance.planned"
			data = fmt.Sprintf(`{"kind":%s,"status":%s,"scheduled_for":%q,"cost":%s}`, pick("preventive", "corrective"), pick("planned", "completed"), day, num(2))
		default:
			typ = "expense.submitted"
			data = fmt.Sprintf(`{"category":%s,"currency":%s,"spent_at":%q,"amount":%s}`, pick("travel", "tools"), pick("BRL", "USD"), day, num(2))
		}
		ev := analyticstest.Ev(tenant, fmt.Sprint("r", i), src, typ, fmt.Sprintf("%s-%d", src, r.IntN(12)), int64(1+r.IntN(8)), now.Add(-time.Duration(r.IntN(100))*time.Hour), data)
		rec, err := cat.Normalize(ev, now, domain.TimeBounds{})
		if err != nil {
			tb.Fatalf("%s: %v", data, err)
		}
		out = append(out, rec)
		if r.IntN(6) == 0 {
			out = append(out, rec)
		}
	}
	return out
}

// Concurrent batches of one tenant touching the same entities must not both
// retract one stored state: the tenant lock serialises them.
func TestConcurrentBatchesOfOneTenant(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	day := now.Add(-48 * time.Hour)
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			var batch []*domain.Record
			for e := range 5 {
				v := int64(w*5 + e + 1)
				batch = append(batch, tk(t, fmt.Sprint("c", w, "-", e), fmt.Sprint("T-", e), v,
					[]string{"open", "pending", "resolved"}[int(v)%3], day, fmt.Sprintf(`,"first_response_minutes":%d`, v)))
			}
			_, err := a.Apply(t.Context(), app.IngestBatch{Records: batch, IngestedAt: now})
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	tot, err := a.SourceTotals(t.Context(), "t1", "tickets")
	if err != nil {
		t.Fatal(err)
	}
	// Each ticket T-e ends at its highest version 35+e+1.
	if tot.Rows != 5 || tot.Sums["first_response_minutes"] != 36+37+38+39+40 {
		t.Fatalf("totals %+v", tot)
	}
	mustVerify(t, a, "t1")
}
