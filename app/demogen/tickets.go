package demogen

import (
	"fmt"
	"slices"
	"time"
)

// ticketCategory is a ticket category with its subcategories (pt-BR, as
// the demo tenant's users name them), the team that handles it and
// whether it can need a corrective work order.
type ticketCategory struct {
	name       string
	subs       []string
	team       int // index into the organisation's teams
	corrective bool
	weight     float64
}

var ticketCategories = []ticketCategory{
	{"Rede", []string{"Wi-Fi", "Cabeamento", "VPN", "Link de internet"}, 0, false, 24},
	{"Infraestrutura", []string{"Servidor", "Armazenamento", "Backup"}, 0, false, 14},
	{"Acesso", []string{"Senha", "Permissão", "Crachá"}, 0, false, 16},
	{"Hardware", []string{"Impressora", "Notebook", "Desktop", "Monitor"}, 1, false, 18},
	{"Elétrica", []string{"Quadro elétrico", "Iluminação", "Nobreak"}, 1, true, 10},
	{"Climatização", []string{"Ar-condicionado", "Ventilação"}, 1, true, 8},
	{"Faturamento", []string{"Nota fiscal", "Cobrança", "Reembolso"}, 2, false, 10},
}

// priorityProfile holds a priority's SLA policy and the medians (minutes)
// of its first response and resolution. Resolution medians sit below the
// SLA target, closer for urgent and high, so those breach more often.
type priorityProfile struct {
	name, policy string
	weight       float64
	target       int64 // SLA target, minutes
	frm, res     float64
}

var priorities = []priorityProfile{
	{"low", "Baixa 48h", 30, 2880, 90, 655},
	{"medium", "Média 24h", 40, 1440, 45, 430},
	{"high", "Alta 8h", 20, 480, 20, 210},
	{"urgent", "Urgente 4h", 10, 240, 8, 135},
}

// Ticket statuses (catalogue values).
const (
	statusOpen       = "open"
	statusInProgress = "in_progress"
	statusPending    = "pending"
	statusResolved   = "resolved"
	statusClosed     = "closed"
)

// ticket is one support ticket and the plan of its remaining steps.
type ticket struct {
	entity
	status, priority, category, subcategory    string
	customer, site, team, contract, costCenter string
	createdAt, resolvedAt                      time.Time
	firstResponse, resolution                  optInt

	prio       int
	cat        *ticketCategory
	sla        *sla
	steps      []time.Time // planned updates still to come
	resolveAt  time.Time
	plannedFRM int64 // first response (minutes) when no update records it
}

func (t *ticket) encode(o *jsonObj) {
	o.str("status", t.status)
	o.str("priority", t.priority)
	o.str("category", t.category)
	o.str("subcategory", t.subcategory)
	o.str("customer_id", t.customer)
	o.str("site_id", t.site)
	o.str("team_id", t.team)
	o.str("contract_id", t.contract)
	o.str("cost_center_id", t.costCenter)
	o.time("created_at", t.createdAt)
	o.time("resolved_at", t.resolvedAt)
	o.int("first_response_minutes", t.firstResponse)
	o.int("resolution_minutes", t.resolution)
}

// openTicket creates a ticket at at with its SLA and plans its lifecycle.
func (s *sim) openTicket(at time.Time) {
	s.ticketSeq++
	cat := &ticketCategories[s.pick(catWeights)]
	pi := s.pick(prioWeights)
	cust := s.pickCustomer()
	t := &ticket{
		entity: entity{source: "tickets", id: fmt.Sprintf("T-%06d", s.ticketSeq)},
		status: statusOpen, priority: priorities[pi].name, prio: pi,
		category: cat.name, subcategory: cat.subs[s.rng.IntN(len(cat.subs))], cat: cat,
		customer: cust, site: s.pickSite(cust), contract: s.pickContract(cust),
		team: s.team(cat.team), costCenter: s.costCenter(cat.team), createdAt: at,
	}
	if s.keep {
		s.tickets = append(s.tickets, t)
	}
	s.emit(t, "ticket.created", at)
	s.startSLA(t, at)
	s.planTicket(t, at)
	s.nextTicketStep(t)
}

