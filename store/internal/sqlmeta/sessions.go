package sqlmeta

import (
	"context"
	"fmt"
	"time"

	"github.com/conductor/reports/domain"
)

const sessionCols = "token_hash, tenant_id, user_id, created_at, expires_at, ip, user_agent"

func scanSession(s scanner) (*domain.Session, error) {
	var v domain.Session
	if err := s.Scan(&v.TokenHash, &v.TenantID, &v.UserID, &v.CreatedAt, &v.ExpiresAt, &v.IP, &v.UserAgent); err != nil {
		return nil, err
	}
	v.CreatedAt, v.ExpiresAt = v.CreatedAt.UTC(), v.ExpiresAt.UTC()
	return &v, nil
}

// GetSession returns the session with tokenHash, expired or not: the caller
// decides with Session.ActiveAt.
func (r Reader) GetSession(ctx context.Context, tokenHash string) (*domain.Session, error) {
	return getOne(ctx, r, "session", scanSession,
		"SELECT "+sessionCols+" FROM sessions WHERE token_hash = ?", tokenHash)
}

// CreateSession inserts s; its user must exist in its tenant.
func (x *Tx) CreateSession(ctx context.Context, s *domain.Session) error {
	if err := x.requireRefs(ctx, s.TenantID, ref{field: "user_id", table: "users", id: s.UserID}); err != nil {
		return err
	}
	_, err := x.exec(ctx, "INSERT INTO sessions ("+sessionCols+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		s.TokenHash, s.TenantID, s.UserID, x.d.timeArg(s.CreatedAt), x.d.timeArg(s.ExpiresAt), s.IP, s.UserAgent)
	if err != nil {
		return x.d.writeErr(err, "create session", "session token is taken", "user_id")
	}
	return nil
}

// DeleteSession removes the session with tokenHash (logout).
func (x *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	return x.affectOne(ctx, "session", "delete session",
		"DELETE FROM sessions WHERE token_hash = ?", tokenHash)
}

// DeleteExpiredSessions removes the sessions no longer active at now (see
// Session.ActiveAt: a session expiring exactly at now is expired) and
// returns how many.
func (x *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := x.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", x.d.timeArg(now))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}
