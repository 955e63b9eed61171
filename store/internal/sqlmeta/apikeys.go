package sqlmeta

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/conductor/reports/domain"
)

const apiKeyCols = "id, tenant_id, name, key_hash, sources_json, coalesce(created_by, ''), created_at, revoked_at"

func scanAPIKey(s scanner) (*domain.APIKey, error) {
	var (
		k       domain.APIKey
		sources string
		revoked sql.NullTime
	)
	if err := s.Scan(&k.ID, &k.TenantID, &k.Name, &k.KeyHash, &sources, &k.CreatedBy, &k.CreatedAt, &revoked); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sources), &k.Sources); err != nil {
		return nil, fmt.Errorf("api key %s sources: %w", k.ID, err)
	}
	k.CreatedAt = k.CreatedAt.UTC()
	if revoked.Valid {
		k.RevokedAt = revoked.Time.UTC()
	}
	return &k, nil
}

// GetAPIKeyByHash returns the key whose SHA-256 is hash, revoked or not:
// the caller decides with APIKey.AllowsSource.
func (r Reader) GetAPIKeyByHash(ctx context.Context, hash []byte) (*domain.APIKey, error) {
	return getOne(ctx, r, "api key", scanAPIKey, "SELECT "+apiKeyCols+" FROM api_keys WHERE key_hash = ?", hash)
}

// ListAPIKeys returns tenantID's keys, oldest first.
func (r Reader) ListAPIKeys(ctx context.Context, tenantID string) ([]domain.APIKey, error) {
	return listAll(ctx, r, "api keys", scanAPIKey,
		"SELECT "+apiKeyCols+" FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id", tenantID)
}

// CreateAPIKey inserts k; its creator, when set, must be a user of its tenant.
func (x *Tx) CreateAPIKey(ctx context.Context, k *domain.APIKey) error {
	if k.CreatedBy != "" {
		if err := x.requireRefs(ctx, k.TenantID, ref{field: "created_by", table: "users", id: k.CreatedBy}); err != nil {
			return err
		}
	}
	sources := k.Sources
	if sources == nil {
		sources = []string{}
	}
	b, err := json.Marshal(sources)
	if err != nil {
		return fmt.Errorf("encode api key sources: %w", err)
	}
	var creator any
	if k.CreatedBy != "" {
		creator = k.CreatedBy
	}
	_, err = x.exec(ctx, "INSERT INTO api_keys (id, tenant_id, name, key_hash, sources_json, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		k.ID, k.TenantID, k.Name, k.KeyHash, string(b), creator, x.d.timeArg(k.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create api key", "api key already exists", "created_by")
	}
	return nil
}

// RevokeAPIKey marks tenantID's key id revoked at now; a key already
// revoked keeps its first revocation time.
func (x *Tx) RevokeAPIKey(ctx context.Context, tenantID, id string, now time.Time) error {
	return x.affectOne(ctx, "api key", "revoke api key "+id,
		"UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE tenant_id = ? AND id = ?", x.d.timeArg(now), tenantID, id)
}
