package demogen

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/conductor/reports/domain"
)

// TestFaultsAreRefusedForTheirReason sends every envelope of Raw through
// the real checks: valid ones and duplicates pass, each invalid one is
// refused with the field its kind names.
func TestFaultsAreRefusedForTheirReason(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	ds := mustGenerate(t, faultyConfig(11))
	faults := map[int]InvalidEnvelope{}
	for _, f := range ds.Invalid {
		faults[f.Index] = f
	}
	kinds := map[FaultKind]int64{}
	passed := 0
	for i, raw := range ds.Raw {
		ev, err := domain.ParseEvent(raw)
		if err == nil {
			_, err = cat.Normalize(ev, testNow, domain.TimeBounds{})
		}
		f, invalid := faults[i]
		if !invalid {
			if err != nil {
				t.Fatalf("envelope %d refused: %v", i, err)
			}
			passed++
			continue
		}
		kinds[f.Kind]++
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeInvalid {
			t.Fatalf("%s envelope %d: want an invalid error, got %v\n%s", f.Kind, i, err, raw)
		}
		if de.Field != f.Field {
			t.Fatalf("%s envelope %d: refused on %q (%s), want %q\n%s", f.Kind, i, de.Field, de.Message, f.Field, raw)
		}
		if f.Kind == FaultMalformed && !strings.Contains(de.Message, "malformed") {
			t.Fatalf("malformed envelope %d: %v", i, de)
		}
	}
	if int64(passed) != ds.Totals.Valid+ds.Totals.Duplicates {
		t.Fatalf("%d envelopes passed, want %d valid + %d duplicates", passed, ds.Totals.Valid, ds.Totals.Duplicates)
	}
	if want := int64(len(ds.Events) * 4 / 100); ds.Totals.Invalid < want-1 || ds.Totals.Invalid > want+1 {
		t.Fatalf("%d invalid envelopes, want about %d", ds.Totals.Invalid, want)
	}
	for _, k := range FaultKinds() {
		if kinds[k] == 0 || kinds[k] != ds.Totals.InvalidByKind[k] {
			t.Errorf("%s: %d sent, totals say %d", k, kinds[k], ds.Totals.InvalidByKind[k])
		}
	}
}

// TestRawKeepsEntityOrder checks the send order: each valid event exactly
// once, every duplicate identical to an event sent before it, each
// entity's versions in order, and the stream interleaved.
func TestRawKeepsEntityOrder(t *testing.T) {
	t.Parallel()
	ds := mustGenerate(t, faultyConfig(12))
	byID := map[string][]byte{}
	for _, ev := range ds.Events {
		byID[ev.ID] = Envelope(ev)
	}
	invalid := map[int]bool{}
	for _, f := range ds.Invalid {
		invalid[f.Index] = true
	}
	seen := map[string]bool{}
	lastVersion := map[[2]string]int64{}
	var dups, inversions int64
	var prev *domain.Event
	for i, raw := range ds.Raw {
		if invalid[i] {
			continue
		}
		ev, err := domain.ParseEvent(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(raw, byID[ev.ID]) {
			t.Fatalf("envelope %d is not the event %s", i, ev.ID)
		}
		if seen[ev.ID] {
			dups++
			continue
		}
		seen[ev.ID] = true
		k := [2]string{ev.Source, ev.EntityID}
		if ev.Version != lastVersion[k]+1 {
			t.Fatalf("%s v%d sent after v%d", ev.EntityID, ev.Version, lastVersion[k])
		}
		lastVersion[k] = ev.Version
		if prev != nil && ev.OccurredAt.Before(prev.OccurredAt) {
			inversions++
		}
		prev = ev
	}
	if len(seen) != len(ds.Events) || dups != ds.Totals.Duplicates || dups == 0 {
		t.Fatalf("%d distinct of %d events, %d duplicates (totals %d)", len(seen), len(ds.Events), dups, ds.Totals.Duplicates)
	}
	if inversions < int64(len(ds.Events))/4 {
		t.Fatalf("only %d time inversions: Raw is hardly shuffled", inversions)
	}
}

func TestMakeFaultWithoutEnumeratedField(t *testing.T) {
	t.Parallel()
	ds := mustGenerate(t, Config{Seed: 13, Now: testNow, Events: 500})
	var sla domain.Event
	for _, ev := range ds.Events {
		if ev.Source == "slas" {
			sla = ev
			break
		}
	}
	cfg := ds.Config
	b, f := makeFault(cfg, FaultWrongEnum, sla, newRand(1, streamFaults))
	if f.Kind != FaultWrongType || f.Field != "data.target_minutes" || !bytes.Contains(b, []byte(`"target_minutes":"12,50"`)) {
		t.Fatalf("an SLA has no enumerated field, so a wrong type instead: %+v %s", f, b)
	}
}
