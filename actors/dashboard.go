package actors

import (
	"time"

	"github.com/anthdm/hollywood/actor"
)

// Messages of a dashboard actor.
type (
	dashJoin struct {
		sess *actor.PID
		out  *outbox
	}
	dashLeave struct{ sess *actor.PID }
	dashFrame struct {
		dashboardID  string
		frame        Frame
		banner       bool
		presentation bool
	}
	dashIdleCheck struct{}
)

// dashShared survives a restart: the sessions watching and the banner.
type dashShared struct {
	sessions map[string]dashSession
	banner   *Frame
}

// dashSession is a session watching the dashboard.
type dashSession struct {
	pid *actor.PID
	out *outbox
}

// dashboard is the DashboardActor of one open dashboard on this node: it
// fans definition changes and banners out to the sessions watching it and
// keeps the live banner for sessions that open the dashboard later. It
// asks the hub to stop it a feed-idle time after its last session left.
type dashboard struct {
	rt     *Realtime
	key    string
	shared *dashShared
	idle   *time.Timer
}

func newDashboard(rt *Realtime, key string) actor.Producer {
	shared := &dashShared{sessions: map[string]dashSession{}}
	return func() actor.Receiver { return &dashboard{rt: rt, key: key, shared: shared} }
}

// Receive implements actor.Receiver.
func (d *dashboard) Receive(c *actor.Context) {
	switch m := c.Message().(type) {
	case actor.Stopped:
		if d.idle != nil {
			d.idle.Stop()
		}
	case dashJoin:
		d.shared.sessions[m.sess.GetID()] = dashSession{pid: m.sess, out: m.out}
		if d.idle != nil {
			d.idle.Stop()
			d.idle = nil
		}
		if d.shared.banner != nil {
			m.out.push(outItem{f: *d.shared.banner})
		}
	case dashLeave:
		delete(d.shared.sessions, m.sess.GetID())
		if len(d.shared.sessions) == 0 && d.idle == nil {
			engine, pid := c.Engine(), c.PID()
			d.idle = time.AfterFunc(d.rt.cfg.FeedIdle, func() { engine.Send(pid, dashIdleCheck{}) })
		}
	case dashIdleCheck:
		d.idle = nil
		if len(d.shared.sessions) == 0 {
			c.Send(c.Parent(), dashboardIdle{key: d.key, pid: c.PID()})
		}
	case dashFrame:
		if m.banner {
			d.shared.banner = &m.frame
		}
		for _, s := range d.shared.sessions {
			s.out.push(outItem{f: m.frame})
			if !m.banner && !m.presentation {
				// The definition changed, and with it perhaps who may see
				// it (visibility, grants): each session checks its widgets
				// of this dashboard again. A layout save does not: with a
				// thousand viewers of ten widgets that was ten thousand
				// resolves per drag.
				c.Send(s.pid, sessRecheck{dashboardID: m.dashboardID})
			}
		}
	}
}
