package demogen

import (
	"math"
	"time"
)

// Calibration: the valid events one arrival brings, on average, over the
// default window (measured on the generator itself), and how the event
// budget is shared between kinds of work. They turn Config.Events into
// arrival rates; the count stays deterministic, only approximate.
const (
	eventsPerTicket    = 6.2 // ticket lifecycle, its SLA, corrective share
	eventsPerExpense   = 2.7
	eventsPerWorkOrder = 2.9
	shareTickets       = 0.75
	shareExpenses      = 0.13
	sharePreventive    = 1 - shareTickets - shareExpenses
)

// hourly is the relative arrival intensity by local hour of a weekday:
// quiet nights, a morning and an afternoon peak around lunch.
var hourly = [24]float64{
	0.04, 0.03, 0.03, 0.03, 0.04, 0.08, 0.2, 0.5, 1.0, 1.3, 1.35, 1.2,
	0.8, 1.0, 1.25, 1.3, 1.15, 0.9, 0.55, 0.35, 0.25, 0.18, 0.1, 0.06,
}

// daily scales hourly by weekday (Sunday first): weekends are quiet.
var daily = [7]float64{0.12, 1.1, 1.05, 1, 1, 0.9, 0.3}

// arrivalRates are expected arrivals per unit of weight.
type arrivalRates struct{ tickets, expenses float64 }

// weight is the arrival intensity of the hour starting at h: business
// hours and weekdays, and a slow growth over the window.
func (s *sim) weight(h time.Time) float64 {
	l := h.In(s.cfg.Zone)
	progress := float64(h.Sub(s.start)) / float64(s.cfg.Now.Sub(s.start))
	return hourly[l.Hour()] * daily[l.Weekday()] * (0.85 + 0.3*progress)
}

// startHistory sizes the world from Config.Events and queues the hourly
// arrivals and the preventive plans of the window.
func (s *sim) startHistory() {
	s.start = s.cfg.Now.Add(-time.Duration(s.cfg.Days) * 24 * time.Hour)
	first := s.start.Truncate(time.Hour)
	sum := 0.0
	for h := first; !h.After(s.cfg.Now); h = h.Add(time.Hour) {
		sum += s.weight(h)
	}
	n := float64(s.cfg.Events)
	s.arrivals = arrivalRates{
		tickets:  n * shareTickets / eventsPerTicket / sum,
		expenses: n * shareExpenses / eventsPerExpense / sum,
	}
	occurrences, weights := 0.0, 0.0
	for _, iv := range assetIntervals {
		occurrences += iv.weight * float64(s.cfg.Days) / float64(iv.days)
		weights += iv.weight
	}
	assets := max(1, int(math.Round(n*sharePreventive/eventsPerWorkOrder/(occurrences/weights))))
	s.plantAssets(s.start, assets)
	s.schedule(first, s.hourTick)
}

// hourTick draws the tickets and expenses arriving in the hour starting at
// at, each at a random second inside the window.
func (s *sim) hourTick(at time.Time) {
	w := s.weight(at)
	for _, k := range []struct {
		rate float64
		open func(time.Time)
	}{{s.arrivals.tickets, s.openTicket}, {s.arrivals.expenses, s.openExpense}} {
		for range s.poisson(k.rate * w) {
			t := at.Add(s.between(0, time.Hour))
			if !t.Before(s.start) && !t.After(s.cfg.Now) {
				s.schedule(t, k.open)
			}
		}
	}
	if next := at.Add(time.Hour); !next.After(s.cfg.Now) {
		s.schedule(next, s.hourTick)
	}
}
