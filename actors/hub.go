package actors

import (
	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/app"
)

// Messages of the realtime hub.
type (
	// hubSubscribe adds a session's subscription to the feed of spec,
	// spawning the feed when it is the first.
	hubSubscribe struct {
		spec    FeedSpec
		sub     *feedSub
		lastSeq int64
	}
	// hubUnsubscribe removes a session from a feed.
	hubUnsubscribe struct {
		key  string
		sess *actor.PID
	}
	// hubResend asks a feed for a fresh snapshot for a session that fell
	// behind.
	hubResend struct {
		key  string
		sess *actor.PID
	}
	hubNotice struct{ n app.ChangeNotice }
	hubReport struct{ tenantID, reportID string }
	// hubDashboard is a frame for every session watching a dashboard; a
	// banner is also kept for sessions that open it later.
	hubDashboard struct {
		tenantID, dashboardID string
		frame                 Frame
		banner                bool
		presentation          bool // a definition change that cannot narrow access
	}
	// hubJoin and hubLeave track which sessions watch which dashboard.
	hubJoin struct {
		tenantID, dashboardID string
		sess                  *actor.PID
		out                   *outbox
	}
	hubLeave struct {
		tenantID, dashboardID string
		sess                  *actor.PID
	}
	// feedIdle is a feed asking to be stopped: it had no subscriber for
	// the idle time. The hub decides, since a subscribe may be on its way.
	feedIdle struct {
		key  string
		pid  *actor.PID
		adds int64 // feedAdd messages the feed had received
	}
	// hubClose makes the hub stop retiring children (Realtime.Close); the
	// reply says it will not start another stop.
	hubClose      struct{}
	dashboardIdle struct {
		key string
		pid *actor.PID
	}
)

// feedRef is the hub's record of a running feed.
type feedRef struct {
	pid  *actor.PID
	spec FeedSpec
	// adds counts the subscriptions the hub routed to it. A feed's idle
	// request says how many it had received: when the two differ, a
	// subscribe is still on its way and the feed must live on.
	adds int64
}

// hub routes subscriptions to feeds (one per FeedSpec.Key), change
// notices to the feeds of their (tenant, source), and dashboard frames to
// the dashboard actors. It is the parent of feeds and dashboards, so a
// feed's crash is contained to that feed. It does not follow the engine's
// event stream (every actor's lifecycle, thousands of sessions): a child
// retired after its restarts is noticed, by its absence from the
// children, when it is next needed.
type hub struct {
	rt         *Realtime
	starts     *int // incarnations so far (survives restarts)
	feeds      map[string]*feedRef
	bySource   map[string]map[string]struct{} // tenant\x00source -> keys
	byReport   map[string]map[string]struct{} // tenant\x00report -> keys
	dashboards map[string]*actor.PID          // tenant\x00dashboard -> actor
}

func newHub(rt *Realtime) actor.Producer {
	starts := new(int)
	return func() actor.Receiver {
		return &hub{rt: rt, starts: starts}
	}
}

func pairKey(a, b string) string { return a + "\x00" + b }

// Receive implements actor.Receiver.
func (h *hub) Receive(c *actor.Context) {
	switch m := c.Message().(type) {
	case actor.Started:
		// State is rebuilt empty on a restart: the old incarnation's maps
		// are lost, so its children (feeds, dashboards) are stopped and
		// every session subscribes again, getting fresh snapshots.
		h.reset(c)
		if *h.starts++; *h.starts > 1 {
			h.rt.resubscribeAll()
		}
	case hubSubscribe:
		h.subscribe(c, m)
	case hubUnsubscribe:
		if ref, ok := h.feeds[m.key]; ok {
			c.Send(ref.pid, feedRemove{sess: m.sess})
		}
	case hubClose:
		h.rt.closing.Store(true)
		c.Respond(struct{}{})
	case hubResend:
		if ref, ok := h.feeds[m.key]; ok {
			c.Send(ref.pid, feedResend{sess: m.sess})
		}
	case hubNotice:
		for key := range h.bySource[pairKey(m.n.TenantID, m.n.Source)] {
			c.Send(h.feeds[key].pid, feedChanged{})
		}
		if m.n.Source != "events" {
			for key := range h.bySource[pairKey(m.n.TenantID, "events")] {
				c.Send(h.feeds[key].pid, feedChanged{})
			}
		}
	case hubReport:
		for key := range h.byReport[pairKey(m.tenantID, m.reportID)] {
			c.Send(h.feeds[key].pid, feedChanged{now: true})
		}
	case hubDashboard:
		h.dashboard(c, m)
	case hubJoin:
		key := pairKey(m.tenantID, m.dashboardID)
		pid, ok := h.dashboards[key]
		if !ok || c.Child(pid.GetID()) == nil {
			pid = h.spawnChild(c, newDashboard(h.rt, key), "dashboard", 16)
			h.dashboards[key] = pid
		}
		c.Send(pid, dashJoin{sess: m.sess, out: m.out})
	case hubLeave:
		if pid, ok := h.dashboards[pairKey(m.tenantID, m.dashboardID)]; ok {
			c.Send(pid, dashLeave{sess: m.sess})
		}
	case feedIdle:
		if ref, ok := h.feeds[m.key]; ok && ref.pid.Equals(m.pid) && ref.adds == m.adds && !h.rt.closing.Load() {
			h.forget(m.key)
			h.rt.stopChild(c.Engine(), m.pid)
		} else {
			c.Send(m.pid, feedIdleRefused{})
		}
	case dashboardIdle:
		if pid, ok := h.dashboards[m.key]; ok && pid.Equals(m.pid) && !h.rt.closing.Load() {
			delete(h.dashboards, m.key)
			h.rt.stopChild(c.Engine(), pid)
		}
	}
}

