package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

func testSessions(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ann := f.user(a.ID, "ann@acme.test")
	newSession := func(tenantID, userID string, ttl time.Duration) *domain.Session {
		return &domain.Session{TokenHash: newID(), TenantID: tenantID, UserID: userID,
			CreatedAt: base.UTC(), ExpiresAt: base.Add(ttl).UTC(), IP: "203.0.113.7", UserAgent: "test/1.0"}
	}
	live, expired, edge := newSession(a.ID, ann.ID, time.Hour), newSession(a.ID, ann.ID, -time.Minute), newSession(a.ID, ann.ID, 0)
	f.must(func(tx app.MetaTx) error {
		for _, s := range []*domain.Session{live, expired, edge} {
			if err := tx.CreateSession(f.ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := f.s.GetSession(f.ctx, live.TokenHash)
	check(t, err)
	wantEqual(t, "GetSession", got, live)
	// Expired sessions are still returned: the caller decides.
	got, err = f.s.GetSession(f.ctx, expired.TokenHash)
	check(t, err)
	if got.ActiveAt(base) {
		t.Fatal("expired session reads as active")
	}
	_, err = f.s.GetSession(f.ctx, newID())
	wantCode(t, err, domain.CodeNotFound, "")

	dup := *live
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateSession(f.ctx, &dup) })
	f.wantTx(domain.CodeInvalid, "user_id", func(tx app.MetaTx) error {
		return tx.CreateSession(f.ctx, newSession(b.ID, ann.ID, time.Hour))
	})

	var n int64
	f.must(func(tx app.MetaTx) (err error) {
		n, err = tx.DeleteExpiredSessions(f.ctx, base)
		return err
	})
	if n != 2 {
		t.Fatalf("DeleteExpiredSessions removed %d, want 2 (expired and expiring exactly now)", n)
	}
	for _, s := range []*domain.Session{expired, edge} {
		_, err = f.s.GetSession(f.ctx, s.TokenHash)
		wantCode(t, err, domain.CodeNotFound, "")
	}
	f.must(func(tx app.MetaTx) error { return tx.DeleteSession(f.ctx, live.TokenHash) })
	_, err = f.s.GetSession(f.ctx, live.TokenHash)
	wantCode(t, err, domain.CodeNotFound, "")
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.DeleteSession(f.ctx, live.TokenHash) })
}

// auditEntry builds an audit row of tenantID at the given time.
func auditEntry(tenantID, userID, action string, at time.Time) *domain.AuditEntry {
	return &domain.AuditEntry{ID: newID(), TenantID: tenantID, UserID: userID, Action: action,
		ObjectType: "team", ObjectID: "t1", RequestID: "req-1", IP: "192.0.2.1", UserAgent: "test/1.0",
		CreatedAt: at.UTC()}
}

func testTransactions(t *testing.T, f *fixture) {
	tn, err := domain.NewTenant(newID(), "acme", "Acme", base)
	check(t, err)
	u, err := domain.NewUser(newID(), tn.ID, "ann@acme.test", "Ann", domain.RoleAdmin, base)
	check(t, err)
	boom := errors.New("boom")

	// A failure after the change and its audit row leaves neither behind.
	err = f.tx(func(tx app.MetaTx) error {
		if err := tx.CreateTenant(f.ctx, tn); err != nil {
			return err
		}
		if err := tx.CreateUser(f.ctx, u); err != nil {
			return err
		}
		if err := tx.AppendAudit(f.ctx, auditEntry(tn.ID, u.ID, "user.create", base)); err != nil {
			return err
		}
		// Reads inside the transaction see its own writes.
		if _, err := tx.GetUser(f.ctx, tn.ID, u.ID); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx error = %v, want the callback's error unchanged", err)
	}
	_, err = f.s.GetTenant(f.ctx, tn.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	if n, err := f.s.CountUsers(f.ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers after rollback = %d, %v", n, err)
	}
	rows, err := f.s.ListAudit(f.ctx, domain.AuditFilter{TenantID: tn.ID})
	check(t, err)
	wantEqual(t, "audit rows after rollback", rows, []domain.AuditEntry{})

	// A domain error keeps its code through InTx.
	err = f.tx(func(tx app.MetaTx) error { return domain.Forbidden("no") })
	wantCode(t, err, domain.CodeForbidden, "")

	// The same work committed is all there.
	f.must(func(tx app.MetaTx) error {
		if err := tx.CreateTenant(f.ctx, tn); err != nil {
			return err
		}
		if err := tx.CreateUser(f.ctx, u); err != nil {
			return err
		}
		return tx.AppendAudit(f.ctx, auditEntry(tn.ID, u.ID, "user.create", base))
	})
	if _, err := f.s.GetUser(f.ctx, tn.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	rows, err = f.s.ListAudit(f.ctx, domain.AuditFilter{TenantID: tn.ID})
	check(t, err)
	if len(rows) != 1 {
		t.Fatalf("audit rows after commit = %d, want 1", len(rows))
	}
}

func testTransactionPanic(t *testing.T, f *fixture) {
	tn, err := domain.NewTenant(newID(), "acme", "Acme", base)
	check(t, err)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("InTx swallowed the panic")
			}
		}()
		_ = f.tx(func(tx app.MetaTx) error {
			if err := tx.CreateTenant(f.ctx, tn); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	_, err = f.s.GetTenant(f.ctx, tn.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	// The store is still usable: the connection went back to the pool.
	f.must(func(tx app.MetaTx) error { return tx.CreateTenant(f.ctx, tn) })
}

// testConcurrentTransactions runs writers and readers at once: every write
// must commit (SQLite must queue writers rather than fail with SQLITE_BUSY)
// and reads must not block on them.
func testConcurrentTransactions(t *testing.T, f *fixture) {
	const writers = 8
	errs := make(chan error, 2*writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			tn, err := domain.NewTenant(newID(), fmt.Sprintf("tenant-%d", i), "Tenant", base)
			if err != nil {
				errs <- err
				return
			}
			errs <- f.tx(func(tx app.MetaTx) error {
				if err := tx.CreateTenant(f.ctx, tn); err != nil {
					return err
				}
				return tx.AppendAudit(f.ctx, auditEntry(tn.ID, "", "tenant.create", base))
			})
		}()
		go func() {
			defer wg.Done()
			_, err := f.s.ListTenants(f.ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		check(t, err)
	}
	list, err := f.s.ListTenants(f.ctx)
	check(t, err)
	if len(list) != writers {
		t.Fatalf("tenants = %d, want %d", len(list), writers)
	}
}
