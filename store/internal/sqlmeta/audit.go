package sqlmeta

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/conductor/reports/domain"
)

const auditCols = "id, tenant_id, user_id, action, object_type, object_id, before_json, after_json, request_id, ip, user_agent, created_at"

func scanAudit(s scanner) (*domain.AuditEntry, error) {
	var (
		e             domain.AuditEntry
		before, after sql.NullString
	)
	if err := s.Scan(&e.ID, &e.TenantID, &e.UserID, &e.Action, &e.ObjectType, &e.ObjectID,
		&before, &after, &e.RequestID, &e.IP, &e.UserAgent, &e.CreatedAt); err != nil {
		return nil, err
	}
	if before.Valid {
		e.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		e.After = json.RawMessage(after.String)
	}
	e.CreatedAt = e.CreatedAt.UTC()
	return &e, nil
}

// jsonArg stores an optional snapshot: NULL when absent.
func jsonArg(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return string(m)
}

// AppendAudit adds one audit row. Snapshots must be JSON (PostgreSQL keeps
// them as jsonb, so their key order and spacing are not preserved).
func (x *Tx) AppendAudit(ctx context.Context, e *domain.AuditEntry) error {
	if err := requireID("id", e.ID); err != nil {
		return err
	}
	if err := requireID("action", e.Action); err != nil {
		return err
	}
	if len(e.Before) > 0 && !json.Valid(e.Before) {
		return domain.Invalid("before", "must be JSON")
	}
	if len(e.After) > 0 && !json.Valid(e.After) {
		return domain.Invalid("after", "must be JSON")
	}
	_, err := x.exec(ctx, "INSERT INTO audit_logs ("+auditCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		e.ID, e.TenantID, e.UserID, e.Action, e.ObjectType, e.ObjectID, jsonArg(e.Before), jsonArg(e.After),
		e.RequestID, e.IP, e.UserAgent, x.d.timeArg(e.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "append audit "+e.ID, "audit id is taken", "tenant_id")
	}
	return nil
}

func requireID(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return domain.Invalid(field, "is required")
	}
	return nil
}

// ListAudit returns the rows of f.TenantID matching f, newest first (ids are
// UUIDv7, so id order is time order), at most f.Limit after Normalize.
// Since is inclusive and Until exclusive; Cursor is the id of the last row
// of the previous page. The tenant is required: an audit query without one
// fails closed instead of reading every tenant's rows.
func (r Reader) ListAudit(ctx context.Context, f domain.AuditFilter) ([]domain.AuditEntry, error) {
	f = f.Normalize()
	if f.TenantID == "" {
		return nil, domain.Invalid("tenant_id", "is required")
	}
	where := []string{"tenant_id = ?"}
	args := []any{f.TenantID}
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.UserID != "" {
		add("user_id = ?", f.UserID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if !f.Since.IsZero() {
		add("created_at >= ?", r.d.timeArg(f.Since))
	}
	if !f.Until.IsZero() {
		add("created_at < ?", r.d.timeArg(f.Until))
	}
	if f.Cursor != "" {
		add("id < ?", f.Cursor)
	}
	args = append(args, f.Limit)
	return listAll(ctx, r, "audit", scanAudit,
		"SELECT "+auditCols+" FROM audit_logs WHERE "+strings.Join(where, " AND ")+" ORDER BY id DESC LIMIT ?", args...)
}
