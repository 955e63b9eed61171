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
	raw := []byte(good)
	for b.Loop() {
		ev, data, err := domain.DecodeEvent(raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.NormalizeData(ev, data, now, domain.TimeBounds{}); err != nil {
			b.Fatal(err)
		}
	}
}
