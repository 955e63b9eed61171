package demogen

import (
	"fmt"
	"math"
	"time"
)

// expenseCategory is an expense category (pt-BR), the cost centre that
// usually bears it, whether it is usually billed to a customer, and the
// median and spread of its amounts (BRL).
type expenseCategory struct {
	name          string
	costCenter    int
	customer      float64 // probability the expense is attributed to a customer site
	median, sigma float64
	weight        float64
}

var expenseCategories = []expenseCategory{
	{"Combustível", 1, 0.9, 250, 0.5, 22},
	{"Alimentação", 1, 0.7, 60, 0.5, 20},
	{"Hospedagem", 1, 0.8, 380, 0.4, 8},
	{"Transporte", 0, 0.6, 120, 0.6, 14},
	{"Peças", 1, 0.95, 900, 0.9, 14},
	{"Ferramentas", 1, 0.3, 450, 0.7, 8},
	{"Software", 0, 0.1, 1500, 0.8, 8},
	{"Treinamento", 2, 0.05, 2200, 0.5, 6},
}

var expenseWeights = func() []float64 {
	var w []float64
	for _, c := range expenseCategories {
		w = append(w, c.weight)
	}
	return w
}()

// Expense statuses (catalogue values).
const (
	expSubmitted = "submitted"
	expApproved  = "approved"
	expRejected  = "rejected"
	expPaid      = "paid"
)

// expense is one expense report line.
type expense struct {
	entity
	costCenter, customer, site, category, currency, status string
	amount                                                 int64 // cents
	spentAt                                                time.Time
}

func (x *expense) encode(o *jsonObj) {
	o.str("cost_center_id", x.costCenter)
	o.str("customer_id", x.customer)
	o.str("site_id", x.site)
	o.str("category", x.category)
	o.cents("amount", some(x.amount))
	o.str("currency", x.currency)
	o.str("status", x.status)
	o.time("spent_at", x.spentAt)
}

// openExpense submits an expense at at, spent up to three days earlier
// (never before the history starts), and plans its approval or rejection and payment.
func (s *sim) openExpense(at time.Time) {
	s.expenseSeq++
	c := &expenseCategories[s.pick(expenseWeights)]
	x := &expense{
		entity:     entity{source: "expenses", id: fmt.Sprintf("EXP-%06d", s.expenseSeq)},
		costCenter: s.costCenter(c.costCenter), category: c.name, status: expSubmitted,
		currency: []string{"BRL", "USD", "EUR"}[s.pick([]float64{94, 5, 1})],
		amount:   max(100, int64(math.Round(s.lognormal(c.median, c.sigma)*100))),
		spentAt:  at.Add(-s.between(0, 72*time.Hour)).Truncate(time.Minute),
	}
	if x.spentAt.Before(s.start) {
		x.spentAt = s.start
	}
	if s.chance(c.customer) {
		x.customer = s.pickCustomer()
		x.site = s.pickSite(x.customer)
	}
	if s.keep {
		s.expenses = append(s.expenses, x)
	}
	s.emit(x, "expense.submitted", at)
	s.schedule(at.Add(s.between(2*time.Hour, 72*time.Hour)), func(at time.Time) {
		if s.chance(0.15) {
			x.status = expRejected
			s.emit(x, "expense.rejected", at)
			return
		}
		x.status = expApproved
		s.emit(x, "expense.approved", at)
		if s.chance(0.95) {
			s.schedule(at.Add(s.between(24*time.Hour, 10*24*time.Hour)), func(at time.Time) {
				x.status = expPaid
				s.emit(x, "expense.paid", at)
			})
		}
	})
}
