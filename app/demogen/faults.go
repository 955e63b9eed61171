package demogen

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/conductor/reports/domain"
)

// FaultKind is a kind of invalid envelope the ingest must dead-letter.
type FaultKind string

// The invalid envelopes a Dataset can hold. Each has exactly one defect,
// so the refusal names one precise field (InvalidEnvelope.Field).
const (
	FaultUnknownSource FaultKind = "unknown_source" // source not in the catalogue
	FaultUnknownField  FaultKind = "unknown_field"  // data member not in the catalogue
	FaultWrongType     FaultKind = "wrong_type"     // a measure sent as a string
	FaultWrongEnum     FaultKind = "wrong_enum"     // a value outside the field's list
	FaultMissingTenant FaultKind = "missing_tenant" // no tenant_id member
	FaultFuture        FaultKind = "future"         // occurred_at 3 h to 3 days after Now
	FaultAncient       FaultKind = "ancient"        // occurred_at 401 to 800 days before Now
	FaultMalformed     FaultKind = "malformed_json" // truncated, or a trailing comma
)

// FaultKinds lists every FaultKind, in the order invalid envelopes take
// them in turn.
func FaultKinds() []FaultKind {
	return []FaultKind{
		FaultUnknownSource, FaultUnknownField, FaultWrongType, FaultWrongEnum,
		FaultMissingTenant, FaultFuture, FaultAncient, FaultMalformed,
	}
}

// InvalidEnvelope describes one invalid envelope of Dataset.Raw.
type InvalidEnvelope struct {
	Index   int       // position in Dataset.Raw
	Kind    FaultKind //
	EventID string    // the id the envelope carries (unreadable when malformed)
	// Field is the domain.Error field of the refusal: "source",
	// "data.<name>", "tenant_id" and "occurred_at"; "" for malformed JSON.
	// domain.ParseEvent refuses missing tenants and malformed JSON, and
	// Catalog.Normalize the rest.
	Field string
}

// faultData are, per source, the measure sent with a wrong type and the
// enumerated field sent with a value outside its list.
var faultData = map[string]struct{ measure, enum, badValue string }{
	"tickets":     {"first_response_minutes", "priority", `"critical"`},
	"slas":        {"target_minutes", "", ""},
	"maintenance": {"cost", "kind", `"predictive"`},
	"expenses":    {"amount", "status", `"draft"`},
}

// sendItem is one envelope with its place in the send order.
type sendItem struct {
	key   float64
	seq   int // breaks ties: an original before its replay
	b     []byte
	fault *InvalidEnvelope
}

