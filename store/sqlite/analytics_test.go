package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/analyticstest"
)

// openAnalytics opens a migrated analytics store in a temp file.
func openAnalytics(t testing.TB) *Analytics {
	t.Helper()
	ctx := context.Background()
	a, err := OpenAnalytics(ctx, filepath.Join(t.TempDir(), "reports.db"), analyticstest.Catalog(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAnalyticsContract(t *testing.T) {
	analyticstest.Analytics(t, func(t *testing.T) app.Analytics { return openAnalytics(t) })
}

// Migration 00002 adds rollups to a store that already holds data: it
// fills them from the entity tables, so they equal the raw aggregation
// before the first batch reaches them. Dropped (down) and added again (up)
// on the demo data, they must pass VerifyRollups, then keep passing as
// batches retract and move tickets.
func TestNarrowRollupsBackfilled(t *testing.T) {
	a, now := demoStore(t)
	ctx := context.Background()
	p, err := goose.NewProvider(goose.DialectSQLite3, a.writer, schema.AnalyticsSQLiteMigrations,
		goose.WithTableName("goose_analytics_version"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"an_rollup_tickets_daily_status", "an_rollup_tickets_daily_customer", "an_rollup_tickets_monthly_site"} {
		var n int
		if err := a.reader.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n == 0 {
			t.Fatalf("%s after the migration: %d rows, %v", table, n, err)
		}
	}
	if err := a.VerifyRollups(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	recs := demoRecords(t, a, now.Add(time.Hour))
	for i := range recs {
		recs[i].Event.ID += "-later"
		recs[i].Event.Version += 10
	}
	if _, err := a.Apply(ctx, app.IngestBatch{Records: recs[:1500], IngestedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.VerifyRollups(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
}

// The verification's SQL buckets equal domain.Bucket, around month ends,
// leap days and before 1970.
func TestBucketSQL(t *testing.T) {
	a := openAnalytics(t)
	for _, at := range []time.Time{
		time.Date(2026, 2, 28, 23, 59, 59, 999e6, time.UTC), time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 500e6, time.UTC), time.Date(1969, 7, 1, 0, 0, 0, 0, time.UTC),
	} {
		for _, grain := range []string{"hour", "day", "month"} {
			var got int64
			if err := a.reader.QueryRow("SELECT "+bucketSQL("?1", grain), ms(at)).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := domain.Bucket(at, grain); got != ms(want) {
				t.Errorf("%s of %s: %s, want %s", grain, at, fromMS(got), want)
			}
		}
	}
}

// Migration 00003 rebuilds an_events as a rowid table on a store that holds
// data: every event is kept, the (tenant_id, event_id) key still makes a
// replayed batch all duplicates, and going down and up again keeps both.
func TestEventsRowidMigrationKeepsEventsAndDedupe(t *testing.T) {
	a, now := demoStore(t)
	ctx := context.Background()
	digest := func() string {
		var n int64
		var sum string
		err := a.reader.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(event_id) + occurred_at % 1000003 + version), 0) || ''
			FROM an_events`).Scan(&n, &sum)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(n, "/", sum)
	}
	withoutRowid := func() bool {
		var ddl string
		if err := a.reader.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'an_events'`).Scan(&ddl); err != nil {
			t.Fatal(err)
		}
		return strings.Contains(ddl, "WITHOUT ROWID")
	}
	if withoutRowid() {
		t.Fatal("an_events is still WITHOUT ROWID after the migrations")
	}
	want := digest()
	p, err := goose.NewProvider(goose.DialectSQLite3, a.writer, schema.AnalyticsSQLiteMigrations,
		goose.WithTableName("goose_analytics_version"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if !withoutRowid() || digest() != want {
		t.Fatalf("down: without rowid %v, events %s, want %s", withoutRowid(), digest(), want)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if withoutRowid() || digest() != want {
		t.Fatalf("up again: without rowid %v, events %s, want %s", withoutRowid(), digest(), want)
	}
	recs := demoRecords(t, a, now)
	res, err := a.Apply(ctx, app.IngestBatch{Records: recs[:500], IngestedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 0 || res.Duplicates != 500 {
		t.Fatalf("replayed batch after the migration: %+v, want 500 duplicates", res)
	}
	if digest() != want {
		t.Fatalf("a replay changed the events: %s, want %s", digest(), want)
	}
	if err := a.VerifyRollups(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
}

// cancelAfter is a context whose Err reports cancellation from its n+1st
// call on: a batch cancelled between two of Apply's phases.
type cancelAfter struct {
	context.Context
	calls, n int
}

func (c *cancelAfter) Err() error {
	c.calls++
	if c.calls > c.n {
		return context.Canceled
	}
	return nil
}

// Apply's statements do not watch ctx (see Apply), but a batch whose
// context ends between phases is rolled back, not committed.
func TestApplyCancelledBetweenPhasesCommitsNothing(t *testing.T) {
	a := openAnalytics(t)
	cat := analyticstest.Catalog(t)
	var recs []*domain.Record
	for i := 0; i < 50; i++ {
		ev := analyticstest.Ev("t1", fmt.Sprintf("ev-%d", i), "tickets", "ticket.created", fmt.Sprintf("T-%d", i), 1, analyticstest.Now,
			fmt.Sprintf(`{"status":"open","created_at":%q}`, analyticstest.Now.Format(time.RFC3339)))
		recs = append(recs, analyticstest.Rec(t, cat, ev))
	}
	for n := 1; n <= 5; n++ {
		ctx := &cancelAfter{Context: context.Background(), n: n}
		if _, err := a.Apply(ctx, app.IngestBatch{Records: recs, IngestedAt: analyticstest.Now}); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled after %d phases: err = %v, want context.Canceled", n, err)
		}
		for _, src := range []string{"events", "tickets"} {
			tot, err := a.SourceTotals(context.Background(), "t1", src)
			if err != nil {
				t.Fatal(err)
			}
			if tot.Rows != 0 {
				t.Fatalf("cancelled after %d phases: %d %s stored", n, tot.Rows, src)
			}
		}
	}
	res, err := a.Apply(context.Background(), app.IngestBatch{Records: recs, IngestedAt: analyticstest.Now})
	if err != nil || res.Inserted != len(recs) {
		t.Fatalf("the same batch, not cancelled: %+v, %v", res, err)
	}
}
