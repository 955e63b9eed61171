package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/conductor/reports/domain"
)

// Bootstrap creates the first tenant and administrator and the demo tenant.
type Bootstrap struct {
	meta   MetaStore
	now    Clock
	argon2 Argon2Params
}

// NewBootstrap builds the bootstrap service.
func NewBootstrap(meta MetaStore, now Clock, argon2 Argon2Params) *Bootstrap {
	return &Bootstrap{meta: meta, now: now, argon2: argon2}
}

// EnsureAdmin creates tenant (slug, name) and its first admin when no user
// exists at all; it does nothing once any user exists, so a restart with
// the same environment never resets a password. It reports whether it
// created the admin.
func (b *Bootstrap) EnsureAdmin(ctx context.Context, slug, name, email, password string) (bool, error) {
	n, err := b.meta.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	if err := domain.ValidatePassword(password); err != nil {
		return false, err
	}
	now := b.now()
	err = b.meta.InTx(ctx, func(tx MetaTx) error {
		t, err := tx.GetTenantBySlug(ctx, slug)
		if domain.IsCode(err, domain.CodeNotFound) {
			if t, err = domain.NewTenant(NewID(), slug, name, now); err != nil {
				return err
			}
			if err := tx.CreateTenant(ctx, t); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		u, err := b.newUser(t.ID, email, "Administrator", domain.RoleAdmin, password)
		if err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return appendAudit(ctx, tx, now, &Change{TenantID: t.ID, Action: "bootstrap.admin", ObjectType: "user", ObjectID: u.ID, After: UserView(u)})
	})
	return err == nil, err
}

func (b *Bootstrap) newUser(tenantID, email, name string, role domain.Role, password string) (*domain.User, error) {
	u, err := domain.NewUser(NewID(), tenantID, email, name, role, b.now())
	if err != nil {
		return nil, err
	}
	u.PasswordHash, err = HashPassword(password, b.argon2)
	return u, err
}

// GeneratePassword returns a random password of n characters from an
// alphabet without look-alikes, for demo users and first admins.
func GeneratePassword(n int) (string, error) {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	out := make([]byte, n)
	for i := range out {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		out[i] = alphabet[k.Int64()]
	}
	return string(out), nil
}
