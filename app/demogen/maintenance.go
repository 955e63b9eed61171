package demogen

import (
	"fmt"
	"math"
	"time"
)

// asset is a maintained piece of equipment at a site with its preventive
// plan: a work order every interval, planned lead ahead, at hour (local).
type asset struct {
	id, site, customer string
	interval, lead     time.Duration
	hour               int
}

// assetIntervals are the preventive plan periods (days) and how common
// each is.
var assetIntervals = []struct {
	days   int
	weight float64
}{{7, 2}, {14, 3}, {30, 4}, {90, 1}}

// Work-order kinds and statuses (catalogue values).
const (
	kindPreventive = "preventive"
	kindCorrective = "corrective"
	woPlanned      = "planned"
	woInProgress   = "in_progress"
	woCompleted    = "completed"
	woCancelled    = "cancelled"
)

// workOrder is one maintenance work order.
type workOrder struct {
	entity
	asset, site, customer, kind, status string
	scheduledFor, completedAt           time.Time
	cost                                optInt // cents, known on completion
}

func (w *workOrder) encode(o *jsonObj) {
	o.str("asset_id", w.asset)
	o.str("site_id", w.site)
	o.str("customer_id", w.customer)
	o.str("kind", w.kind)
	o.str("status", w.status)
	o.time("scheduled_for", w.scheduledFor)
	o.time("completed_at", w.completedAt)
	o.cents("cost", w.cost)
}

func (s *sim) newAsset(ref siteRef) *asset {
	s.assetSeq++
	a := &asset{id: fmt.Sprintf("AST-%04d", s.assetSeq), site: ref.site, customer: ref.customer}
	s.sitesAssets[ref.site] = append(s.sitesAssets[ref.site], a)
	return a
}

// plantAssets creates n assets spread over every site, each with a
// preventive plan whose first work order is planned inside the history.
func (s *sim) plantAssets(start time.Time, n int) {
	weights := make([]float64, len(assetIntervals))
	for i, iv := range assetIntervals {
		weights[i] = iv.weight
	}
	for i := range n {
		a := s.newAsset(s.org.allSites[i%len(s.org.allSites)])
		a.interval = time.Duration(assetIntervals[s.pick(weights)].days) * 24 * time.Hour
		a.lead = s.between(3*24*time.Hour, 10*24*time.Hour)
		a.hour = 7 + s.rng.IntN(9)
		first := s.workSlot(start.Add(a.lead+s.between(0, a.interval)), a)
		s.schedule(first.Add(-a.lead), func(at time.Time) { s.planPreventive(a, first, at) })
	}
}

// workSlot returns the first working-day slot of asset a at or after t.
func (s *sim) workSlot(t time.Time, a *asset) time.Time {
	l := t.In(s.cfg.Zone)
	d := time.Date(l.Year(), l.Month(), l.Day(), a.hour, 0, 0, 0, s.cfg.Zone)
	if d.Before(t) {
		d = d.AddDate(0, 0, 1)
	}
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, 2)
	case time.Sunday:
		d = d.AddDate(0, 0, 1)
	}
	return d.UTC()
}

// planPreventive plans a's work order for scheduled and the next one of
// its plan.
func (s *sim) planPreventive(a *asset, scheduled, at time.Time) {
	s.runWorkOrder(s.newWorkOrder(a, kindPreventive, scheduled), at, 0.06)
	next := s.workSlot(scheduled.Add(a.interval), a)
	s.schedule(next.Add(-a.lead), func(at time.Time) { s.planPreventive(a, next, at) })
}

// openCorrective plans a corrective work order for a ticket's site.
func (s *sim) openCorrective(t *ticket, at time.Time) {
	assets := s.sitesAssets[t.site]
	if len(assets) == 0 {
		assets = append(assets, s.newAsset(siteRef{site: t.site, customer: t.customer}))
	}
	a := assets[s.rng.IntN(len(assets))]
	s.runWorkOrder(s.newWorkOrder(a, kindCorrective, at.Add(s.between(time.Hour, 36*time.Hour))), at, 0.04)
}

func (s *sim) newWorkOrder(a *asset, kind string, scheduled time.Time) *workOrder {
	s.woSeq++
	w := &workOrder{
		entity: entity{source: "maintenance", id: fmt.Sprintf("WO-%06d", s.woSeq)},
		asset:  a.id, site: a.site, customer: a.customer, kind: kind,
		status: woPlanned, scheduledFor: scheduled,
	}
	if s.keep {
		s.workOrders = append(s.workOrders, w)
	}
	return w
}

// runWorkOrder emits w's planning at at and schedules the rest of its
// life: cancelled before it starts (with probability cancel), or started
// near its slot (sometimes days late) and completed hours later with a
// cost.
func (s *sim) runWorkOrder(w *workOrder, at time.Time, cancel float64) {
	s.emit(w, "maintenance.planned", at)
	if s.chance(cancel) {
		s.schedule(at.Add(s.between(time.Minute, max(w.scheduledFor.Sub(at), 2*time.Minute))), func(at time.Time) {
			w.status = woCancelled
			s.emit(w, "maintenance.cancelled", at)
		})
		return
	}
	delay := s.between(0, 2*time.Hour)
	if s.chance(0.1) {
		delay = s.between(24*time.Hour, 72*time.Hour)
	}
	s.schedule(w.scheduledFor.Add(delay), func(at time.Time) {
		w.status = woInProgress
		s.emit(w, "maintenance.started", at)
		s.schedule(at.Add(s.between(time.Hour, 8*time.Hour)), func(at time.Time) {
			median, sigma := 450.0, 0.6
			if w.kind == kindCorrective {
				median, sigma = 1800, 0.8
			}
			w.status, w.completedAt = woCompleted, at
			w.cost = some(int64(math.Round(s.lognormal(median, sigma) * 100)))
			s.emit(w, "maintenance.completed", at)
		})
	})
}
