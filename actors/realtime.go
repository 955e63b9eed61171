package actors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// Realtime defaults, applied to zero-valued RealtimeConfig fields.
const (
	// DefaultCoalesce is how long a feed gathers change notices before it
	// re-queries: one query per window however many events arrive.
	DefaultCoalesce = 250 * time.Millisecond
	// DefaultFeedIdle is how long a feed without subscribers lives on, so a
	// page reload finds it warm.
	DefaultFeedIdle = 30 * time.Second
	// DefaultHistory is how many frames a feed keeps for resume.
	DefaultHistory = 64
	// DefaultOutbox is how many frames a session queues for a slow client.
	DefaultOutbox = 256
	// DefaultMaxLag is how long a client may stay behind before it is
	// disconnected with the reason "lagging".
	DefaultMaxLag = 30 * time.Second
	// DefaultHeartbeat is the interval of server heartbeats (WebSocket
	// pings, SSE comments); a proxy's idle timeout is usually 60 s.
	DefaultHeartbeat = 25 * time.Second
	// DefaultQueryTimeout bounds one feed query.
	DefaultQueryTimeout = 30 * time.Second
	// sessionInbox is the initial inbox of a session actor (slots of 24
	// bytes): small, because there is one per connection.
	sessionInbox = 8
	// feedInbox is the initial inbox of a feed: it takes a burst of
	// subscribes when a wall of screens reconnects.
	feedInbox = 256
)

// RealtimeConfig tunes the realtime actors. The zero value is usable.
type RealtimeConfig struct {
	Coalesce     time.Duration // DefaultCoalesce
	FeedIdle     time.Duration // DefaultFeedIdle
	History      int           // DefaultHistory
	Outbox       int           // DefaultOutbox
	MaxLag       time.Duration // DefaultMaxLag
	Heartbeat    time.Duration // DefaultHeartbeat
	QueryTimeout time.Duration // DefaultQueryTimeout
}

