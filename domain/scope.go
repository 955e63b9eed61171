package domain

import (
	"maps"
	"slices"
	"time"
)

// Dimension is a data-scope dimension a policy can restrict (R5.3).
type Dimension string

// Scope dimensions. The tenant is not one of them: it is always exact and is
// carried by the principal itself.
const (
	DimSite       Dimension = "site"
	DimContract   Dimension = "contract"
	DimCustomer   Dimension = "customer"
	DimCostCenter Dimension = "cost_center"
	DimTeam       Dimension = "team"
)

// Dimensions lists every scope Dimension.
var Dimensions = []Dimension{DimSite, DimContract, DimCustomer, DimCostCenter, DimTeam}

// Scope restricts which rows of operational data a principal sees. A
// dimension absent from the map is unrestricted; a present dimension allows
// exactly its listed values, so an empty list allows nothing. The zero Scope
// is unrestricted.
type Scope map[Dimension][]string

// Unrestricted reports whether s restricts nothing.
func (s Scope) Unrestricted() bool { return len(s) == 0 }

// Allows reports whether value of dim is inside s.
func (s Scope) Allows(dim Dimension, value string) bool {
	vs, restricted := s[dim]
	return !restricted || slices.Contains(vs, value)
}

// Restricted returns the allowed values of dim and whether dim is restricted.
func (s Scope) Restricted(dim Dimension) ([]string, bool) {
	vs, ok := s[dim]
	return vs, ok
}

// Validate checks dimensions and values.
func (s Scope) Validate() error {
	for d, vs := range s {
		if !slices.Contains(Dimensions, d) {
			return Invalid("scope."+string(d), "unknown scope dimension")
		}
		for _, v := range vs {
			if v == "" {
				return Invalid("scope."+string(d), "values must be non-empty")
			}
		}
	}
	return nil
}

// Normalize returns a copy with sorted, de-duplicated values so equal scopes
// compare and hash equal (cache keys depend on it).
func (s Scope) Normalize() Scope {
	out := make(Scope, len(s))
	for d, vs := range s {
		c := slices.Clone(vs)
		slices.Sort(c)
		out[d] = slices.Compact(c)
		if out[d] == nil {
			out[d] = []string{}
		}
	}
	return out
}

// Intersect composes two scopes: the result allows a value only when both
// do. It can never widen either input.
func (s Scope) Intersect(o Scope) Scope {
	out := make(Scope, len(s)+len(o))
	for _, d := range Dimensions {
		a, inA := s[d]
		b, inB := o[d]
		switch {
		case inA && inB:
			vs := []string{}
			for _, v := range a {
				if slices.Contains(b, v) && !slices.Contains(vs, v) {
					vs = append(vs, v)
				}
			}
			out[d] = vs
		case inA:
			out[d] = slices.Clone(a)
		case inB:
			out[d] = slices.Clone(b)
		}
	}
	return out.Normalize()
}

// Within reports whether every row allowed by s is allowed by o, i.e. s is
// no wider than o.
func (s Scope) Within(o Scope) bool {
	for d, ovs := range o {
		svs, ok := s[d]
		if !ok {
			return false
		}
		for _, v := range svs {
			if !slices.Contains(ovs, v) {
				return false
			}
		}
	}
	return true
}

// Equal reports whether two scopes allow exactly the same rows.
func (s Scope) Equal(o Scope) bool {
	a, b := s.Normalize(), o.Normalize()
	return maps.EqualFunc(a, b, slices.Equal)
}

// ScopePolicy restricts the data a user or team may see (R5.3).
type ScopePolicy struct {
	ID          string
	TenantID    string
	SubjectType SubjectType
	SubjectID   string
	Scope       Scope
	CreatedAt   time.Time
}

// NewScopePolicy validates a policy. A policy with an empty scope restricts
// nothing and is refused: it would read as a restriction but grant all.
func NewScopePolicy(id, tenantID string, st SubjectType, subjectID string, sc Scope, now time.Time) (*ScopePolicy, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	if err := validEnum("subject_type", st, SubjectTypes); err != nil {
		return nil, err
	}
	if err := requireID("subject_id", subjectID); err != nil {
		return nil, err
	}
	if sc.Unrestricted() {
		return nil, Invalid("scope", "must restrict at least one dimension")
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	return &ScopePolicy{ID: id, TenantID: tenantID, SubjectType: st, SubjectID: subjectID, Scope: sc.Normalize(), CreatedAt: now.UTC()}, nil
}

// EffectiveScope composes every policy that applies to a principal (its own
// and its teams') into one scope by intersection: adding a policy can only
// narrow what is seen, never widen it.
func EffectiveScope(policies []ScopePolicy) Scope {
	eff := Scope{}
	for _, p := range policies {
		eff = eff.Intersect(p.Scope)
	}
	return eff.Normalize()
}

// ScopeCondition is one predicate a scope puts on a source's rows: the
// field must hold one of Values. A nil Field means no row passes: the
// scope restricts a dimension the source does not carry, or allows no
// value of it (fail closed).
type ScopeCondition struct {
	Field  *Field
	Values []string
}

// Conditions turns s into the predicates a query compiler must AND into
// every query over src, in dimension order so compiled SQL is stable.
func (s Scope) Conditions(src *Source) []ScopeCondition {
	dims := make([]string, 0, len(s))
	for d := range s {
		dims = append(dims, string(d))
	}
	slices.Sort(dims)
	out := make([]ScopeCondition, 0, len(dims))
	for _, d := range dims {
		vals := s[Dimension(d)]
		f, ok := src.ScopeField(Dimension(d))
		if !ok || len(vals) == 0 {
			out = append(out, ScopeCondition{})
			continue
		}
		out = append(out, ScopeCondition{Field: f, Values: vals})
	}
	return out
}
