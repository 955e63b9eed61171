package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/conductor/reports/domain"
)

// Clock returns the current time; injected so tests control it.
type Clock func() time.Time

// NewID returns a time-ordered unique id (UUIDv7), so ids sort by creation
// and serve as pagination cursors.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// RequestMeta describes the request behind a use case, for audit rows.
type RequestMeta struct {
	RequestID string
	IP        string
	UserAgent string
}

type requestMetaKey struct{}

// WithRequestMeta attaches m to ctx; the HTTP edge does it once per request.
func WithRequestMeta(ctx context.Context, m RequestMeta) context.Context {
	return context.WithValue(ctx, requestMetaKey{}, m)
}

// RequestMetaFrom returns the RequestMeta of ctx (zero when absent).
func RequestMetaFrom(ctx context.Context) RequestMeta {
	m, _ := ctx.Value(requestMetaKey{}).(RequestMeta)
	return m
}

// Change describes one audited mutation.
type Change struct {
	TenantID   string
	UserID     string
	Action     string
	ObjectType string
	ObjectID   string
	Before     any // snapshot before; nil for creations
	After      any // snapshot after; nil for deletions
}

// audited runs fn and appends the audit row for change in the same
// transaction, so the change and its audit row commit or vanish together
// (N7). change is read after fn returns, so fn may fill in ids and
// snapshots.
func audited(ctx context.Context, meta MetaStore, now time.Time, change *Change, fn func(tx MetaTx) error) error {
	return meta.InTx(ctx, func(tx MetaTx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return appendAudit(ctx, tx, now, change)
	})
}

// appendAudit writes the audit row of change through tx.
func appendAudit(ctx context.Context, tx MetaTx, now time.Time, change *Change) error {
	rm := RequestMetaFrom(ctx)
	e := &domain.AuditEntry{
		ID: NewID(), TenantID: change.TenantID, UserID: change.UserID, Action: change.Action,
		ObjectType: change.ObjectType, ObjectID: change.ObjectID,
		RequestID: rm.RequestID, IP: rm.IP, UserAgent: rm.UserAgent, CreatedAt: now.UTC(),
	}
	var err error
	if e.Before, err = snapshot(change.Before); err != nil {
		return err
	}
	if e.After, err = snapshot(change.After); err != nil {
		return err
	}
	if err := tx.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("append audit %s: %w", change.Action, err)
	}
	return nil
}

func snapshot(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit snapshot: %w", err)
	}
	return b, nil
}
