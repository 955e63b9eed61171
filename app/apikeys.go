package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/conductor/reports/domain"
)

// APIKeyPrefix marks module API keys (Conductor modules ingesting events).
const APIKeyPrefix = "crk_"

// APIKeyJSON is an API key without its secret or hash.
type APIKeyJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Sources   []string   `json:"sources"`
	CreatedBy string     `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// APIKeyView renders k.
func APIKeyView(k *domain.APIKey) APIKeyJSON {
	v := APIKeyJSON{ID: k.ID, Name: k.Name, Sources: k.Sources, CreatedBy: k.CreatedBy, CreatedAt: k.CreatedAt}
	if v.Sources == nil {
		v.Sources = []string{}
	}
	if !k.RevokedAt.IsZero() {
		t := k.RevokedAt
		v.RevokedAt = &t
	}
	return v
}

// CreateAPIKey issues a module API key for p's tenant, limited to sources
// (validated against the catalogue; empty means every source). The
// secret is returned once and only its SHA-256 is stored.
func (a *Admin) CreateAPIKey(ctx context.Context, p domain.Principal, cat *domain.Catalog, name string, sources []string) (*domain.APIKey, string, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, "", err
	}
	for i, s := range sources {
		if src, ok := cat.Source(s); !ok || src.Kind != domain.SourceEntity {
			return nil, "", domain.Invalid(fmt.Sprintf("sources[%d]", i), "unknown source %q", s)
		}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, "", fmt.Errorf("api key: %w", err)
	}
	secret := APIKeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(secret))
	k, err := domain.NewAPIKey(NewID(), p.TenantID, name, sum[:], sources, p.UserID, a.now())
	if err != nil {
		return nil, "", err
	}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "api_key.create", ObjectType: "api_key", ObjectID: k.ID, After: APIKeyView(k)}
	if err := audited(ctx, a.meta, a.now(), change, func(tx MetaTx) error { return tx.CreateAPIKey(ctx, k) }); err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// ListAPIKeys lists p's tenant's keys.
func (a *Admin) ListAPIKeys(ctx context.Context, p domain.Principal) ([]domain.APIKey, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	return a.meta.ListAPIKeys(ctx, p.TenantID)
}

// RevokeAPIKey stops a key at once: the next request with it is refused.
func (a *Admin) RevokeAPIKey(ctx context.Context, p domain.Principal, id string) error {
	if err := domain.RequireAdmin(p); err != nil {
		return err
	}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "api_key.revoke", ObjectType: "api_key", ObjectID: id}
	return audited(ctx, a.meta, a.now(), change, func(tx MetaTx) error { return tx.RevokeAPIKey(ctx, p.TenantID, id, a.now()) })
}

// authenticateAPIKey turns a module key into a module principal.
func (s *Identity) authenticateAPIKey(ctx context.Context, token string) (domain.Principal, error) {
	unauth := &domain.Error{Code: domain.CodeUnauthenticated, Message: "authentication required"}
	if !strings.HasPrefix(token, APIKeyPrefix) || len(token) > 128 {
		return domain.Principal{}, unauth
	}
	sum := sha256.Sum256([]byte(token))
	k, err := s.meta.GetAPIKeyByHash(ctx, sum[:])
	if err != nil {
		if domain.IsCode(err, domain.CodeNotFound) {
			return domain.Principal{}, unauth
		}
		return domain.Principal{}, err
	}
	if !k.RevokedAt.IsZero() {
		return domain.Principal{}, unauth
	}
	return domain.Principal{Kind: domain.PrincipalModule, TenantID: k.TenantID, APIKeyID: k.ID, Sources: k.Sources}, nil
}
