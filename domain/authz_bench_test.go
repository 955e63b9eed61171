package domain

import "testing"

func BenchmarkCan(b *testing.B) {
	p := Principal{Kind: PrincipalUser, TenantID: "t1", UserID: "u1", Role: RoleEditor, TeamIDs: []string{"a", "b", "team-1"}}
	r := Resource{Type: ObjectDashboard, ID: "d", TenantID: "t1", OwnerID: "x", Visibility: VisibilityGroup, TeamIDs: []string{"team-1"},
		Grants: []Grant{{TenantID: "t1", SubjectType: SubjectTeam, SubjectID: "b", Role: GrantEditor}}}
	for b.Loop() {
		if Can(p, ActionEdit, r) != nil {
			b.Fatal("denied")
		}
	}
}

func BenchmarkEffectiveScope(b *testing.B) {
	ps := []ScopePolicy{{Scope: Scope{DimCustomer: {"a", "b", "c"}}}, {Scope: Scope{DimCustomer: {"b", "c"}, DimSite: {"s1", "s2"}}}}
	for b.Loop() {
		_ = EffectiveScope(ps)
	}
}
