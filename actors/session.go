package actors

import (
	"context"
	"fmt"
	"sync"

	"github.com/anthdm/hollywood/actor"
	"golang.org/x/time/rate"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// Limits of one session.
const (
	// MaxSubscriptions bounds the widgets one connection may watch.
	MaxSubscriptions = 200
	// frameRate and frameBurst bound the frames a client may send: a
	// dashboard subscribes once per filter change, so 20/s is generous.
	frameRate  = 20
	frameBurst = 40
	// maxRateStrikes closes a connection that keeps exceeding the rate.
	maxRateStrikes = 20
)

// Session is one open client connection (WebSocket or SSE) and its
// SessionActor. The transport's reader calls Handle; the session writes
// through its bounded outbox.
type Session struct {
	rt         *Realtime
	pid        *actor.PID
	out        *outbox
	revalidate func(context.Context) error
	limiter    *rate.Limiter
	strikes    int
	slot       uint64 // which heartbeat slice beats it
	// tenantID, userID and transport (TransportWS, TransportSSE) say whose
	// connection this is, for Disconnect.
	tenantID, userID, transport string
	done                        chan struct{}
	reason                      string
	endOnce                     sync.Once
	// stopped is done when the actor has stopped (hollywood hangs a second
	// Poison sent while the first is being handled, so Realtime.Close waits
	// for this before the System poisons the tree).
	stopped context.Context
}

// Messages of a session actor.
type (
	sessClient      struct{ f app.ClientFrame }
	sessRaw         struct{ data []byte }
	sessResync      struct{ widgets []string }
	sessBeat        struct{}
	sessResubscribe struct{}
	// sessRecheck: a dashboard's definition changed; its widgets are
	// resolved again and those the viewer may no longer see are dropped.
	sessRecheck struct{ dashboardID string }
)

// sessSub is one widget subscription of a session: what resolves its feed
// again after the hub restarted, without holding the feed's spec.
type sessSub struct {
	key         string
	dashboardID string
	filters     map[string][]string
}

// Open starts a session for principal p over t. revalidate, when not nil,
// is called at each heartbeat; an error there ends the session with a
// "revoked" frame (a logged-out or disabled user's stream stops).
func (r *Realtime) Open(p domain.Principal, t Transport, revalidate func(context.Context) error) (*Session, error) {
	s := &Session{rt: r, revalidate: revalidate, done: make(chan struct{}),
		limiter: rate.NewLimiter(frameRate, frameBurst), slot: r.slots.Add(1),
		tenantID: p.TenantID, userID: p.UserID, transport: transportKind(t)}
	s.out = newOutbox(t, r.cfg.Outbox, r.cfg.MaxLag, r.now)
	s.out.resync = func(ws []string) { r.engine().Send(s.pid, sessResync{widgets: ws}) }
	s.out.closed = s.ended
	pid, err := r.sys.Spawn(newSessionActor(s, p), "session",
		actor.WithInboxSize(sessionInbox), actor.WithMaxRestarts(DefaultMaxRestarts))
	if err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	s.pid = pid
	r.sessions.Store(s, struct{}{})
	r.stats.sessions.Add(1)
	return s, nil
}

// Handle passes one client frame to the session without blocking. Frames
// beyond the per-connection rate get an error frame; a client that keeps
// flooding is disconnected.
func (s *Session) Handle(f app.ClientFrame) {
	if s.allow() {
		s.rt.engine().Send(s.pid, sessClient{f: f})
	}
}

// HandleRaw is Handle for a frame as it came off the wire: the session's
// actor decodes it (a malformed one gets an error frame), so the
// connection's read loop, which an idle connection parks on, stays shallow
// and its goroutine stack small.
func (s *Session) HandleRaw(data []byte) {
	if s.allow() {
		s.rt.engine().Send(s.pid, sessRaw{data: data})
	}
}

// allow applies the per-connection frame rate: frames beyond it get an
// error frame, and a client that keeps flooding is disconnected.
func (s *Session) allow() bool {
	if !s.limiter.Allow() {
		s.strikes++
		if s.strikes > maxRateStrikes {
			s.out.closeAfter(frameOf(app.ErrorFrame{Type: app.FrameError, Code: "rate_limited",
				Message: "too many frames; connection closed"}), "rate_limited")
			return false
		}
		s.out.push(outItem{f: frameOf(app.ErrorFrame{Type: app.FrameError, Code: "rate_limited",
			Message: fmt.Sprintf("at most %d frames per second", frameRate)})})
		return false
	}
	s.strikes = 0
	return true
}

// Reject tells the client a frame could not be read (bad JSON) without
// closing the connection.
func (s *Session) Reject(code, message string) {
	s.out.push(outItem{f: frameOf(app.ErrorFrame{Type: app.FrameError, Code: code, Message: message})})
}

// Done is closed when the session has ended.
func (s *Session) Done() <-chan struct{} { return s.done }

// Reason says why the session ended, once Done is closed.
func (s *Session) Reason() string {
	<-s.done
	return s.reason
}

// Close ends the session and its connection.
func (s *Session) Close(reason string) { s.out.close(reason) }

// Dropped returns the frames dropped because the client fell behind.
func (s *Session) Dropped() uint64 {
	d, _ := s.out.counters()
	return d
}

func (s *Session) beat() {
	select {
	case <-s.done:
	default:
		s.rt.engine().Send(s.pid, sessBeat{})
	}
}

// ended runs once when the outbox closes: the actor stops, which
// unsubscribes everything.
func (s *Session) ended(reason string) {
	s.endOnce.Do(func() {
		s.reason = reason
		s.rt.stats.sessions.Add(-1)
		if s.pid != nil {
			// The session stays listed until its actor has stopped, so
			// Realtime.Close can wait for it.
			s.stopped = s.rt.engine().Poison(s.pid)
			go func() {
				<-s.stopped.Done()
				s.rt.sessions.Delete(s)
			}()
		} else {
			s.rt.sessions.Delete(s)
		}
		close(s.done)
	})
}

// sessionActor is the SessionActor: the subscriptions of one connection.
type sessionActor struct {
	s    *Session
	p    domain.Principal
	subs map[string]*sessSub // widget id -> subscription
	dash map[string]int      // dashboard id -> widgets subscribed (or 0 when only watched)
}

func newSessionActor(s *Session, p domain.Principal) actor.Producer {
	// The subscriptions survive a restart: they are the session's state,
	// the feeds still hold the outbox.
	subs, dash := map[string]*sessSub{}, map[string]int{}
	return func() actor.Receiver { return &sessionActor{s: s, p: p, subs: subs, dash: dash} }
}

// Receive implements actor.Receiver.
func (a *sessionActor) Receive(c *actor.Context) {
	switch m := c.Message().(type) {
	case actor.Stopped:
		if a.s.out.isClosed() {
			a.unsubscribeAll(c)
		}
	case sessClient:
		a.client(c, m.f)
	case sessRaw:
		f, err := app.ParseClientFrame(m.data)
		if err != nil {
			a.s.Reject(string(domain.CodeInvalid), err.Error())
			return
		}
		a.client(c, f)
	case sessResync:
		for _, w := range m.widgets {
			if sub, ok := a.subs[w]; ok {
				c.Send(a.s.rt.hub, hubResend{key: sub.key, sess: c.PID()})
			}
		}
	case sessResubscribe:
		for w, sub := range a.subs {
			// Resolved anew (the spec is not kept per session: it holds
			// the widget's query and dashboard), which also re-checks the
			// viewer's access.
			spec, err := a.s.rt.resolve(c.Context(), a.p, sub.dashboardID, w, sub.filters)
			if err != nil {
				a.s.out.push(outItem{f: frameOf(errorFrame(err, w))})
				a.unsubscribe(c, w)
				continue
			}
			sub.key = spec.Key
			c.Send(a.s.rt.hub, hubSubscribe{spec: spec, sub: a.feedSub(c, w)})
		}
		for d := range a.dash {
			c.Send(a.s.rt.hub, hubJoin{tenantID: a.p.TenantID, dashboardID: d, sess: c.PID(), out: a.s.out})
		}
	case sessRecheck:
		a.recheck(c, m.dashboardID)
	case sessBeat:
		a.beat(c)
	}
}

// recheck resolves the session's widgets of a dashboard again after its
// definition changed: a widget the viewer lost (a grant revoked, the
// visibility narrowed, the widget deleted) gets an error frame and no more
// data. Widgets still allowed keep their feed; the client, told by the
// dashboard frame, re-subscribes to what the new definition holds.
func (a *sessionActor) recheck(c *actor.Context, dashboardID string) {
	for w, sub := range a.subs {
		if sub.dashboardID != dashboardID {
			continue
		}
		if _, err := a.s.rt.resolve(c.Context(), a.p, dashboardID, w, sub.filters); err != nil {
			a.s.out.push(outItem{f: frameOf(errorFrame(err, w))})
			a.unsubscribe(c, w)
		}
	}
}

func (a *sessionActor) beat(c *actor.Context) {
	if a.s.revalidate != nil {
		if err := a.s.revalidate(c.Context()); err != nil {
			a.s.out.closeAfter(frameOf(app.ControlFrame{Type: app.FrameRevoked}), "revoked")
			return
		}
	}
	a.s.out.push(outItem{heartbeat: true})
}

func (a *sessionActor) client(c *actor.Context, f app.ClientFrame) {
	switch f.Type {
	case app.FramePing:
		a.s.out.push(outItem{f: frameOf(app.ControlFrame{Type: app.FramePong})})
	case app.FrameSubscribe:
		a.subscribe(c, f)
	case app.FrameUnsubscribe:
		for _, w := range f.WidgetIDs {
			a.unsubscribe(c, w)
		}
		if len(f.WidgetIDs) == 0 && f.DashboardID != "" {
			for w, sub := range a.subs {
				if sub.dashboardID == f.DashboardID {
					a.unsubscribe(c, w)
				}
			}
			a.leave(c, f.DashboardID, true)
		}
	default:
		a.s.Reject(string(domain.CodeInvalid), fmt.Sprintf("unknown frame type %q", f.Type))
	}
}

func (a *sessionActor) subscribe(c *actor.Context, f app.ClientFrame) {
	if f.DashboardID == "" {
		a.s.Reject(string(domain.CodeInvalid), "dashboardId is required")
		return
	}
	for _, w := range f.WidgetIDs {
		if _, ok := a.subs[w]; !ok && len(a.subs) >= MaxSubscriptions {
			a.s.out.push(outItem{f: frameOf(app.ErrorFrame{Type: app.FrameError, Code: string(domain.CodeInvalid),
				Message: fmt.Sprintf("at most %d widgets per connection", MaxSubscriptions), WidgetID: w})})
			continue
		}
		spec, err := a.s.rt.resolve(c.Context(), a.p, f.DashboardID, w, f.Filters)
		if err != nil {
			a.s.out.push(outItem{f: frameOf(errorFrame(err, w))})
			continue
		}
		if old, ok := a.subs[w]; ok && old.key != spec.Key {
			a.unsubscribe(c, w)
		}
		if _, ok := a.subs[w]; !ok {
			a.join(c, f.DashboardID)
			a.dash[f.DashboardID]++
		}
		a.subs[w] = &sessSub{key: spec.Key, dashboardID: f.DashboardID, filters: f.Filters}
		a.s.out.allow(w)
		c.Send(a.s.rt.hub, hubSubscribe{spec: spec, sub: a.feedSub(c, w), lastSeq: f.LastSeq[w]})
	}
	if len(f.WidgetIDs) == 0 {
		a.join(c, f.DashboardID)
	}
}

func (a *sessionActor) feedSub(c *actor.Context, widgetID string) *feedSub {
	return &feedSub{sess: c.PID(), out: a.s.out, widgetID: widgetID}
}

func (a *sessionActor) join(c *actor.Context, dashboardID string) {
	if _, ok := a.dash[dashboardID]; ok {
		return
	}
	a.dash[dashboardID] = 0
	c.Send(a.s.rt.hub, hubJoin{tenantID: a.p.TenantID, dashboardID: dashboardID, sess: c.PID(), out: a.s.out})
}

func (a *sessionActor) unsubscribe(c *actor.Context, widgetID string) {
	sub, ok := a.subs[widgetID]
	if !ok {
		return
	}
	delete(a.subs, widgetID)
	a.s.out.deny(widgetID)
	c.Send(a.s.rt.hub, hubUnsubscribe{key: sub.key, sess: c.PID()})
	a.dash[sub.dashboardID]--
	a.leave(c, sub.dashboardID, false)
}

// leave stops watching a dashboard when no widget of it is subscribed
// (or at once when the client unsubscribed the whole dashboard).
func (a *sessionActor) leave(c *actor.Context, dashboardID string, all bool) {
	n, ok := a.dash[dashboardID]
	if !ok || (n > 0 && !all) {
		return
	}
	delete(a.dash, dashboardID)
	c.Send(a.s.rt.hub, hubLeave{tenantID: a.p.TenantID, dashboardID: dashboardID, sess: c.PID()})
}

func (a *sessionActor) unsubscribeAll(c *actor.Context) {
	for w := range a.subs {
		a.unsubscribe(c, w)
	}
	for d := range a.dash {
		a.leave(c, d, true)
	}
}
