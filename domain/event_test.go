package domain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func catalog(t *testing.T) *domain.Catalog {
	c, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const good = `{"id":"e1","tenant_id":"acme","source":"tickets","type":"ticket.created","occurred_at":"2026-12-01T10:00:00Z","entity_id":"T-1","version":1,"data":{"status":"open","priority":"high","created_at":"2026-12-01T09:59:00Z","first_response_minutes":15,"customer_id":"c1"}}`

// mutate returns good with a field of the envelope or of data replaced.
func mutate(t *testing.T, top map[string]any, data map[string]any) []byte {
	var m map[string]any
	_ = json.Unmarshal([]byte(good), &m)
	for k, v := range top {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	d, _ := m["data"].(map[string]any)
	for k, v := range data {
		d[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

func TestEventRefusalsArePrecise(t *testing.T) {
	c := catalog(t)
	for _, tc := range []struct {
		name   string
		raw    []byte
		reason string
	}{
		{"malformed", []byte(`{"id":`), "malformed JSON"},
		{"not an object", []byte(`[1]`), "must be"},
		{"two objects", []byte(good + good), "exactly one"},
		{"unknown envelope field", mutate(t, map[string]any{"colour": "red"}, nil), "colour: unknown envelope field"},
		{"missing tenant", mutate(t, map[string]any{"tenant_id": nil}, nil), "tenant_id: is required"},
		{"missing id", mutate(t, map[string]any{"id": ""}, nil), "id: is required"},
		{"missing type", mutate(t, map[string]any{"type": nil}, nil), "type: is required"},
		{"bad time", mutate(t, map[string]any{"occurred_at": "yesterday"}, nil), "occurred_at: must be an RFC 3339 time"},
		{"no time", mutate(t, map[string]any{"occurred_at": nil}, nil), "occurred_at: is required"},
		{"version type", mutate(t, map[string]any{"version": "one"}, nil), "version: must be"},
		{"data not object", mutate(t, map[string]any{"data": []int{1}}, nil), "data: must be an object"},
		{"unknown source", mutate(t, map[string]any{"source": "weather"}, nil), `source: unknown source "weather"`},
		{"events is not ingestible", mutate(t, map[string]any{"source": "events"}, nil), `source: unknown source "events"`},
		{"type of other source", mutate(t, map[string]any{"type": "sla.met"}, nil), `type: source tickets has no event type "sla.met"`},
		{"no entity", mutate(t, map[string]any{"entity_id": ""}, nil), "entity_id: is required"},
		{"no version", mutate(t, map[string]any{"version": 0}, nil), "version: must be a positive integer"},
		{"future", mutate(t, map[string]any{"occurred_at": "2026-12-01T13:30:00Z"}, nil), "occurred_at: is more than 1h0m0s in the future"},
		{"ancient", mutate(t, map[string]any{"occurred_at": "2025-01-01T00:00:00Z"}, nil), "occurred_at: is older than"},
		{"unknown field", mutate(t, nil, map[string]any{"mood": "grumpy"}), "data.mood: unknown field of source tickets"},
		// Several unknown fields: always the first by name, whatever the map order.
		{"unknown fields", mutate(t, nil, map[string]any{"zeta": 1, "mood": "grumpy", "alpha": 2, "omega": 3}), "data.alpha: unknown field of source tickets"},
		{"envelope-origin field in data", mutate(t, nil, map[string]any{"id": "x"}), "data.id: unknown field"},
		{"wrong type string", mutate(t, nil, map[string]any{"status": 3}), "data.status: must be a string"},
		{"wrong enum", mutate(t, nil, map[string]any{"priority": "critical"}), `data.priority: must be one of [low medium high urgent], got "critical"`},
		{"empty string", mutate(t, nil, map[string]any{"category": ""}), "data.category: must be 1 to 256 bytes"},
		{"wrong type int", mutate(t, nil, map[string]any{"first_response_minutes": "15"}), "data.first_response_minutes: must be a number"},
		{"fractional int", mutate(t, nil, map[string]any{"first_response_minutes": 1.5}), "data.first_response_minutes: must be an integer"},
		{"huge int", mutate(t, nil, map[string]any{"first_response_minutes": 1e300}), "data.first_response_minutes: is out of range"},
		{"bad time field", mutate(t, nil, map[string]any{"resolved_at": "soon"}), "data.resolved_at: must be an RFC 3339 time"},
		{"time not string", mutate(t, nil, map[string]any{"resolved_at": 5}), "data.resolved_at: must be an RFC 3339 time string"},
		{"required time missing", mutate(t, nil, map[string]any{"created_at": nil}), "data.created_at: is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := domain.ParseEvent(tc.raw)
			if err == nil {
				_, err = c.Normalize(ev, now, domain.TimeBounds{})
			}
			if err == nil {
				t.Fatal("accepted")
			}
			dl := domain.NewDeadLetter("dl", tc.raw, ev, err, now)
			if !strings.Contains(dl.Reason, tc.reason) {
				t.Fatalf("reason %q, want it to contain %q", dl.Reason, tc.reason)
			}
			if string(dl.Payload) != string(tc.raw) {
				t.Fatal("payload not kept verbatim")
			}
		})
	}
}

func TestNormalizeTypesValues(t *testing.T) {
	c := catalog(t)
	raw := `{"id":"x","tenant_id":"acme","source":"expenses","type":"expense.paid","occurred_at":"2026-12-01T08:00:00.5-03:00","entity_id":"X-1","version":3,
		"data":{"amount":1234.5,"currency":"BRL","spent_at":"2026-11-30T10:00:00Z","status":"paid","site_id":null}}`
	ev, err := domain.ParseEvent([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := c.Normalize(ev, now, domain.TimeBounds{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Values["amount"] != int64(123450) || rec.Values["currency"] != "BRL" || rec.Values["id"] != "X-1" {
		t.Fatalf("values %v", rec.Values)
	}
	if _, ok := rec.Values["site_id"]; ok {
		t.Fatal("null kept as a value")
	}
	if !ev.OccurredAt.Equal(time.Date(2026, 12, 1, 11, 0, 0, 5e8, time.UTC)) || ev.OccurredAt.Location() != time.UTC {
		t.Fatalf("occurred_at %v", ev.OccurredAt)
	}
	if rec.String() != "acme/expenses/X-1 v3" {
		t.Fatal(rec.String())
	}
	for _, bad := range []string{"1.234", "1e-3"} {
		ev2, _ := domain.ParseEvent([]byte(strings.Replace(raw, "1234.5", bad, 1)))
		if _, err := c.Normalize(ev2, now, domain.TimeBounds{}); err == nil || !strings.Contains(err.Error(), "at most 2 decimal places") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	ev3, _ := domain.ParseEvent([]byte(strings.Replace(raw, "1234.5", "1.5e3", 1)))
	if rec, err := c.Normalize(ev3, now, domain.TimeBounds{}); err != nil || rec.Values["amount"] != int64(150000) {
		t.Fatalf("exponent: %v %v", err, rec)
	}
	// A missing or null data object is an empty one.
	ev4, err := domain.ParseEvent([]byte(`{"id":"y","tenant_id":"acme","source":"slas","type":"sla.met","occurred_at":"2026-12-01T10:00:00Z","entity_id":"S","version":1,"data":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Normalize(ev4, now, domain.TimeBounds{}); err == nil || !strings.Contains(err.Error(), "data.started_at") {
		t.Fatalf("null data: %v", err)
	}
}

func TestBucketsAndVersions(t *testing.T) {
	ts := time.Date(2026, 3, 8, 23, 59, 59, 0, time.FixedZone("X", -3*3600))
	if got := domain.Bucket(ts, "day"); !got.Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("day bucket %v (UTC day)", got)
	}
	if got := domain.Bucket(ts, "hour"); !got.Equal(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("hour bucket %v", got)
	}
	if got := domain.Bucket(time.Date(2026, 2, 28, 23, 0, 0, 0, time.FixedZone("Y", -2*3600)), "month"); !got.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("month bucket %v (UTC month)", got)
	}
	if !domain.Supersedes(2, 1) || domain.Supersedes(1, 1) || domain.Supersedes(1, 2) {
		t.Fatal("Supersedes")
	}
}

func TestParseCatalogRefusesBadCatalogues(t *testing.T) {
	for name, js := range map[string]string{
		"unknown key":    `{"version":1,"sources":[],"extra":1}`,
		"bad name":       `{"sources":[{"name":"Tickets; DROP","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}]}]}`,
		"bad kind":       `{"sources":[{"name":"a","kind":"view","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}]}]}`,
		"bad type":       `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"blob","kind":"dimension"}]}]}`,
		"string measure": `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true},{"name":"m","type":"string","kind":"measure"}]}]}`,
		"no time field":  `{"sources":[{"name":"a","kind":"entity","time_field":"x","fields":[{"name":"t","type":"time","kind":"dimension","required":true}]}]}`,
		"dup type":       `{"sources":[{"name":"a","kind":"entity","event_types":["x"],"time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}]},{"name":"b","kind":"entity","event_types":["x"],"time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}]}]}`,
		"bad hierarchy":  `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}],"hierarchies":[{"name":"h","levels":["t","nope"]}]}]}`,
		"bad rollup":     `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}],"rollups":[{"name":"r","grain":"week","time_field":"t"}]}]}`,
		"bad scale":      `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true},{"name":"m","type":"decimal","kind":"measure"}]}]}`,
		"bad scope":      `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true},{"name":"c","type":"string","kind":"dimension","scope":"planet"}]}]}`,
		"bad origin":     `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true,"origin":"moon"}]}]}`,
		"rollup dim":     `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}],"rollups":[{"name":"r","grain":"day","time_field":"t","dimensions":["t"]}]}]}`,
		"dup rollup":     `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}],"rollups":[{"name":"r","grain":"day","time_field":"t"}]},{"name":"b","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}],"rollups":[{"name":"r","grain":"month","time_field":"t"}]}]}`,
		"rollup meas":    `{"sources":[{"name":"a","kind":"entity","time_field":"t","fields":[{"name":"t","type":"time","kind":"dimension","required":true}],"rollups":[{"name":"r","grain":"day","time_field":"t","measures":["t"]}]}]}`,
	} {
		if _, err := domain.ParseCatalog([]byte(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
