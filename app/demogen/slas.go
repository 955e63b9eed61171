package demogen

import (
	"fmt"
	"time"
)

// sla is the resolution SLA of one ticket. Its clock runs from the
// ticket's creation to its resolution (24x7); a breach is emitted when the
// target passes with the ticket still open, and the closing snapshot of a
// breached SLA is an sla.breached event too, with the final elapsed time.
type sla struct {
	entity
	ticketID, policy      string
	target                int64
	elapsed               optInt
	breached, stopped     bool
	startedAt, breachedAt time.Time
	customer, site, team  string
}

func (x *sla) encode(o *jsonObj) {
	o.str("ticket_id", x.ticketID)
	o.str("policy", x.policy)
	o.int("target_minutes", some(x.target))
	o.int("elapsed_minutes", x.elapsed)
	o.boolean("breached", x.breached)
	o.time("started_at", x.startedAt)
	o.time("breached_at", x.breachedAt)
	o.str("customer_id", x.customer)
	o.str("site_id", x.site)
	o.str("team_id", x.team)
}

// startSLA opens the ticket's SLA under its initial priority's policy and
// schedules the moment it would be breached.
func (s *sim) startSLA(t *ticket, at time.Time) {
	s.slaSeq++
	p := priorities[t.prio]
	x := &sla{
		entity:   entity{source: "slas", id: fmt.Sprintf("SLA-%06d", s.slaSeq)},
		ticketID: t.id, policy: p.policy, target: p.target, startedAt: at,
		customer: t.customer, site: t.site, team: t.team,
	}
	t.sla = x
	if s.keep {
		s.slas = append(s.slas, x)
	}
	s.emit(x, "sla.started", at)
	s.schedule(at.Add(time.Duration(p.target)*time.Minute), func(at time.Time) {
		if x.stopped {
			return
		}
		x.breached, x.breachedAt = true, at
		x.elapsed = some(x.target)
		x.team = t.team
		s.emit(x, "sla.breached", at)
	})
}

// stopSLA stops x's clock when its ticket t is resolved at at. Tasks run
// in time order, so a target passed before at has already been reported
// as a breach; a ticket resolved exactly at its target meets it.
func (s *sim) stopSLA(x *sla, t *ticket, at time.Time) {
	x.stopped = true
	elapsed := wholeMinutes(at.Sub(x.startedAt))
	if x.breached && (!at.After(x.last) || elapsed == x.elapsed.v && x.team == t.team) {
		return // nothing changed since the breach was reported
	}
	x.elapsed, x.team = some(elapsed), t.team
	if x.breached {
		s.emit(x, "sla.breached", at)
		return
	}
	s.emit(x, "sla.met", at)
}
