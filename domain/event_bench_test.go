package domain_test

import (
	"testing"

	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

// BenchmarkParseAndNormalize is the per-event validation cost on the
// ingest path: envelope decode plus catalogue checks and typing.
func BenchmarkParseAndNormalize(b *testing.B) {
	c, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, raw string }{
		{"small", good},
		// A resolved ticket as the demo generator writes it: every field.
		{"ticket", `{"id":"0193e2a4-5b7c-7d3e-9f01-23456789abcd","tenant_id":"acme","source":"tickets","type":"ticket.resolved","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T-000123","version":4,"data":{"status":"resolved","priority":"high","category":"network","subcategory":"wan","customer_id":"c-07","site_id":"s-07-2","team_id":"team-3","contract_id":"k-07","cost_center_id":"cc-4","created_at":"2026-12-01T08:12:00Z","resolved_at":"2026-12-01T10:00:00Z","first_response_minutes":14,"resolution_minutes":108}}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			raw := []byte(bc.raw)
			b.ReportAllocs()
			for b.Loop() {
				ev, data, err := domain.DecodeEvent(raw)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.NormalizeData(ev, data, now, domain.TimeBounds{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