var catWeights, prioWeights = func() ([]float64, []float64) {
	var c, p []float64
	for _, x := range ticketCategories {
		c = append(c, x.weight)
	}
	for _, x := range priorities {
		p = append(p, x.weight)
	}
	return c, p
}()

// planTicket draws when the ticket is first answered, updated (0 to 3
// times) and resolved. A few tickets stall for days or weeks, so the backlog at
// the end of the history is realistic.
func (s *sim) planTicket(t *ticket, at time.Time) {
	p := priorities[t.prio]
	frm := minutes(s.lognormal(p.frm, 0.9))
	res := minutes(s.lognormal(p.res, 0.9))
	if s.chance(0.04) {
		res *= time.Duration(8 + s.rng.IntN(12))
	}
	res = max(res, frm+minutes(5+s.rng.Float64()*60))
	t.plannedFRM = wholeMinutes(frm)
	n := s.pick([]float64{15, 35, 30, 20})
	later := make([]float64, max(n-1, 0))
	for i := range later {
		later[i] = s.rng.Float64()
	}
	slices.Sort(later)
	prev := at
	for i := range n {
		step := at.Add(frm)
		if i > 0 {
			step = at.Add(frm + time.Duration(later[i-1]*float64(res-frm))).Truncate(time.Second)
		}
		if !step.After(prev.Add(time.Minute)) {
			step = prev.Add(time.Minute + s.between(0, 30*time.Minute))
		}
		t.steps = append(t.steps, step)
		prev = step
	}
	t.resolveAt = at.Add(res)
	if !t.resolveAt.After(prev.Add(time.Minute)) {
		t.resolveAt = prev.Add(time.Minute + s.between(0, time.Hour))
	}
}

// nextTicketStep queues the ticket's next planned step.
func (s *sim) nextTicketStep(t *ticket) {
	if len(t.steps) > 0 {
		step := t.steps[0]
		t.steps = t.steps[1:]
		s.schedule(step, func(at time.Time) { s.updateTicket(t, at) })
		return
	}
	s.schedule(t.resolveAt, func(at time.Time) { s.resolveTicket(t, at) })
}

// updateTicket applies one ticket.updated: the first answers the ticket;
// later ones escalate, reassign, or wait on the customer and resume.
func (s *sim) updateTicket(t *ticket, at time.Time) {
	switch {
	case !t.firstResponse.ok:
		t.firstResponse = some(wholeMinutes(at.Sub(t.createdAt)))
		t.status = statusInProgress
		if t.cat.corrective && s.chance(0.5) {
			s.openCorrective(t, at)
		}
	case t.status == statusPending:
		t.status = statusInProgress
	case s.chance(0.35) && t.prio < len(priorities)-1:
		t.prio++
		t.priority = priorities[t.prio].name
	case s.chance(0.45) && len(s.org.teams) > 1:
		i := (s.teamIndex(t.team) + 1 + s.rng.IntN(len(s.org.teams)-1)) % len(s.org.teams)
		t.team, t.costCenter = s.team(i), s.costCenter(i)
	default:
		t.status = statusPending
	}
	s.emit(t, "ticket.updated", at)
	s.nextTicketStep(t)
}

// resolveTicket closes the ticket's lifecycle and stops its SLA clock;
// some resolved tickets are closed days later.
func (s *sim) resolveTicket(t *ticket, at time.Time) {
	if !t.firstResponse.ok {
		t.firstResponse = some(min(t.plannedFRM, wholeMinutes(at.Sub(t.createdAt))))
	}
	t.status = statusResolved
	t.resolvedAt = at
	t.resolution = some(wholeMinutes(at.Sub(t.createdAt)))
	s.emit(t, "ticket.resolved", at)
	s.stopSLA(t.sla, t, at)
	if s.chance(0.4) {
		s.schedule(at.Add(s.between(24*time.Hour, 5*24*time.Hour)), func(at time.Time) {
			t.status = statusClosed
			s.emit(t, "ticket.updated", at)
		})
	}
}
