// Package sqlite is the embedded metadata store: one SQLite file
// (modernc.org/sqlite, pure Go) holding tenants, users, grants, sessions,
// the audit log and the rest of the metadata, for `make run` and single-node
// installs.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/internal/sqlmeta"
)

// busyTimeoutMS is how long a connection waits for a lock before failing
// with SQLITE_BUSY; long enough to ride out a checkpoint or a long read.
const busyTimeoutMS = 5000

// Metadata implements app.MetaStore on one SQLite file. SQLite allows one
// writer at a time, so writes (InTx, Migrate) go through a single-connection
// pool whose transactions begin IMMEDIATE: writers queue in Go instead of
// failing with SQLITE_BUSY. Reads outside a transaction use a separate
// read-only pool and run concurrently with the writer thanks to WAL.
type Metadata struct {
	sqlmeta.Reader
	writer *sql.DB
	reader *sql.DB
}

var _ app.MetaStore = (*Metadata)(nil)

// dialect is SQLite's flavour of the shared SQL.
var dialect = &sqlmeta.Dialect{TimeAsText: true, Classify: classify}

// Open opens (creating if needed) the SQLite database at path with WAL,
// a busy timeout and foreign keys on. It does not migrate: call Migrate.
func Open(ctx context.Context, path string) (*Metadata, error) {
	// The writer connects first: it switches the file to WAL before any
	// read-only connection opens it.
	writer, err := openPool(ctx, dsn(path, false), 1)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	reader, err := openPool(ctx, dsn(path, true), max(4, runtime.GOMAXPROCS(0)))
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &Metadata{Reader: sqlmeta.NewReader(reader, dialect), writer: writer, reader: reader}, nil
}

// openPool opens a pool of at most conns connections that are kept open:
// reopening a SQLite connection re-reads the schema for nothing.
func openPool(ctx context.Context, dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// dsn builds the driver's connection string. Every connection gets the
// busy timeout and foreign keys (both are per connection in SQLite); the
// writer sets WAL (persistent in the file) and begins transactions
// IMMEDIATE; readers are query_only so a stray write fails loudly.
func dsn(path string, readOnly bool, extra ...string) string {
	q := url.Values{}
	for _, p := range extra {
		q.Add("_pragma", p)
	}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "foreign_keys(1)")
	// A 64 MiB page cache per connection: the analytics tables are read
	// and updated at random (entity states, rollup rows), and the default
	// 2 MiB cache sends most of those accesses to the OS.
	q.Add("_pragma", "cache_size(-65536)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
	}
	// A plain path, not a file: URI, so the driver takes it verbatim
	// (spaces and all) and parses only what follows the '?'.
	return path + "?" + q.Encode()
}

// Migrate brings the schema up to the newest embedded migration.
func (m *Metadata) Migrate(ctx context.Context) error {
	p, err := newMigrator(m.writer, schema.SQLiteMigrations)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate sqlite: %w", err)
	}
	return nil
}

// newMigrator returns a goose provider of fsys over db. It is not closed:
// closing it would close db.
func newMigrator(db *sql.DB, fsys fs.FS) (*goose.Provider, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		return nil, fmt.Errorf("sqlite migrations: %w", err)
	}
	return p, nil
}

// InTx runs fn in one IMMEDIATE transaction on the writer connection.
func (m *Metadata) InTx(ctx context.Context, fn func(tx app.MetaTx) error) error {
	return sqlmeta.RunTx(ctx, m.writer, dialect, nil, fn)
}

// Ping checks both pools can reach the file.
func (m *Metadata) Ping(ctx context.Context) error {
	if err := m.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite writer: %w", err)
	}
	if err := m.reader.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite reader: %w", err)
	}
	return nil
}

// Close closes both pools.
func (m *Metadata) Close() error {
	return errors.Join(m.reader.Close(), m.writer.Close())
}

// classify reads SQLite's extended result codes.
func classify(err error) sqlmeta.Violation {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return sqlmeta.NoViolation
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return sqlmeta.UniqueViolation
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return sqlmeta.ForeignKeyViolation
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return sqlmeta.CheckViolation
	}
	return sqlmeta.NoViolation
}
