package app

import (
	"context"
	"time"
)

// Signal kinds: what one node of a cluster must tell the others.
const (
	// SignalNotice is a change notice: the receiving node invalidates its
	// result cache and refreshes its widget feeds for (tenant, source).
	SignalNotice = "notice"
	// SignalDashboard says a dashboard's definition changed.
	SignalDashboard = "dashboard"
	// SignalBanner is a banner for a dashboard's open sessions.
	SignalBanner = "banner"
)

// Signal is one cross-node message (DESIGN.md §1: revocations, changed
// datasets, banners). Node is the sender, so a node skips its own.
type Signal struct {
	Node        string    `json:"node"`
	Kind        string    `json:"kind"`
	TenantID    string    `json:"tenant_id"`
	Source      string    `json:"source,omitempty"`
	From        time.Time `json:"from,omitzero"`
	To          time.Time `json:"to,omitzero"`
	DashboardID string    `json:"dashboard_id,omitempty"`
	Level       string    `json:"level,omitempty"`
	Text        string    `json:"text,omitempty"`
	// PresentationOnly marks a dashboard change that cannot narrow access
	// (app.DashboardListener); absent, as from an older node, means it may.
	PresentationOnly bool `json:"presentation_only,omitempty"`
}

// NoticeSignal wraps a change notice.
func NoticeSignal(node string, n ChangeNotice) Signal {
	return Signal{Node: node, Kind: SignalNotice, TenantID: n.TenantID, Source: n.Source, From: n.From, To: n.To}
}

// Notice returns the change notice a notice signal carries.
func (s Signal) Notice() ChangeNotice {
	return ChangeNotice{TenantID: s.TenantID, Source: s.Source, From: s.From, To: s.To}
}

// SignalBus carries signals between the nodes of a cluster (a Kafka
// control topic that every node reads whole). The embedded mode, one
// process, has none.
type SignalBus interface {
	// Publish sends signals to every node, this one included.
	Publish(ctx context.Context, sigs []Signal) error
	// Run hands fn, in order, every signal published after Run began,
	// until ctx ends or the bus fails for good.
	Run(ctx context.Context, fn func(Signal)) error
	Close() error
}
