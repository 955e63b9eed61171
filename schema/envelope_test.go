package schema_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

// TestEnvelopeSchemaAgreesWithTheValidator: the published JSON Schema and
// the server's own checks accept and refuse the same envelopes (as far as
// the envelope goes; data is checked against the catalogue).
func TestEnvelopeSchemaAgreesWithTheValidator(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.EnvelopeSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("envelope.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("envelope.json")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	base := `{"id":"e1","tenant_id":"acme","source":"tickets","type":"ticket.created","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T-1","version":1,"data":{"created_at":"2026-12-01T09:00:00Z"}}`
	for name, tc := range map[string]struct {
		raw   string
		valid bool
	}{
		"good":            {base, true},
		"null data":       {`{"id":"e1","tenant_id":"acme","source":"slas","type":"sla.met","occurred_at":"2026-12-01T10:00:00Z","entity_id":"S","version":2,"data":null}`, true},
		"extra field":     {`{"id":"e1","tenant_id":"acme","source":"tickets","type":"ticket.created","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T","version":1,"x":1}`, false},
		"missing tenant":  {`{"id":"e1","source":"tickets","type":"ticket.created","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T","version":1}`, false},
		"version zero":    {`{"id":"e1","tenant_id":"a","source":"tickets","type":"ticket.created","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T","version":0}`, false},
		"version string":  {`{"id":"e1","tenant_id":"a","source":"tickets","type":"ticket.created","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T","version":"1"}`, false},
		"unknown source":  {`{"id":"e1","tenant_id":"a","source":"weather","type":"w","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T","version":1}`, false},
		"data array":      {`{"id":"e1","tenant_id":"a","source":"tickets","type":"ticket.created","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T","version":1,"data":[1]}`, false},
		"missing version": {`{"id":"e1","tenant_id":"a","source":"tickets","type":"ticket.created","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T"}`, false},
		"empty id":        {`{"id":"","tenant_id":"a","source":"tickets","type":"ticket.created","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T","version":1}`, false},
	} {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(tc.raw)))
		if err != nil {
			t.Fatal(err)
		}
		schemaOK := sch.Validate(inst) == nil
		ev, perr := domain.ParseEvent([]byte(tc.raw))
		serverOK := perr == nil
		if serverOK && ev.Source != "tickets" {
			// Only the envelope is compared; data depends on the source.
			serverOK = ev.Version >= 1 && (ev.Source == "slas" || ev.Source == "maintenance" || ev.Source == "expenses")
		}
		if serverOK && ev.Source == "tickets" {
			_, nerr := cat.Normalize(ev, now, domain.TimeBounds{})
			serverOK = nerr == nil
		}
		if schemaOK != tc.valid || serverOK != tc.valid {
			t.Errorf("%s: schema %v, server %v, want %v", name, schemaOK, serverOK, tc.valid)
		}
	}
	var anyDoc map[string]any
	if err := json.Unmarshal(schema.EnvelopeSchema(), &anyDoc); err != nil || anyDoc["title"] == nil {
		t.Fatal("schema is not a JSON document")
	}
}
