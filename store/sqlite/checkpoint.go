package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
)

// writerAutoCheckpoint is the WAL size, in pages, at which the ingest
// writer checkpoints by itself: a safety net, far above what the
// checkpointer lets the WAL reach while it keeps up.
const writerAutoCheckpoint = 20_000

// checkpointer copies the WAL back into the database file on its own
// connection and goroutine after each ingest commit, so the writer does not
// do it inside its commits (a tenth of an ingest batch's cost when it did).
// It runs PASSIVE checkpoints: they never block the writer or readers and
// copy what no reader still needs; SQLite lets a checkpoint run while
// another connection writes. Durability is unchanged: a commit is durable
// in the WAL before Apply returns, checkpointed or not.
type checkpointer struct {
	db   *sql.DB
	wake chan struct{} // never closed: poke may race with close
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func newCheckpointer(ctx context.Context, path string) (*checkpointer, error) {
	db, err := openPool(ctx, dsn(path, false), 1)
	if err != nil {
		return nil, err
	}
	c := &checkpointer{db: db, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// poke asks for a checkpoint without waiting; pokes made while one runs
// coalesce into the next.
func (c *checkpointer) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		if err := c.checkpoint(context.Background()); err != nil {
			// The writer's own autocheckpoint is the fallback.
			slog.Warn("sqlite wal checkpoint", "err", err)
		}
	}
}

// checkpoint runs one PASSIVE checkpoint and reports a failure; a busy
// result (another checkpoint running) is not one.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	var busy, logFrames, done int64
	err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done)
	if err != nil {
		return fmt.Errorf("wal checkpoint: %w", err)
	}
	return nil
}

// close stops the goroutine and closes its connection.
func (c *checkpointer) close() error {
	var err error
	c.once.Do(func() {
		close(c.stop)
		<-c.done
		err = c.db.Close()
	})
	return err
}
