package domain

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestScopeAllowsAndRestricted(t *testing.T) {
	s := Scope{DimCustomer: {"c1", "c2"}, DimSite: {}}
	for _, tc := range []struct {
		dim  Dimension
		v    string
		want bool
	}{
		{DimCustomer, "c1", true}, {DimCustomer, "c3", false},
		{DimSite, "s1", false},    // restricted to nothing
		{DimContract, "k1", true}, // unrestricted
	} {
		if got := s.Allows(tc.dim, tc.v); got != tc.want {
			t.Errorf("Allows(%s,%s)=%v want %v", tc.dim, tc.v, got, tc.want)
		}
	}
	if vs, ok := s.Restricted(DimCustomer); !ok || len(vs) != 2 {
		t.Errorf("Restricted(customer) = %v %v", vs, ok)
	}
	if _, ok := s.Restricted(DimTeam); ok {
		t.Error("team should be unrestricted")
	}
	if s.Unrestricted() || !(Scope{}).Unrestricted() || !Scope(nil).Unrestricted() {
		t.Error("Unrestricted wrong")
	}
}

func TestScopeValidate(t *testing.T) {
	if err := (Scope{DimSite: {"a"}}).Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Scope{"planet": {"a"}}).Validate(); ErrorCode(err) != CodeInvalid {
		t.Fatalf("unknown dimension: %v", err)
	}
	if err := (Scope{DimSite: {""}}).Validate(); ErrorCode(err) != CodeInvalid {
		t.Fatalf("empty value: %v", err)
	}
}

// randomScope draws a scope over a small universe so intersections collide.
func randomScope(r *rand.Rand) Scope {
	s := Scope{}
	for _, d := range Dimensions {
		if r.IntN(3) == 0 {
			continue // unrestricted
		}
		vs := []string{}
		for _, v := range []string{"a", "b", "c", "d"} {
			if r.IntN(2) == 0 {
				vs = append(vs, v)
			}
		}
		s[d] = vs
	}
	return s
}

// TestIntersectNeverWidens is a property test: the intersection is within
// both inputs, allows exactly what both allow, and is commutative.
func TestIntersectNeverWidens(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		a, b := randomScope(r), randomScope(r)
		x := a.Intersect(b)
		if !x.Within(a) || !x.Within(b) {
			t.Fatalf("intersection %v of %v and %v is wider than an input", x, a, b)
		}
		if !x.Equal(b.Intersect(a)) {
			t.Fatalf("not commutative: %v vs %v", x, b.Intersect(a))
		}
		for _, d := range Dimensions {
			for _, v := range []string{"a", "b", "c", "d", "e"} {
				if x.Allows(d, v) != (a.Allows(d, v) && b.Allows(d, v)) {
					t.Fatalf("%s=%s: intersection allows %v, inputs %v and %v", d, v, x.Allows(d, v), a.Allows(d, v), b.Allows(d, v))
				}
			}
		}
	}
}

func TestWithinAndEqual(t *testing.T) {
	wide := Scope{DimCustomer: {"a", "b"}}
	narrow := Scope{DimCustomer: {"a"}, DimSite: {"s"}}
	if !narrow.Within(wide) || wide.Within(narrow) {
		t.Fatal("Within wrong")
	}
	if !(Scope{}).Within(Scope{}) || (Scope{}).Within(wide) {
		t.Fatal("unrestricted is within only unrestricted")
	}
	if !(Scope{DimSite: {"b", "a", "a"}}).Equal(Scope{DimSite: {"a", "b"}}) {
		t.Fatal("Equal should ignore order and duplicates")
	}
	if (Scope{DimSite: {}}).Equal(Scope{}) {
		t.Fatal("restricted-to-nothing must differ from unrestricted")
	}
}

func TestEffectiveScope(t *testing.T) {
	now := time.Unix(0, 0)
	mk := func(sc Scope) ScopePolicy {
		p, err := NewScopePolicy("p", "t", SubjectUser, "u", sc, now)
		if err != nil {
			t.Fatal(err)
		}
		return *p
	}
	if got := EffectiveScope(nil); !got.Unrestricted() {
		t.Fatalf("no policy: %v", got)
	}
	got := EffectiveScope([]ScopePolicy{
		mk(Scope{DimCustomer: {"a", "b"}}),
		mk(Scope{DimCustomer: {"b", "c"}, DimSite: {"s1"}}),
	})
	if !got.Equal(Scope{DimCustomer: {"b"}, DimSite: {"s1"}}) {
		t.Fatalf("got %v", got)
	}
	// Disjoint policies leave nothing: intersection never widens.
	got = EffectiveScope([]ScopePolicy{mk(Scope{DimCustomer: {"a"}}), mk(Scope{DimCustomer: {"b"}})})
	if got.Allows(DimCustomer, "a") || got.Allows(DimCustomer, "b") {
		t.Fatalf("disjoint: %v", got)
	}
}

func TestNewScopePolicyRejects(t *testing.T) {
	now := time.Now()
	for name, fn := range map[string]func() error{
		"empty scope": func() error { _, err := NewScopePolicy("p", "t", SubjectUser, "u", Scope{}, now); return err },
		"bad subject": func() error { _, err := NewScopePolicy("p", "t", "robot", "u", Scope{DimSite: {"s"}}, now); return err },
		"no subject": func() error {
			_, err := NewScopePolicy("p", "t", SubjectTeam, "", Scope{DimSite: {"s"}}, now)
			return err
		},
		"bad dim": func() error {
			_, err := NewScopePolicy("p", "t", SubjectTeam, "x", Scope{"moon": {"s"}}, now)
			return err
		},
		"no id": func() error {
			_, err := NewScopePolicy("", "t", SubjectTeam, "x", Scope{DimSite: {"s"}}, now)
			return err
		},
		"no tenant id": func() error {
			_, err := NewScopePolicy("p", "", SubjectTeam, "x", Scope{DimSite: {"s"}}, now)
			return err
		},
	} {
		if err := fn(); ErrorCode(err) != CodeInvalid {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// The JSON form keeps "restricted to nothing" apart from "unrestricted".
func TestScopeJSONRoundTrip(t *testing.T) {
	in := Scope{DimSite: {}, DimCustomer: {"c1"}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Scope
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if vs, ok := out[DimSite]; !ok || len(vs) != 0 || out.Allows(DimSite, "x") {
		t.Fatalf("empty list lost: %s -> %v", b, out)
	}
	if !slices.Equal(out[DimCustomer], []string{"c1"}) {
		t.Fatalf("got %v", out)
	}
}

func TestScopeConditions(t *testing.T) {
	src := &Source{Name: "s", Fields: []Field{{Name: "customer_id", Scope: DimCustomer}, {Name: "site_id", Scope: DimSite}}}
	conds := Scope{DimSite: {"s1"}, DimCustomer: {"c1", "c2"}, DimTeam: {"t"}, DimContract: {}}.Conditions(src)
	if len(conds) != 4 {
		t.Fatalf("%d conditions", len(conds))
	}
	// Dimension order: contract, customer, site, team.
	if conds[0].Field != nil || conds[1].Field.Name != "customer_id" || len(conds[1].Values) != 2 ||
		conds[2].Field.Name != "site_id" || conds[3].Field != nil {
		t.Fatalf("%+v", conds)
	}
	if len((Scope{}).Conditions(src)) != 0 {
		t.Fatal("unrestricted scope adds conditions")
	}
}
