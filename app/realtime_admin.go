package app

import (
	"context"

	"github.com/conductor/reports/domain"
)

// RealtimeDisconnect says which realtime connections an administrator
// ends: Scope "self" (the caller's own, the default) or "tenant" (every
// connection of the tenant); Transport "ws" (the default), "sse" or
// "all".
type RealtimeDisconnect struct {
	Scope     string `json:"scope"`
	Transport string `json:"transport"`
}

// normalise fills the defaults and refuses unknown values.
func (r *RealtimeDisconnect) normalise() error {
	if r.Scope == "" {
		r.Scope = "self"
	}
	if r.Transport == "" {
		r.Transport = "ws"
	}
	if r.Scope != "self" && r.Scope != "tenant" {
		return domain.Invalid("scope", "scope is self or tenant")
	}
	if r.Transport != "ws" && r.Transport != "sse" && r.Transport != "all" {
		return domain.Invalid("transport", "transport is ws, sse or all")
	}
	return nil
}

// DisconnectRealtime ends realtime connections of the caller's tenant for
// an administrator: drop (the realtime layer's Disconnect) is called with
// the tenant, the user ("" for the whole tenant) and the transport kind
// ("" for all) once the audit row has committed, and its count returned.
// Clients reconnect by themselves; nothing else changes.
func (a *Admin) DisconnectRealtime(ctx context.Context, p domain.Principal, req RealtimeDisconnect,
	drop func(tenantID, userID, transport string) int) (int, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return 0, err
	}
	if err := req.normalise(); err != nil {
		return 0, err
	}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "realtime.disconnect", ObjectType: "realtime",
		ObjectID: p.TenantID, After: req}
	if err := audited(ctx, a.meta, a.now(), change, func(MetaTx) error { return nil }); err != nil {
		return 0, err
	}
	if drop == nil {
		return 0, nil
	}
	user, transport := p.UserID, req.Transport
	if req.Scope == "tenant" {
		user = ""
	}
	if transport == "all" {
		transport = ""
	}
	return drop(p.TenantID, user, transport), nil
}
