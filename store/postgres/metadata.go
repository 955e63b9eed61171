// Package postgres is the cluster metadata store: PostgreSQL through pgx v5,
// used via database/sql (pgx's stdlib driver) so it shares every query with
// the SQLite adapter.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/internal/sqlmeta"
)

// Pool bounds. Metadata traffic is light (lookups, small writes), so a
// modest pool per node keeps a cluster of nodes well under PostgreSQL's
// default max_connections of 100.
const (
	maxOpenConns    = 20
	maxIdleConns    = 10
	connMaxLifetime = 30 * time.Minute
	connMaxIdleTime = 5 * time.Minute
)

// Metadata implements app.MetaStore on PostgreSQL. Transactions run at READ
// COMMITTED, the server default: each statement of the store is
// self-contained and tenant-keyed, and uniqueness is left to constraints.
type Metadata struct {
	sqlmeta.Reader
	db *sql.DB
}

var _ app.MetaStore = (*Metadata)(nil)

// dialect is PostgreSQL's flavour of the shared SQL.
var dialect = &sqlmeta.Dialect{Numbered: true, Classify: classify}

// Open connects to the PostgreSQL database named by dsn (a URL or key=value
// string as pgx accepts) and checks it answers. It does not migrate: call
// Migrate.
func Open(ctx context.Context, dsn string) (*Metadata, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse postgres dsn: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxLifetime(connMaxLifetime)
	db.SetConnMaxIdleTime(connMaxIdleTime)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect postgres %s:%d/%s: %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	return &Metadata{Reader: sqlmeta.NewReader(db, dialect), db: db}, nil
}

// Migrate brings the schema up to the newest embedded migration. A session
// advisory lock serialises nodes that start together.
func (m *Metadata) Migrate(ctx context.Context) error {
	p, err := newMigrator(m.db, schema.PostgresMigrations)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate postgres: %w", err)
	}
	return nil
}

// newMigrator returns a goose provider of fsys over db. It is not closed:
// closing it would close db.
func newMigrator(db *sql.DB, fsys fs.FS) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("postgres migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("postgres migrations: %w", err)
	}
	return p, nil
}

// InTx runs fn in one READ COMMITTED transaction.
func (m *Metadata) InTx(ctx context.Context, fn func(tx app.MetaTx) error) error {
	return sqlmeta.RunTx(ctx, m.db, dialect, nil, fn)
}

// Ping checks the server answers.
func (m *Metadata) Ping(ctx context.Context) error {
	if err := m.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// Close closes the pool.
func (m *Metadata) Close() error { return m.db.Close() }

// classify reads PostgreSQL's SQLSTATE codes: class 23 is integrity
// constraints, class 22 data the server refused (such as malformed JSON).
func classify(err error) sqlmeta.Violation {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return sqlmeta.NoViolation
	}
	switch {
	case pe.Code == "23505":
		return sqlmeta.UniqueViolation
	case pe.Code == "23503":
		return sqlmeta.ForeignKeyViolation
	case pe.Code == "23514", pe.Code == "23502", strings.HasPrefix(pe.Code, "22"):
		return sqlmeta.CheckViolation
	}
	return sqlmeta.NoViolation
}
