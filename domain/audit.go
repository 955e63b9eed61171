package domain

import (
	"encoding/json"
	"time"
)

// AuditEntry is one row of audit_logs (N7): who did what to which object,
// with before/after snapshots. The application only ever appends them.
type AuditEntry struct {
	ID         string
	TenantID   string
	UserID     string // empty for anonymous or module actions
	Action     string // e.g. "team.create", "auth.login"
	ObjectType string
	ObjectID   string
	Before     json.RawMessage
	After      json.RawMessage
	RequestID  string
	IP         string
	UserAgent  string
	CreatedAt  time.Time
}

// AuditFilter selects audit rows. TenantID is required (a store refuses an
// empty one, so no caller can read across tenants by omission); other zero
// fields do not filter. Since is inclusive, Until exclusive. Cursor is the
// ID of the last row of the previous page (rows come newest first).
type AuditFilter struct {
	TenantID   string
	UserID     string
	Action     string
	ObjectType string
	ObjectID   string
	Since      time.Time
	Until      time.Time
	Cursor     string
	Limit      int
}

// MaxAuditPage bounds one page of audit rows.
const MaxAuditPage = 500

// Normalize applies the page-size default and bound.
func (f AuditFilter) Normalize() AuditFilter {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Limit > MaxAuditPage {
		f.Limit = MaxAuditPage
	}
	return f
}
