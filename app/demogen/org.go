package demogen

import (
	"slices"

	"github.com/conductor/reports/app"
)

// orgModel is the organisation with the weights that make the demo uneven
// the way real portfolios are: the first customers and sites carry more
// of the work.
type orgModel struct {
	customers   []string
	custWeights []float64
	sites       map[string][]string // customer -> its sites
	contracts   map[string][]string // customer -> its contracts
	teams       []string
	costCenters []string
	allSites    []siteRef // every site with its customer, in customer order
}

// siteRef is a site with the customer it belongs to.
type siteRef struct{ site, customer string }

func newOrgModel(o app.DemoOrgIDs) orgModel {
	m := orgModel{
		customers: slices.Clone(o.Customers), sites: o.Sites, contracts: o.Contracts,
		teams: slices.Clone(o.Teams), costCenters: slices.Clone(o.CostCenters),
	}
	for i, c := range m.customers {
		m.custWeights = append(m.custWeights, rankWeight(i))
		for _, st := range m.sites[c] {
			m.allSites = append(m.allSites, siteRef{site: st, customer: c})
		}
	}
	return m
}

// rankWeight makes earlier items more frequent: 1, 0.63, 0.45, 0.36...
func rankWeight(i int) float64 { return 1 / (1 + 0.6*float64(i)) }

func (s *sim) pickCustomer() string { return s.org.customers[s.pick(s.org.custWeights)] }

// pickSite returns one of customer's sites: a site always belongs to the
// customer it is reported with.
func (s *sim) pickSite(customer string) string {
	sites := s.org.sites[customer]
	w := make([]float64, len(sites))
	for i := range w {
		w[i] = rankWeight(i)
	}
	return sites[s.pick(w)]
}

// pickContract returns one of customer's contracts, or "" (null) when it
// has none.
func (s *sim) pickContract(customer string) string {
	cs := s.org.contracts[customer]
	if len(cs) == 0 {
		return ""
	}
	return cs[s.rng.IntN(len(cs))]
}

// team returns the team at index i, wrapping around small organisations.
func (s *sim) team(i int) string { return s.org.teams[i%len(s.org.teams)] }

// costCenter returns the cost centre at index i, wrapping around.
func (s *sim) costCenter(i int) string { return s.org.costCenters[i%len(s.org.costCenters)] }

// teamIndex returns the index of team id (0 when unknown).
func (s *sim) teamIndex(id string) int { return max(0, slices.Index(s.org.teams, id)) }
