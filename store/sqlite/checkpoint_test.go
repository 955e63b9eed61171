package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/store/analyticstest"
)

// The ingest writer no longer checkpoints inside its commits (its own
// autocheckpoint waits for a WAL of writerAutoCheckpoint pages, far more
// than this test writes): the checkpointer copies each committed batch
// into the database file on its own connection, so the file grows while
// the store is open, and the store stays readable and exact meanwhile.
func TestCheckpointerCopiesCommittedBatchesIntoTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "reports.db")
	cat := analyticstest.Catalog(t)
	a, err := OpenAnalytics(ctx, path, cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := size()
	const n = 3000
	recs := make([]*domain.Record, 0, n)
	for i := 0; i < n; i++ {
		ev := analyticstest.Ev("t1", fmt.Sprintf("ev-%d", i), "tickets", "ticket.created", fmt.Sprintf("T-%d", i), 1,
			analyticstest.Now.Add(-time.Duration(i)*time.Minute),
			fmt.Sprintf(`{"status":"open","priority":"low","category":"Rede","customer_id":"c%d","created_at":%q}`, i%7,
				analyticstest.Now.Add(-time.Duration(i)*time.Minute).Format(time.RFC3339)))
		recs = append(recs, analyticstest.Rec(t, cat, ev))
	}
	for i := 0; i < n; i += 500 {
		if _, err := a.Apply(ctx, app.IngestBatch{Records: recs[i : i+500], IngestedAt: analyticstest.Now}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for size() < before+256<<10 {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes, was %d: the committed batches were never checkpointed", size(), before)
		}
		time.Sleep(5 * time.Millisecond)
	}
	tot, err := a.SourceTotals(ctx, "t1", "tickets")
	if err != nil {
		t.Fatal(err)
	}
	if tot.Rows != n {
		t.Fatalf("tickets %d, want %d", tot.Rows, n)
	}
	if err := a.VerifyRollups(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
}