func (c RealtimeConfig) withDefaults() RealtimeConfig {
	if c.Coalesce <= 0 {
		c.Coalesce = DefaultCoalesce
	}
	if c.FeedIdle <= 0 {
		c.FeedIdle = DefaultFeedIdle
	}
	if c.History <= 0 {
		c.History = DefaultHistory
	}
	if c.Outbox <= 0 {
		c.Outbox = DefaultOutbox
	}
	if c.MaxLag <= 0 {
		c.MaxLag = DefaultMaxLag
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	if c.QueryTimeout <= 0 {
		c.QueryTimeout = DefaultQueryTimeout
	}
	return c
}

// FeedSpec is what one widget feed computes: one widget's query under one
// effective scope and set of global filters. Sessions whose specs have the
// same Key share the feed.
type FeedSpec struct {
	Key         string
	TenantID    string
	DashboardID string
	WidgetID    string
	// Source is the source whose change notices refresh the feed ("": none).
	Source string
	// ReportID is set for widgets bound to a report: a re-execution of the
	// report refreshes them.
	ReportID string
	// KeyColumns is how many leading columns key a row (the query's groups).
	KeyColumns int
	// Every re-runs the query on a timer (polled sources); 0: push only.
	Every time.Duration
	// Run computes the widget's current result.
	Run func(ctx context.Context) (*app.QueryResult, error)
}

// Resolver authorises principal p to watch a widget of a dashboard with
// the given global filters and returns the feed to use. It is where
// permissions and scope are decided (app/), so an error here is what the
// client is told, as an error frame.
type Resolver func(ctx context.Context, p domain.Principal, dashboardID, widgetID string, filters map[string][]string) (FeedSpec, error)

// Realtime runs the widget feeds, dashboards and sessions of one node.
type Realtime struct {
	sys     *System
	cfg     RealtimeConfig
	resolve Resolver
	log     *slog.Logger
	hub     *actor.PID
	now     func() time.Time

	sessions sync.Map // *Session -> struct{}
	stats    realtimeCounters
	slots    atomic.Uint64 // numbers sessions for heartbeat slices
	stop     chan struct{}
	stopOnce sync.Once
	// closing stops the hub from retiring idle children, and stopping
	// counts those being retired: hollywood v1.0.5 never completes a
	// second Poison sent while the first is handled, and the System's
	// shutdown poisons every child, so Close waits for these first.
	closing    atomic.Bool
	stoppingMu sync.Mutex
	stopping   []context.Context
}

// stopChild poisons an idle feed or dashboard and counts it until it
// has stopped.
func (r *Realtime) stopChild(e *actor.Engine, pid *actor.PID) {
	done := e.Poison(pid)
	r.stoppingMu.Lock()
	kept := r.stopping[:0]
	for _, c := range r.stopping {
		if c.Err() == nil {
			kept = append(kept, c)
		}
	}
	r.stopping = append(kept, done)
	r.stoppingMu.Unlock()
}

type realtimeCounters struct {
	queries  atomic.Int64
	frames   atomic.Int64
	sessions atomic.Int64
	feeds    atomic.Int64
}

// RealtimeStats are counters of a node's realtime layer.
type RealtimeStats struct {
	Sessions int64 `json:"sessions"` // open sessions
	Feeds    int64 `json:"feeds"`    // running feeds
	Queries  int64 `json:"queries"`  // feed queries run since start
	Frames   int64 `json:"frames"`   // widget frames queued to sessions since start
}

// NewRealtime spawns the realtime hub under sys. resolve decides every
// subscription.
func NewRealtime(sys *System, cfg RealtimeConfig, resolve Resolver, log *slog.Logger) (*Realtime, error) {
	if sys == nil || resolve == nil {
		return nil, errors.New("realtime: system and resolver are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Realtime{sys: sys, cfg: cfg.withDefaults(), resolve: resolve, log: log, now: time.Now, stop: make(chan struct{})}
	pid, err := sys.Spawn(newHub(r), "realtime", actor.WithInboxSize(1024))
	if err != nil {
		return nil, fmt.Errorf("spawn realtime hub: %w", err)
	}
	r.hub = pid
	go r.heartbeats()
	return r, nil
}

// Stats returns the current counters.
func (r *Realtime) Stats() RealtimeStats {
	return RealtimeStats{Sessions: r.stats.sessions.Load(), Feeds: r.stats.feeds.Load(),
		Queries: r.stats.queries.Load(), Frames: r.stats.frames.Load()}
}

// Notify hands a change notice to the feeds over its tenant and source.
// Call it after the result cache has been invalidated for the notice.
func (r *Realtime) Notify(n app.ChangeNotice) { r.engine().Send(r.hub, hubNotice{n}) }

// DashboardChanged tells the sessions watching a dashboard that its
// definition changed (app.Dashboards calls it after a commit). Unless the
// change was presentation only (layout, name, description), each session
// also resolves its widgets of the dashboard again, to drop what the viewer
// may no longer see.
func (r *Realtime) DashboardChanged(tenantID, dashboardID string, presentationOnly bool) {
	r.engine().Send(r.hub, hubDashboard{tenantID: tenantID, dashboardID: dashboardID, presentation: presentationOnly,
		frame: frameOf(app.DashboardFrame{Type: app.FrameDashboard, DashboardID: dashboardID})})
}

// Banner pushes a banner to every session watching a dashboard and keeps
// it for sessions that open the dashboard later (until replaced).
func (r *Realtime) Banner(tenantID, dashboardID, level, text string) {
	r.engine().Send(r.hub, hubDashboard{tenantID: tenantID, dashboardID: dashboardID, banner: true,
		frame: frameOf(app.BannerFrame{Type: app.FrameBanner, DashboardID: dashboardID, Level: level, Text: text})})
}

// ReportExecuted refreshes the feeds of widgets bound to a report.
func (r *Realtime) ReportExecuted(tenantID, reportID string) {
	r.engine().Send(r.hub, hubReport{tenantID: tenantID, reportID: reportID})
}

// Close stops the heartbeats and closes every open session; the actors
// stop with the System.
func (r *Realtime) Close() {
	r.stopOnce.Do(func() { close(r.stop) })
	// Through the hub's mailbox, so no retirement is under way after it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_, _ = r.sys.request(ctx, r.hub, hubClose{})
	cancel()
	var closing []*Session
	r.sessions.Range(func(k, _ any) bool {
		s := k.(*Session)
		s.Close("shutdown")
		closing = append(closing, s)
		return true
	})
	deadline := time.After(5 * time.Second)
	r.stoppingMu.Lock()
	retiring := r.stopping
	r.stoppingMu.Unlock()
	for _, c := range retiring {
		select {
		case <-c.Done():
		case <-deadline:
			return
		}
	}
	for _, s := range closing {
		<-s.done
		if s.stopped == nil {
			continue
		}
		select {
		case <-s.stopped.Done():
		case <-deadline:
			return
		}
	}
}

func (r *Realtime) engine() *actor.Engine { return r.sys.Engine() }

// resubscribeAll asks every session to subscribe again (after the hub
// restarted with empty maps).
func (r *Realtime) resubscribeAll() {
	r.sessions.Range(func(k, _ any) bool {
		r.engine().Send(k.(*Session).pid, sessResubscribe{})
		return true
	})
}

// heartbeatSlices spreads heartbeats over the interval: each tick beats
// one slice of the sessions, so 5,000 connections do not ping (and have
// their credentials checked) in the same millisecond.
const heartbeatSlices = 25

// heartbeats queues a heartbeat on every session once per interval, one
// slice of sessions per tick; a session whose credential no longer
// authenticates is told "revoked" and closed.
func (r *Realtime) heartbeats() {
	t := time.NewTicker(r.cfg.Heartbeat / heartbeatSlices)
	defer t.Stop()
	for tick := uint64(0); ; tick++ {
		select {
		case <-r.stop:
			return
		case <-t.C:
			slice := tick % heartbeatSlices
			r.sessions.Range(func(k, _ any) bool {
				if s := k.(*Session); s.slot%heartbeatSlices == slice {
					s.beat()
				}
				return true
			})
		}
	}
}