func (h *hub) reset(c *actor.Context) {
	for _, child := range c.Children() {
		c.Engine().Poison(child)
	}
	h.feeds = map[string]*feedRef{}
	h.bySource = map[string]map[string]struct{}{}
	h.byReport = map[string]map[string]struct{}{}
	h.dashboards = map[string]*actor.PID{}
}

func (h *hub) subscribe(c *actor.Context, m hubSubscribe) {
	ref, ok := h.feeds[m.spec.Key]
	if ok && c.Child(ref.pid.GetID()) == nil {
		// Retired after using up its restarts: start a fresh one.
		h.forget(m.spec.Key)
		ok = false
	}
	if !ok {
		pid := h.spawnChild(c, newFeed(h.rt, m.spec), "feed", feedInbox)
		ref = &feedRef{pid: pid, spec: m.spec}
		h.feeds[m.spec.Key] = ref
		h.rt.stats.feeds.Add(1)
		if m.spec.Source != "" {
			addIndex(h.bySource, pairKey(m.spec.TenantID, m.spec.Source), m.spec.Key)
		}
		if m.spec.ReportID != "" {
			addIndex(h.byReport, pairKey(m.spec.TenantID, m.spec.ReportID), m.spec.Key)
		}
	}
	ref.adds++
	c.Send(ref.pid, feedAdd{sub: m.sub, lastSeq: m.lastSeq})
}

func (h *hub) dashboard(c *actor.Context, m hubDashboard) {
	key := pairKey(m.tenantID, m.dashboardID)
	pid, ok := h.dashboards[key]
	if !ok {
		return // nobody watches it on this node
	}
	c.Send(pid, dashFrame{dashboardID: m.dashboardID, frame: m.frame, banner: m.banner, presentation: m.presentation})
}

// spawnChild spawns a supervised child with the System's restart budget.
func (h *hub) spawnChild(c *actor.Context, p actor.Producer, kind string, inbox int) *actor.PID {
	cfg := h.rt.sys.cfg
	return c.SpawnChild(supervise(p, int32(cfg.MaxRestarts), h.rt.log), kind,
		actor.WithInboxSize(inbox),
		actor.WithMaxRestarts(unreachableRestarts),
		actor.WithRestartDelay(cfg.RestartDelay))
}

func (h *hub) forget(key string) {
	ref, ok := h.feeds[key]
	if !ok {
		return
	}
	delete(h.feeds, key)
	h.rt.stats.feeds.Add(-1)
	dropIndex(h.bySource, pairKey(ref.spec.TenantID, ref.spec.Source), key)
	dropIndex(h.byReport, pairKey(ref.spec.TenantID, ref.spec.ReportID), key)
}

func addIndex(idx map[string]map[string]struct{}, k, key string) {
	set, ok := idx[k]
	if !ok {
		set = map[string]struct{}{}
		idx[k] = set
	}
	set[key] = struct{}{}
}

func dropIndex(idx map[string]map[string]struct{}, k, key string) {
	if set, ok := idx[k]; ok {
		delete(set, key)
		if len(set) == 0 {
			delete(idx, k)
		}
	}
}
