package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// AuditAppendOnly checks that the schema refuses to change audit rows:
// exec runs raw SQL on the adapter's database, bypassing the port (which
// has no way to update or delete audit rows at all). Each engine passes
// the statements it can run (PostgreSQL adds TRUNCATE).
func AuditAppendOnly(t *testing.T, m app.MetaStore, exec func(ctx context.Context, stmt string) error, extra ...string) {
	t.Helper()
	ctx := t.Context()
	now := time.Now()
	tn, err := domain.NewTenant("t1", "acme", "Acme", now)
	if err != nil {
		t.Fatal(err)
	}
	e := &domain.AuditEntry{ID: "a1", TenantID: tn.ID, Action: "tenant.create", CreatedAt: now}
	if err := m.InTx(ctx, func(tx app.MetaTx) error {
		if err := tx.CreateTenant(ctx, tn); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, e)
	}); err != nil {
		t.Fatal(err)
	}
	stmts := append([]string{
		"UPDATE audit_logs SET action = 'forged'",
		"DELETE FROM audit_logs",
		"DELETE FROM audit_logs WHERE id = 'a1'",
	}, extra...)
	for _, stmt := range stmts {
		if err := exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
		}
	}
	rows, err := m.ListAudit(ctx, domain.AuditFilter{TenantID: tn.ID})
	if err != nil || len(rows) != 1 || rows[0].Action != "tenant.create" {
		t.Fatalf("audit after refused changes = %#v, %v", rows, err)
	}
}
