package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/streams/kafka"
)

// signalTimeout bounds one publish of signals to the control topic.
const signalTimeout = 5 * time.Second

// newNodeID names this process on the control topic: host name and a
// random suffix, so two nodes on one host differ.
func newNodeID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%s", host, hex.EncodeToString(b))
}

// openControl opens the control topic of a Kafka cluster (created with
// one partition when missing).
func openControl(ctx context.Context, cfg Config, log *slog.Logger) (app.SignalBus, error) {
	kc := kafka.Config{Brokers: cfg.KafkaBrokers, Topic: cfg.KafkaControlTopic, Logger: log}
	if err := kafka.EnsureTopic(ctx, kc, 1); err != nil {
		return nil, fmt.Errorf("kafka control topic %s: %w", cfg.KafkaControlTopic, err)
	}
	c, err := kafka.NewControl(kc)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// signal sends one signal to the other nodes; a failure is logged, not
// returned: the change it reports already happened here, and the other
// nodes' caches still expire by their TTL.
func (p *pipeline) signal(s app.Signal) {
	if p.bus == nil {
		return
	}
	s.Node = p.node
	ctx, cancel := context.WithTimeout(context.Background(), signalTimeout)
	defer cancel()
	if err := p.bus.Publish(ctx, []app.Signal{s}); err != nil {
		p.log.Warn("publish signal", "kind", s.Kind, "tenant_id", s.TenantID, "err", err)
	}
}

// local handles a change notice of this node's ingest: the result cache
// first, then the widget feeds (so they never re-read a stale cached
// result), then the other nodes.
func (p *pipeline) local(n app.ChangeNotice) {
	p.apply(n)
	p.signal(app.NoticeSignal(p.node, n))
}

// apply invalidates the cache and refreshes the feeds for n.
func (p *pipeline) apply(n app.ChangeNotice) {
	if q := p.query.Load(); q != nil {
		q.Invalidate(n)
	}
	if rt := p.realtime.Load(); rt != nil {
		rt.Notify(n)
	}
}

// remote applies a signal of another node to this one.
func (p *pipeline) remote(s app.Signal) {
	if s.Node == p.node {
		return
	}
	rt := p.realtime.Load()
	switch s.Kind {
	case app.SignalNotice:
		p.apply(s.Notice())
	case app.SignalDashboard:
		if rt != nil {
			rt.DashboardChanged(s.TenantID, s.DashboardID, s.PresentationOnly)
		}
	case app.SignalBanner:
		if rt != nil {
			rt.Banner(s.TenantID, s.DashboardID, s.Level, s.Text)
		}
	}
}

// runSignals reads the control topic until ctx ends, restarting the
// reader after a failure.
func (p *pipeline) runSignals(ctx context.Context) {
	if p.bus == nil {
		return
	}
	go func() {
		for ctx.Err() == nil {
			if err := p.bus.Run(ctx, p.remote); err != nil {
				p.log.Error("control topic", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	}()
}

// dashboardSignals tells this node's sessions and the other nodes that a
// dashboard changed (app.DashboardListener).
type dashboardSignals struct{ p *pipeline }

// DashboardChanged implements app.DashboardListener.
func (d dashboardSignals) DashboardChanged(tenantID, dashboardID string, presentationOnly bool) {
	if rt := d.p.realtime.Load(); rt != nil {
		rt.DashboardChanged(tenantID, dashboardID, presentationOnly)
	}
	d.p.signal(app.Signal{Kind: app.SignalDashboard, TenantID: tenantID, DashboardID: dashboardID, PresentationOnly: presentationOnly})
}