// sendOrder builds Dataset.Raw: events interleaved at random with each
// entity's versions kept in order, replays after their originals, invalid
// envelopes anywhere.
func sendOrder(cfg Config, events []domain.Event, envelopes [][]byte) (raw [][]byte, invalid []InvalidEnvelope, dups int64) {
	n := len(events)
	keys := entityOrderedKeys(cfg.Seed, events)
	items := make([]sendItem, 0, n+int(float64(n)*(cfg.DuplicateRate+cfg.InvalidRate))+1)
	for i := range events {
		items = append(items, sendItem{key: keys[i], seq: i, b: envelopes[i]})
	}
	r := newRand(cfg.Seed, streamFaults)
	if n > 0 {
		for range int(math.Round(cfg.DuplicateRate * float64(n))) {
			i := r.IntN(n)
			k := keys[i] + (1-keys[i])*r.Float64()
			items = append(items, sendItem{key: k, seq: len(items), b: bytes.Clone(items[i].b)})
			dups++
		}
		kinds := FaultKinds()
		for j := range int(math.Round(cfg.InvalidRate * float64(n))) {
			kind := kinds[j%len(kinds)]
			b, f := makeFault(cfg, kind, pickFaultBase(r, kind, events), r)
			items = append(items, sendItem{key: r.Float64(), seq: len(items), b: b, fault: f})
		}
	}
	slices.SortFunc(items, func(a, b sendItem) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	raw = make([][]byte, len(items))
	for i, it := range items {
		raw[i] = it.b
		if it.fault != nil {
			it.fault.Index = i
			invalid = append(invalid, *it.fault)
		}
	}
	return raw, invalid, dups
}

// entityOrderedKeys draws a random sort key per event, then hands each
// entity's keys back to its versions in ascending order: a uniformly
// random interleaving in which no entity's versions are reordered.
func entityOrderedKeys(seed int64, events []domain.Event) []float64 {
	r := newRand(seed, streamShuffle)
	keys := make([]float64, len(events))
	groups := map[[2]string][]int{}
	for i := range events {
		keys[i] = r.Float64()
		g := [2]string{events[i].Source, events[i].EntityID}
		groups[g] = append(groups[g], i)
	}
	for _, idx := range groups {
		ks := make([]float64, len(idx))
		for j, i := range idx {
			ks[j] = keys[i]
		}
		slices.Sort(ks)
		for j, i := range idx {
			keys[i] = ks[j]
		}
	}
	return keys
}

// pickFaultBase picks the valid event a fault is made from; a wrong enum
// needs a source with an enumerated field.
func pickFaultBase(r *rand.Rand, kind FaultKind, events []domain.Event) domain.Event {
	ev := events[r.IntN(len(events))]
	for tries := 0; kind == FaultWrongEnum && faultData[ev.Source].enum == "" && tries < 64; tries++ {
		ev = events[r.IntN(len(events))]
	}
	return ev
}

// makeFault turns the valid event ev into an invalid envelope of kind,
// under a fresh event id.
func makeFault(cfg Config, kind FaultKind, ev domain.Event, r *rand.Rand) ([]byte, *InvalidEnvelope) {
	ev.ID = uuidFrom(r, ev.OccurredAt)
	f := &InvalidEnvelope{Kind: kind, EventID: ev.ID}
	fd := faultData[ev.Source]
	switch kind {
	case FaultUnknownSource:
		ev.Source, ev.Type, f.Field = "inventory", "inventory.counted", "source"
	case FaultUnknownField:
		ev.Data, f.Field = withMember(ev.Data, "legacy_code", `"LC-`+ev.EntityID+`"`), "data.legacy_code"
	case FaultWrongEnum:
		if fd.enum != "" {
			ev.Data, f.Field = withMember(ev.Data, fd.enum, fd.badValue), "data."+fd.enum
			break
		}
		f.Kind = FaultWrongType // no enumerated field in this data set
		fallthrough
	case FaultWrongType:
		ev.Data, f.Field = withMember(ev.Data, fd.measure, `"12,50"`), "data."+fd.measure
	case FaultMissingTenant:
		ev.TenantID, f.Field = "", "tenant_id"
	case FaultFuture:
		ev.OccurredAt, f.Field = cfg.Now.Add(time.Duration(3*3600+r.IntN(69*3600))*time.Second), "occurred_at"
	case FaultAncient:
		ev.OccurredAt, f.Field = cfg.Now.AddDate(0, 0, -401-r.IntN(400)), "occurred_at"
	case FaultMalformed:
		b := Envelope(ev)
		if r.IntN(2) == 0 {
			return b[:len(b)/4+r.IntN(len(b)/2)], f // cut off mid-write
		}
		return append(b[:len(b)-1], ",}"...), f // trailing comma
	}
	return Envelope(ev), f
}

// withMember returns the data object with member name set to the JSON
// value v (added when absent). Keys come out sorted, deterministically.
func withMember(data json.RawMessage, name, v string) json.RawMessage {
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(data, &m); err != nil {
		panic("demogen: generated data is not an object: " + err.Error())
	}
	m[name] = json.RawMessage(v)
	b, err := json.Marshal(m)
	if err != nil {
		panic("demogen: " + err.Error())
	}
	return b
}
