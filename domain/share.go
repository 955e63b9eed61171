package domain

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SharePermissions say what a share-token holder may do beyond viewing (R4.2).
type SharePermissions struct {
	AllowDrill  bool `json:"allow_drill"`
	AllowExport bool `json:"allow_export"`
}

// ShareToken is a public link's secret and policy (R4). Only the SHA-256
// of the token is stored.
type ShareToken struct {
	ID          string
	TenantID    string
	ObjectType  ObjectType
	ObjectID    string
	Mode        TokenMode
	TokenHash   []byte
	Scope       Scope
	FixedFilter json.RawMessage
	Permissions SharePermissions
	ExpiresAt   time.Time // zero: never
	MaxUses     int64     // 0: unlimited
	UsedCount   int64
	IPAllowlist []string // CIDRs; empty: any
	CreatedBy   string
	CreatedAt   time.Time
	RevokedAt   time.Time // zero: live
}

// NewShareToken validates a token's policy.
func NewShareToken(id, tenantID string, ot ObjectType, objectID string, mode TokenMode, hash []byte, createdBy string, now time.Time) (*ShareToken, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	if err := validEnum("object_type", ot, ShareObjectTypes); err != nil {
		return nil, err
	}
	if err := requireID("object_id", objectID); err != nil {
		return nil, err
	}
	if err := validEnum("mode", mode, TokenModes); err != nil {
		return nil, err
	}
	if len(hash) != 32 {
		return nil, Invalid("token_hash", "must be a SHA-256 digest")
	}
	return &ShareToken{ID: id, TenantID: tenantID, ObjectType: ot, ObjectID: objectID, Mode: mode,
		TokenHash: slices.Clone(hash), Scope: Scope{}, CreatedBy: createdBy, CreatedAt: now.UTC()}, nil
}

// UsableAt reports whether the token may open a session at now: not
// revoked, not expired, not exhausted. The IP allowlist is checked by the
// caller with net/netip parsing (see AllowsIP in app).
func (t *ShareToken) UsableAt(now time.Time) bool {
	if !t.RevokedAt.IsZero() {
		return false
	}
	if !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) {
		return false
	}
	return t.MaxUses == 0 || t.UsedCount < t.MaxUses
}

// PublicLink maps a URL slug to a share token (R4.1).
type PublicLink struct {
	ID         string
	TenantID   string
	ObjectType ObjectType
	ObjectID   string
	TokenID    string
	URLSlug    string
	CreatedAt  time.Time
}

// APIKey lets another Conductor module ingest events for one tenant,
// limited to some sources. Only its SHA-256 is stored.
type APIKey struct {
	ID        string
	TenantID  string
	Name      string
	KeyHash   []byte
	Sources   []string
	CreatedBy string
	CreatedAt time.Time
	RevokedAt time.Time
}

// NewAPIKey validates a module API key. sources lists the sources it may
// ingest (empty: all); the caller checks them against the catalogue.
func NewAPIKey(id, tenantID, name string, hash []byte, sources []string, createdBy string, now time.Time) (*APIKey, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	name, err := requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	if len(hash) != 32 {
		return nil, Invalid("key_hash", "must be a SHA-256 digest")
	}
	for i, s := range sources {
		if strings.TrimSpace(s) == "" {
			return nil, Invalid(fmt.Sprintf("sources[%d]", i), "must be a source name")
		}
	}
	return &APIKey{ID: id, TenantID: tenantID, Name: name, KeyHash: slices.Clone(hash), Sources: slices.Clone(sources),
		CreatedBy: createdBy, CreatedAt: now.UTC()}, nil
}

// AllowsSource reports whether the key may ingest events of source.
func (k *APIKey) AllowsSource(source string) bool {
	return k.RevokedAt.IsZero() && (len(k.Sources) == 0 || slices.Contains(k.Sources, source))
}
