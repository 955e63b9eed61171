package domain_test

import (
	"testing"

	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

func TestShippedCatalogIsValid(t *testing.T) {
	c, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"tickets":     {"status", "priority", "category", "customer_id", "site_id", "team_id", "contract_id", "cost_center_id", "created_at", "resolved_at", "first_response_minutes", "resolution_minutes"},
		"slas":        {"ticket_id", "policy", "target_minutes", "elapsed_minutes", "breached", "breached_at", "customer_id", "site_id", "team_id"},
		"maintenance": {"asset_id", "site_id", "customer_id", "kind", "status", "scheduled_for", "completed_at", "cost"},
		"expenses":    {"cost_center_id", "customer_id", "site_id", "category", "amount", "currency", "status", "spent_at"},
		"events":      {"source", "type", "occurred_at", "entity_id", "customer_id", "site_id", "team_id", "contract_id", "cost_center_id"},
	}
	for src, fields := range want {
		s, ok := c.Source(src)
		if !ok {
			t.Fatalf("source %s missing", src)
		}
		for _, f := range fields {
			if _, ok := s.Field(f); !ok {
				t.Errorf("%s.%s missing", src, f)
			}
		}
		if len(s.Rollups) == 0 || len(s.Hierarchies) == 0 {
			t.Errorf("%s has no rollup or hierarchy", src)
		}
	}
	if s, _ := c.SourceForType("ticket.resolved"); s == nil || s.Name != "tickets" {
		t.Fatal("ticket.resolved does not map to tickets")
	}
	if f, _ := c.Sources[0].ScopeField(domain.DimCustomer); f == nil || f.Name != "customer_id" {
		t.Fatal("tickets has no customer scope field")
	}
	if len(c.EntitySources()) != 4 {
		t.Fatalf("entity sources: %d", len(c.EntitySources()))
	}
}
