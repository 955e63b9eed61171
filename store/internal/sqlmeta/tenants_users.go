package sqlmeta

import (
	"context"
	"fmt"

	"github.com/conductor/reports/domain"
)

const tenantCols = "id, slug, name, created_at"

func scanTenant(s scanner) (*domain.Tenant, error) {
	var t domain.Tenant
	if err := s.Scan(&t.ID, &t.Slug, &t.Name, &t.CreatedAt); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}

// GetTenant returns the tenant with id.
func (r Reader) GetTenant(ctx context.Context, id string) (*domain.Tenant, error) {
	return getOne(ctx, r, "tenant", scanTenant,
		"SELECT "+tenantCols+" FROM tenants WHERE id = ?", id)
}

// GetTenantBySlug returns the tenant with slug.
func (r Reader) GetTenantBySlug(ctx context.Context, slug string) (*domain.Tenant, error) {
	return getOne(ctx, r, "tenant", scanTenant,
		"SELECT "+tenantCols+" FROM tenants WHERE slug = ?", slug)
}

// ListTenants returns every tenant, by slug.
func (r Reader) ListTenants(ctx context.Context) ([]domain.Tenant, error) {
	return listAll(ctx, r, "tenants", scanTenant,
		"SELECT "+tenantCols+" FROM tenants ORDER BY slug")
}

// CreateTenant inserts t; a taken id or slug is a conflict.
func (x *Tx) CreateTenant(ctx context.Context, t *domain.Tenant) error {
	_, err := x.exec(ctx, "INSERT INTO tenants ("+tenantCols+") VALUES (?, ?, ?, ?)",
		t.ID, t.Slug, t.Name, x.d.timeArg(t.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create tenant "+t.ID, "tenant slug %q or id is taken", "id", t.Slug)
	}
	return nil
}

const userCols = "id, tenant_id, email, name, role, password_hash, external_id, disabled, created_at"

func scanUser(s scanner) (*domain.User, error) {
	var u domain.User
	if err := s.Scan(&u.ID, &u.TenantID, &u.Email, &u.Name, &u.Role, &u.PasswordHash,
		&u.ExternalID, &u.Disabled, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// CountUsers counts users across all tenants.
func (r Reader) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// GetUser returns the user id of tenantID.
func (r Reader) GetUser(ctx context.Context, tenantID, id string) (*domain.User, error) {
	return getOne(ctx, r, "user", scanUser,
		"SELECT "+userCols+" FROM users WHERE tenant_id = ? AND id = ?", tenantID, id)
}

// GetUserByEmail returns the user whose normalised email is email, in any
// tenant: the email is the login key.
func (r Reader) GetUserByEmail(ctx context.Context, email string) (*domain.User, error) {
	return getOne(ctx, r, "user", scanUser,
		"SELECT "+userCols+" FROM users WHERE email = ?", email)
}

// GetUserByExternalID returns the user of tenantID with the SSO subject
// externalID. An empty externalID matches nobody: local users have none.
func (r Reader) GetUserByExternalID(ctx context.Context, tenantID, externalID string) (*domain.User, error) {
	if externalID == "" {
		return nil, domain.NotFound("user")
	}
	return getOne(ctx, r, "user", scanUser,
		"SELECT "+userCols+" FROM users WHERE tenant_id = ? AND external_id = ?", tenantID, externalID)
}

// ListUsers returns the users of tenantID, by email.
func (r Reader) ListUsers(ctx context.Context, tenantID string) ([]domain.User, error) {
	return listAll(ctx, r, "users", scanUser,
		"SELECT "+userCols+" FROM users WHERE tenant_id = ? ORDER BY email", tenantID)
}

// CreateUser inserts u. A taken email (in any tenant), external id (in the
// tenant) or id is a conflict; an unknown tenant is invalid.
func (x *Tx) CreateUser(ctx context.Context, u *domain.User) error {
	_, err := x.exec(ctx, "INSERT INTO users ("+userCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		u.ID, u.TenantID, u.Email, u.Name, string(u.Role), u.PasswordHash, u.ExternalID,
		u.Disabled, x.d.timeArg(u.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create user "+u.ID, "a user with this email or external id already exists", "tenant_id")
	}
	return nil
}

// UpdateUser stores u's name, role, password hash, external id and disabled
// flag. Tenant, email and creation time never change here.
func (x *Tx) UpdateUser(ctx context.Context, u *domain.User) error {
	res, err := x.exec(ctx, `UPDATE users SET name = ?, role = ?, password_hash = ?, external_id = ?, disabled = ?
		WHERE tenant_id = ? AND id = ?`,
		u.Name, string(u.Role), u.PasswordHash, u.ExternalID, u.Disabled, u.TenantID, u.ID)
	if err != nil {
		return x.d.writeErr(err, "update user "+u.ID, "a user with this external id already exists", "")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.ID, err)
	}
	if n == 0 {
		return domain.NotFound("user")
	}
	return nil
}
