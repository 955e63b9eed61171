// Package sqlmeta implements the metadata store port (app.MetaReader and
// app.MetaWriter) once, over database/sql, for both SQL adapters: the SQLite
// and PostgreSQL packages differ only in the Dialect they pass and in how they
// open and migrate their database.
//
// Queries are written with ? placeholders and rebound for PostgreSQL. Every
// query of a tenant-owned row names tenant_id, so isolation is part of each
// statement; the schema backs it with composite foreign keys.
package sqlmeta

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// Violation is the kind of constraint a failed statement broke.
type Violation int

// Constraint violations the store maps to domain errors.
const (
	// NoViolation: the error is not a constraint violation.
	NoViolation Violation = iota
	// UniqueViolation: a primary key or unique constraint clashed (conflict).
	UniqueViolation
	// ForeignKeyViolation: a reference to a missing row (invalid).
	ForeignKeyViolation
	// CheckViolation: a CHECK or NOT NULL constraint, or malformed data the
	// database refused (invalid).
	CheckViolation
)

// Dialect is what differs between the SQL engines. The zero value is not
// usable: Classify is required.
type Dialect struct {
	// Numbered rewrites ? placeholders to $1, $2, ... (PostgreSQL).
	Numbered bool
	// TimeAsText stores times as fixed-width UTC text (SQLite has no time
	// type), so they sort and compare correctly as strings. Otherwise times
	// are passed to the driver as time.Time in UTC.
	TimeAsText bool
	// Classify tells which constraint, if any, a driver error violated.
	Classify func(err error) Violation
}

// timeLayout is the text form of times under TimeAsText: fixed width (always
// six fractional digits), so string order is time order, and a layout the
// SQLite driver parses back into time.Time for TIMESTAMP columns.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// timeArg converts t into a statement argument. Times are kept to the
// microsecond, PostgreSQL's precision, so both engines return what was
// stored.
func (d *Dialect) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d.TimeAsText {
		return t.Format(timeLayout)
	}
	return t
}

// rebind rewrites ? placeholders for engines with numbered parameters. The
// queries of this package contain no ? inside literals.
func (d *Dialect) rebind(query string) string {
	if !d.Numbered || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeErr maps a failed write: unique clashes become conflicts (the
// message formatted from conflict and args, so it can be translated),
// broken references invalid errors naming refField, refused data invalid
// errors; anything else is wrapped with the action for the log.
func (d *Dialect) writeErr(err error, action, conflict, refField string, args ...any) error {
	switch d.Classify(err) {
	case UniqueViolation:
		return domain.Conflict(conflict, args...)
	case ForeignKeyViolation:
		return domain.Invalid(refField, "refers to an unknown or other-tenant row")
	case CheckViolation:
		return domain.Invalid("", "%s: value refused by the store", action)
	}
	return fmt.Errorf("%s: %w", action, err)
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

// Reader implements app.MetaReader. Adapters embed one over their read pool;
// Tx embeds one over the transaction so reads inside it see its writes.
type Reader struct {
	q querier
	d *Dialect
}

// NewReader returns a Reader over db.
func NewReader(db *sql.DB, d *Dialect) Reader { return Reader{q: db, d: d} }

// Tx implements app.MetaTx over one database transaction.
type Tx struct {
	Reader
}

var _ app.MetaTx = (*Tx)(nil)

// RunTx runs fn in one transaction on db: committed when fn returns nil,
// rolled back when it returns an error or panics. fn's error is returned
// as is, so domain errors keep their code.
func RunTx(ctx context.Context, db *sql.DB, d *Dialect, opts *sql.TxOptions, fn func(app.MetaTx) error) (err error) {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && err != nil {
			err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
	}()
	if err := fn(&Tx{Reader{q: tx, d: d}}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	committed = true
	return nil
}

// exec runs a write statement.
func (r Reader) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.q.ExecContext(ctx, r.d.rebind(query), args...)
}

// affectOne runs a statement that must change exactly one row; zero rows is
// the not-found error of what.
func (r Reader) affectOne(ctx context.Context, what, action string, query string, args ...any) error {
	res, err := r.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if n == 0 {
		return domain.NotFound(what)
	}
	return nil
}

// getOne reads one row; no row is the not-found error of what.
func getOne[T any](ctx context.Context, r Reader, what string, scan func(scanner) (*T, error), query string, args ...any) (*T, error) {
	v, err := scan(r.q.QueryRowContext(ctx, r.d.rebind(query), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.NotFound(what)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", what, err)
	}
	return v, nil
}

// listAll reads every row; an empty result is an empty, non-nil slice so it
// encodes as [] rather than null.
func listAll[T any](ctx context.Context, r Reader, what string, scan func(scanner) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := r.q.QueryContext(ctx, r.d.rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", what, err)
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	return out, nil
}

// listStrings reads a one-column list of ids.
func listStrings(ctx context.Context, r Reader, what string, query string, args ...any) ([]string, error) {
	ids, err := listAll(ctx, r, what, func(s scanner) (*string, error) {
		var id string
		return &id, s.Scan(&id)
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// ref is a reference a new row makes to another row of its tenant. table is
// a constant of this package, never input.
type ref struct {
	field string
	table string
	id    string
}

// requireRefs checks, inside the writing transaction, that each referenced
// row exists in tenantID. The schema's composite foreign keys enforce the
// same; checking first names the offending field exactly (SQLite does not
// say which key failed) and covers polymorphic references (grant and policy
// subjects) no foreign key can express.
func (r Reader) requireRefs(ctx context.Context, tenantID string, refs ...ref) error {
	for _, rf := range refs {
		var n int
		q := "SELECT COUNT(*) FROM " + rf.table + " WHERE tenant_id = ? AND id = ?"
		if err := r.q.QueryRowContext(ctx, r.d.rebind(q), tenantID, rf.id).Scan(&n); err != nil {
			return fmt.Errorf("check %s: %w", rf.field, err)
		}
		if n == 0 {
			return domain.Invalid(rf.field, "refers to an unknown %s", strings.TrimSuffix(rf.table, "s"))
		}
	}
	return nil
}

// subjectRef is the reference of a grant or policy subject.
func subjectRef(st domain.SubjectType, id string) ref {
	if st == domain.SubjectTeam {
		return ref{field: "subject_id", table: "teams", id: id}
	}
	return ref{field: "subject_id", table: "users", id: id}
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
