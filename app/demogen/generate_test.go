package demogen

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

var testNow = time.Date(2026, 12, 1, 15, 30, 0, 0, time.UTC)

func mustCatalog(tb testing.TB) *domain.Catalog {
	tb.Helper()
	c, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func mustGenerate(tb testing.TB, cfg Config) *Dataset {
	tb.Helper()
	ds, err := Generate(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

// faultyConfig mirrors the fault test: 10,000 events with
// duplicates and invalid envelopes.
func faultyConfig(seed int64) Config {
	return Config{Seed: seed, Now: testNow, Events: 10_000, DuplicateRate: 0.05, InvalidRate: 0.04}
}

func TestGenerateEventsValidateAgainstCatalogue(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	ds := mustGenerate(t, faultyConfig(1))
	if n := len(ds.Events); n < 9_000 || n > 11_000 {
		t.Fatalf("asked for about 10000 events, got %d", n)
	}
	ids := map[string]bool{}
	for i := range ds.Events {
		ev := &ds.Events[i]
		if _, err := cat.Normalize(ev, testNow, domain.TimeBounds{}); err != nil {
			t.Fatalf("event %d (%s %s v%d) refused: %v\n%s", i, ev.Type, ev.EntityID, ev.Version, err, ev.Data)
		}
		if ids[ev.ID] {
			t.Fatalf("event id %s twice", ev.ID)
		}
		ids[ev.ID] = true
		if ev.TenantID != app.DemoTenantSlug || ev.OccurredAt.Location() != time.UTC {
			t.Fatalf("event %d: tenant %q, location %v", i, ev.TenantID, ev.OccurredAt.Location())
		}
		if ev.OccurredAt.After(testNow) || ev.OccurredAt.Before(testNow.AddDate(0, 0, -90)) {
			t.Fatalf("event %d at %s is outside the 90 days before %s", i, ev.OccurredAt, testNow)
		}
		if i > 0 && ev.OccurredAt.Before(ds.Events[i-1].OccurredAt) {
			t.Fatalf("events %d and %d out of occurred_at order", i-1, i)
		}
	}
}

// TestGenerateSnapshotsAreFull checks that data lists every data field of
// the source (null when absent) and that each Raw envelope of a valid
// event parses back to it.
func TestGenerateSnapshotsAreFull(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	ds := mustGenerate(t, Config{Seed: 2, Now: testNow, Events: 2_000})
	for _, ev := range ds.Events {
		src, _ := cat.Source(ev.Source)
		var data map[string]json.RawMessage
		if err := json.Unmarshal(ev.Data, &data); err != nil {
			t.Fatal(err)
		}
		for _, f := range src.Fields {
			if f.Origin != "" && f.Origin != domain.OriginData {
				continue
			}
			if _, ok := data[f.Name]; !ok {
				t.Fatalf("%s %s v%d: data lacks %s", ev.Type, ev.EntityID, ev.Version, f.Name)
			}
		}
		back, err := domain.ParseEvent(Envelope(ev))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*back, ev) {
			t.Fatalf("envelope round trip:\n got %+v\nwant %+v", *back, ev)
		}
	}
}

func TestGenerateIsReproducible(t *testing.T) {
	t.Parallel()
	a := mustGenerate(t, faultyConfig(7))
	b := mustGenerate(t, faultyConfig(7))
	if len(a.Raw) != len(b.Raw) {
		t.Fatalf("same seed: %d and %d envelopes", len(a.Raw), len(b.Raw))
	}
	for i := range a.Raw {
		if !bytes.Equal(a.Raw[i], b.Raw[i]) {
			t.Fatalf("same seed, envelope %d differs:\n%s\n%s", i, a.Raw[i], b.Raw[i])
		}
	}
	if !reflect.DeepEqual(a.Totals, b.Totals) || !reflect.DeepEqual(a.Invalid, b.Invalid) {
		t.Fatal("same seed, different totals or faults")
	}
	c := mustGenerate(t, faultyConfig(8))
	same := 0
	for i := range min(len(a.Raw), len(c.Raw)) {
		if bytes.Equal(a.Raw[i], c.Raw[i]) {
			same++
		}
	}
	if same > 0 || reflect.DeepEqual(a.Totals.Sources, c.Totals.Sources) {
		t.Fatalf("seeds 7 and 8 share %d envelopes / totals", same)
	}
}

// TestGenerateTotalsMatchEvents recomputes the totals from the events
// (latest version of each entity, typed by the catalogue) and compares
// them with the generator's own account.
func TestGenerateTotalsMatchEvents(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	for _, seed := range []int64{1, 2} {
		ds := mustGenerate(t, faultyConfig(seed))
		latest := map[[2]string]*domain.Record{}
		for i := range ds.Events {
			rec, err := cat.Normalize(&ds.Events[i], testNow, domain.TimeBounds{})
			if err != nil {
				t.Fatal(err)
			}
			k := [2]string{rec.Source.Name, rec.Event.EntityID}
			if old := latest[k]; old == nil || domain.Supersedes(rec.Event.Version, old.Event.Version) {
				latest[k] = rec
			}
		}
		want := map[string]app.SourceTotals{}
		for _, src := range cat.Sources {
			st := app.SourceTotals{Sums: map[string]int64{}, Counts: map[string]int64{}}
			for _, f := range src.Fields {
				if f.Kind == domain.KindMeasure {
					st.Sums[f.Name], st.Counts[f.Name] = 0, 0
				}
			}
			want[src.Name] = st
		}
		for k, rec := range latest {
			st := want[k[0]]
			st.Rows++
			for m := range st.Sums {
				if v, ok := rec.Values[m].(int64); ok {
					st.Sums[m] += v
					st.Counts[m]++
				}
			}
			want[k[0]] = st
		}
		ev := want["events"]
		ev.Rows = int64(len(ds.Events))
		want["events"] = ev
		if !reflect.DeepEqual(want, ds.Totals.Sources) {
			t.Fatalf("seed %d: totals from events\n%+v\ngenerator's\n%+v", seed, want, ds.Totals.Sources)
		}
		if ds.Totals.Valid != int64(len(ds.Events)) || ds.Totals.Sent() != int64(len(ds.Raw)) {
			t.Fatalf("seed %d: valid %d of %d events, sent %d of %d envelopes", seed,
				ds.Totals.Valid, len(ds.Events), ds.Totals.Sent(), len(ds.Raw))
		}
		for _, src := range []string{"tickets", "slas", "maintenance", "expenses"} {
			if ds.Totals.Sources[src].Rows == 0 {
				t.Fatalf("seed %d: no %s", seed, src)
			}
		}
	}
}

func TestGenerateEntitiesAreConsistent(t *testing.T) {
	t.Parallel()
	ds := mustGenerate(t, Config{Seed: 3, Now: testNow, Events: 10_000})
	org := app.DemoOrg()
	type state struct {
		version int64
		at      time.Time
		types   []string
	}
	entities := map[[2]string]*state{}
	for _, ev := range ds.Events {
		k := [2]string{ev.Source, ev.EntityID}
		st := entities[k]
		if st == nil {
			st = &state{}
			entities[k] = st
		}
		if ev.Version != st.version+1 {
			t.Fatalf("%s: version %d after %d", ev.EntityID, ev.Version, st.version)
		}
		if st.version > 0 && !ev.OccurredAt.After(st.at) {
			t.Fatalf("%s v%d at %s, not after v%d at %s", ev.EntityID, ev.Version, ev.OccurredAt, st.version, st.at)
		}
		st.version, st.at, st.types = ev.Version, ev.OccurredAt, append(st.types, ev.Type)
		var d struct {
			Customer *string `json:"customer_id"`
			Site     *string `json:"site_id"`
			Contract *string `json:"contract_id"`
		}
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			t.Fatal(err)
		}
		if (d.Customer == nil) != (d.Site == nil) {
			t.Fatalf("%s: customer %v, site %v", ev.EntityID, d.Customer, d.Site)
		}
		if d.Site != nil && !contains(org.Sites[*d.Customer], *d.Site) {
			t.Fatalf("%s: site %s is not a site of %s", ev.EntityID, *d.Site, *d.Customer)
		}
		if d.Contract != nil && !contains(org.Contracts[*d.Customer], *d.Contract) {
			t.Fatalf("%s: contract %s is not a contract of %s", ev.EntityID, *d.Contract, *d.Customer)
		}
	}
	first := map[string]string{"tickets": "ticket.created", "slas": "sla.started", "maintenance": "maintenance.planned", "expenses": "expense.submitted"}
	for k, st := range entities {
		if st.types[0] != first[k[0]] {
			t.Fatalf("%s starts with %s", k[1], st.types[0])
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// TestGenerateLifecycles checks the shapes dashboards rely on: tickets are
// resolved with their measures and some are left open, breaches are more
// frequent for urgent and high priorities, work orders are completed with a
// cost or cancelled, expenses are approved, rejected and paid.
func TestGenerateLifecycles(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	ds := mustGenerate(t, Config{Seed: 4, Now: testNow, Events: 15_000})
	latest := map[string]*domain.Record{}
	types := map[string]int{}
	for i := range ds.Events {
		rec, err := cat.Normalize(&ds.Events[i], testNow, domain.TimeBounds{})
		if err != nil {
			t.Fatal(err)
		}
		latest[rec.Event.EntityID] = rec
		types[rec.Event.Type]++
	}
	for typ := range maps.Keys(types) {
		if _, ok := cat.SourceForType(typ); !ok {
			t.Fatalf("type %s not in the catalogue", typ)
		}
	}
	for _, src := range cat.EntitySources() {
		for _, typ := range src.EventTypes {
			if types[typ] == 0 {
				t.Errorf("no %s event", typ)
			}
		}
	}
	breached, slas, statuses := map[string]int{}, map[string]int{}, map[string]int{}
	for _, rec := range latest {
		v := rec.Values
		switch rec.Source.Name {
		case "tickets":
			statuses["ticket "+v["status"].(string)]++
			_, resolved := v["resolved_at"]
			_, minutes := v["resolution_minutes"]
			if resolved != minutes || resolved != (v["status"] == "resolved" || v["status"] == "closed") {
				t.Fatalf("%s: status %v, resolved_at %v, resolution %v", rec.Event.EntityID, v["status"], v["resolved_at"], v["resolution_minutes"])
			}
		case "slas":
			slas[v["policy"].(string)]++
			_, at := v["breached_at"]
			if b := v["breached"].(bool); b != at {
				t.Fatalf("%s: breached %v, breached_at %v", rec.Event.EntityID, b, v["breached_at"])
			} else if b {
				breached[v["policy"].(string)]++
			}
		case "maintenance":
			statuses["wo "+v["status"].(string)]++
			if _, cost := v["cost"]; cost != (v["status"] == "completed") {
				t.Fatalf("%s: status %v, cost %v", rec.Event.EntityID, v["status"], v["cost"])
			}
		case "expenses":
			statuses["expense "+v["status"].(string)]++
		}
	}
	rate := func(p string) float64 { return float64(breached[p]) / float64(slas[p]) }
	if !(rate("Urgente 4h") > rate("Média 24h") && rate("Alta 8h") > rate("Baixa 48h") && rate("Média 24h") > 0.03) {
		t.Fatalf("breach rates by policy: %v of %v", breached, slas)
	}
	for _, s := range []string{"ticket open", "ticket in_progress", "ticket resolved", "ticket closed", "wo planned", "wo completed", "wo cancelled", "expense paid", "expense rejected"} {
		if statuses[s] == 0 {
			t.Errorf("no %s at the end of the history: %v", s, statuses)
		}
	}
}

// TestGenerateBusinessHours checks that tickets arrive mostly in business
// hours on weekdays (Brasília time), so a heatmap shows structure.
func TestGenerateBusinessHours(t *testing.T) {
	t.Parallel()
	ds := mustGenerate(t, Config{Seed: 5, Now: testNow, Events: 15_000})
	brt := time.FixedZone("BRT", -3*3600)
	var hours [24]int
	var business, weekend, total int
	for _, ev := range ds.Events {
		if ev.Type != "ticket.created" {
			continue
		}
		l := ev.OccurredAt.In(brt)
		hours[l.Hour()]++
		total++
		wd := l.Weekday() != time.Saturday && l.Weekday() != time.Sunday
		if wd && l.Hour() >= 8 && l.Hour() < 18 {
			business++
		}
		if !wd {
			weekend++
		}
	}
	peak := 0
	for h := range hours {
		if hours[h] > hours[peak] {
			peak = h
		}
	}
	if peak < 8 || peak >= 18 {
		t.Fatalf("busiest hour %d: %v", peak, hours)
	}
	if share := float64(business) / float64(total); share < 0.6 {
		t.Fatalf("only %.0f%% of tickets in weekday business hours", 100*share)
	}
	if hours[3]*10 > hours[peak] || weekend*5 > total {
		t.Fatalf("nights or weekends too busy: %v, %d of %d at weekends", hours, weekend, total)
	}
}

func TestGenerateCustomOrganisation(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	org := app.DemoOrgIDs{
		Customers:   []string{"c1", "c2"},
		Sites:       map[string][]string{"c1": {"s1"}, "c2": {"s2", "s3"}},
		Contracts:   map[string][]string{"c2": {"k2"}},
		CostCenters: []string{"cc"},
		Teams:       []string{"only-team"},
	}
	ds := mustGenerate(t, Config{Seed: 6, Tenant: "other", Org: org, Now: testNow, Days: 30, Events: 3_000, Zone: time.UTC})
	for i := range ds.Events {
		ev := &ds.Events[i]
		if ev.TenantID != "other" {
			t.Fatalf("tenant %q", ev.TenantID)
		}
		if _, err := cat.Normalize(ev, testNow, domain.TimeBounds{}); err != nil {
			t.Fatal(err)
		}
		if ev.Source == "tickets" && !bytes.Contains(ev.Data, []byte(`"team_id":"only-team"`)) {
			t.Fatalf("ticket of another team: %s", ev.Data)
		}
		if bytes.Contains(ev.Data, []byte(`"customer_id":"c1"`)) && !bytes.Contains(ev.Data, []byte(`"site_id":"s1"`)) {
			t.Fatalf("c1 is at s1 only: %s", ev.Data)
		}
		if bytes.Contains(ev.Data, []byte(`"customer_id":"c1"`)) && ev.Source == "tickets" && !bytes.Contains(ev.Data, []byte(`"contract_id":null`)) {
			t.Fatalf("c1 has no contract: %s", ev.Data)
		}
	}
}

func TestConfigDefaultsAndValidation(t *testing.T) {
	t.Parallel()
	ds := mustGenerate(t, Config{Now: testNow.Add(123 * time.Millisecond)})
	c := ds.Config
	if c.Tenant != app.DemoTenantSlug || c.Days != DefaultDays || c.Events != DefaultEvents || c.Zone == nil ||
		!c.Now.Equal(testNow) || !reflect.DeepEqual(c.Org, app.DemoOrg()) {
		t.Fatalf("defaults: %+v", c)
	}
	if len(ds.Raw) != len(ds.Events) || ds.Totals.Duplicates != 0 || ds.Totals.Invalid != 0 {
		t.Fatal("faults sent by default")
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no now", Config{}, "now is required"},
		{"days", Config{Now: testNow, Days: MaxDays + 1}, "days must be"},
		{"negative days", Config{Now: testNow, Days: -1}, "days must be"},
		{"events", Config{Now: testNow, Events: -5}, "events must be"},
		{"duplicate rate", Config{Now: testNow, DuplicateRate: 1.5}, "duplicate rate"},
		{"invalid rate", Config{Now: testNow, InvalidRate: -0.1}, "invalid rate"},
		{"no teams", Config{Now: testNow, Org: app.DemoOrgIDs{Customers: []string{"c"}, Sites: map[string][]string{"c": {"s"}}}}, "teams and cost centres"},
		{"customer without site", Config{Now: testNow, Org: app.DemoOrgIDs{Customers: []string{"c"}, Teams: []string{"t"}, CostCenters: []string{"cc"}}}, "customer c has no site"},
	} {
		_, err := Generate(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
		if _, err := NewLive(tc.cfg, 1); err == nil {
			t.Errorf("%s: NewLive accepted it", tc.name)
		}
	}
	var joined interface{ Unwrap() []error }
	if _, err := Generate(Config{Days: -1, Events: -1}); !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Fatalf("want every problem joined, got %v", err)
	}
}

func TestGenerateTinyDataSet(t *testing.T) {
	t.Parallel()
	ds := mustGenerate(t, Config{Seed: 9, Now: testNow, Days: 1, Events: 1, DuplicateRate: 1, InvalidRate: 1})
	if int64(len(ds.Raw)) != ds.Totals.Sent() {
		t.Fatalf("%d envelopes, totals say %d", len(ds.Raw), ds.Totals.Sent())
	}
}

// Event ids are UUIDs version 7 carrying the event's time, so they grow
// with occurred_at: the stores' (tenant_id, event_id) indexes then take a
// batch's ids among their newest keys.
func TestEventIDsAreTimeOrderedUUIDv7(t *testing.T) {
	t.Parallel()
	ds := mustGenerate(t, faultyConfig(3))
	check := func(what, id string, at time.Time) {
		t.Helper()
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("%s id %q: not a UUID version 7 (%v)", what, id, err)
		}
		sec, nsec := u.Time().UnixTime()
		if got := time.Unix(sec, nsec).UTC(); !got.Equal(at.Truncate(time.Millisecond)) {
			t.Fatalf("%s id %s carries %s, the event occurred at %s", what, id, got, at)
		}
	}
	for i := range ds.Events {
		ev := &ds.Events[i]
		check("event", ev.ID, ev.OccurredAt)
		if i > 0 && ev.OccurredAt.Sub(ds.Events[i-1].OccurredAt) >= time.Millisecond && ev.ID <= ds.Events[i-1].ID {
			t.Fatalf("event %d (%s) sorts before event %d (%s) although it occurred later", i, ev.ID, i-1, ds.Events[i-1].ID)
		}
	}
	faults := 0
	for _, f := range ds.Invalid {
		if u, err := uuid.Parse(f.EventID); err == nil && u.Version() == 7 {
			faults++
		}
	}
	if faults == 0 {
		t.Fatalf("none of %d invalid envelopes carries a readable UUID version 7", len(ds.Invalid))
	}
}
