package domain

import (
	"fmt"
	"testing"
)

// actionOrder is the column order of the expectation strings below:
// view, edit, delete, share, manage, export. A = allowed, F = forbidden
// (403), N = not found (404: the principal may not know it exists).
var actionOrder = []Action{ActionView, ActionEdit, ActionDelete, ActionShare, ActionManage, ActionExport}

// relation builds the principal and resource for one way a user can stand
// towards an object.
type relation struct {
	name  string
	build func(p *Principal, r *Resource)
}

var relations = []relation{
	{"owner", func(p *Principal, r *Resource) { r.OwnerID = p.UserID }},
	{"user-editor-grant", func(p *Principal, r *Resource) {
		r.Grants = []Grant{{TenantID: r.TenantID, SubjectType: SubjectUser, SubjectID: p.UserID, Role: GrantEditor}}
	}},
	{"team-viewer-grant", func(p *Principal, r *Resource) {
		r.Grants = []Grant{{TenantID: r.TenantID, SubjectType: SubjectTeam, SubjectID: "team-1", Role: GrantViewer}}
	}},
	{"teammate", func(p *Principal, r *Resource) { r.TeamIDs = []string{"team-1"} }},
	{"same-customer", func(p *Principal, r *Resource) {
		r.CustomerID = "cust-1"
		p.Scope = Scope{DimCustomer: {"cust-1"}}
	}},
	{"stranger", func(p *Principal, r *Resource) {
		r.CustomerID = "cust-1"
		r.TeamIDs = []string{"team-9"}
		p.Scope = Scope{DimCustomer: {"cust-2"}}
	}},
}

// expected[role][relation] lists the outcome per visibility, in the order
// private, group, customer, public.
var expected = map[Role]map[string][4]string{
	RoleAdmin: {
		"owner":             {"AAAAAA", "AAAAAA", "AAAAAA", "AAAAAA"},
		"user-editor-grant": {"AAAAAA", "AAAAAA", "AAAAAA", "AAAAAA"},
		"team-viewer-grant": {"AAAAAA", "AAAAAA", "AAAAAA", "AAAAAA"},
		"teammate":          {"AAAAAA", "AAAAAA", "AAAAAA", "AAAAAA"},
		"same-customer":     {"AAAAAA", "AAAAAA", "AAAAAA", "AAAAAA"},
		"stranger":          {"AAAAAA", "AAAAAA", "AAAAAA", "AAAAAA"},
	},
	RoleEditor: {
		"owner":             {"AAAAAA", "AAAAAA", "AAAAAA", "AAAAAA"},
		"user-editor-grant": {"AAFAFA", "AAFAFA", "AAFAFA", "AAFAFA"},
		"team-viewer-grant": {"AFFFFA", "AFFFFA", "AFFFFA", "AFFFFA"},
		"teammate":          {"NNNNNN", "AFFFFA", "NNNNNN", "AFFFFA"},
		"same-customer":     {"NNNNNN", "NNNNNN", "AFFFFA", "AFFFFA"},
		"stranger":          {"NNNNNN", "NNNNNN", "NNNNNN", "AFFFFA"},
	},
	RoleViewer: {
		"owner":             {"AFFFFA", "AFFFFA", "AFFFFA", "AFFFFA"},
		"user-editor-grant": {"AFFFFA", "AFFFFA", "AFFFFA", "AFFFFA"},
		"team-viewer-grant": {"AFFFFA", "AFFFFA", "AFFFFA", "AFFFFA"},
		"teammate":          {"NNNNNN", "AFFFFA", "NNNNNN", "AFFFFA"},
		"same-customer":     {"NNNNNN", "NNNNNN", "AFFFFA", "AFFFFA"},
		"stranger":          {"NNNNNN", "NNNNNN", "NNNNNN", "AFFFFA"},
	},
}

func outcome(err error) byte {
	switch ErrorCode(err) {
	case "":
		return 'A'
	case CodeForbidden:
		return 'F'
	case CodeNotFound:
		return 'N'
	}
	return '?'
}

// TestCanTable covers every tenant role x relation x visibility x action,
// in the same tenant and in another tenant (R5.1, R5.2).
func TestCanTable(t *testing.T) {
	cases := 0
	for _, role := range Roles {
		for _, rel := range relations {
			for vi, vis := range Visibilities {
				for _, sameTenant := range []bool{true, false} {
					for ai, action := range actionOrder {
						p := Principal{Kind: PrincipalUser, TenantID: "t1", UserID: "u1", Role: role, TeamIDs: []string{"team-1"}}
						r := Resource{Type: ObjectDashboard, ID: "d1", TenantID: "t1", OwnerID: "someone-else", Visibility: vis}
						rel.build(&p, &r)
						want := expected[role][rel.name][vi][ai]
						if !sameTenant {
							// The object lives in another tenant, whatever else holds:
							// its grants name the principal's ids, yet it stays unknown.
							r.TenantID = "t2"
							for i := range r.Grants {
								r.Grants[i].TenantID = "t2"
							}
							want = 'N'
						}
						name := fmt.Sprintf("%s/%s/%s/%s/same=%v", role, rel.name, vis, action, sameTenant)
						if got := outcome(Can(p, action, r)); got != want {
							t.Errorf("%s: got %c want %c", name, got, want)
						}
						cases++
					}
				}
			}
		}
	}
	if want := len(Roles) * len(relations) * len(Visibilities) * 2 * len(actionOrder); cases != want || want != len(Roles)*6*4*2*6 {
		t.Fatalf("covered %d cases, want %d", cases, want)
	}
	if len(actionOrder) != len(Actions) {
		t.Fatalf("the table does not cover every action")
	}
}

func TestCanNonUserPrincipalsAndEdges(t *testing.T) {
	r := Resource{Type: ObjectReport, ID: "r1", TenantID: "t1", OwnerID: "u1", Visibility: VisibilityPublic}
	for _, kind := range []PrincipalKind{PrincipalShare, PrincipalModule} {
		p := Principal{Kind: kind, TenantID: "t1", UserID: "u1", Role: RoleAdmin}
		if got := outcome(Can(p, ActionView, r)); got != 'N' {
			t.Errorf("%s principal: got %c, want N: grants never apply to tokens", kind, got)
		}
	}
	if got := outcome(Can(Principal{Kind: PrincipalUser, UserID: "u1", Role: RoleAdmin}, ActionView, r)); got != 'N' {
		t.Errorf("principal without tenant: got %c want N", got)
	}
	p := Principal{Kind: PrincipalUser, TenantID: "t1", UserID: "u1", Role: RoleEditor}
	if got := outcome(Can(p, Action("launch"), r)); got != 'F' {
		t.Errorf("unknown action: got %c want F", got)
	}
	// A grant recorded under another tenant never counts.
	r2 := Resource{Type: ObjectReport, ID: "r2", TenantID: "t1", OwnerID: "x", Visibility: VisibilityPrivate,
		Grants: []Grant{{TenantID: "t2", SubjectType: SubjectUser, SubjectID: "u1", Role: GrantOwner}}}
	if got := outcome(Can(p, ActionView, r2)); got != 'N' {
		t.Errorf("foreign-tenant grant: got %c want N", got)
	}
	// The strongest of several grants wins.
	r2.Grants = []Grant{
		{TenantID: "t1", SubjectType: SubjectUser, SubjectID: "u1", Role: GrantViewer},
		{TenantID: "t1", SubjectType: SubjectTeam, SubjectID: "team-1", Role: GrantOwner},
	}
	p.TeamIDs = []string{"team-1"}
	if err := Can(p, ActionDelete, r2); err != nil {
		t.Errorf("team owner grant should allow delete: %v", err)
	}
}

func TestCanCreateAndRequireAdmin(t *testing.T) {
	for _, tc := range []struct {
		p         Principal
		create    bool
		adminOnly bool
	}{
		{Principal{Kind: PrincipalUser, TenantID: "t", Role: RoleAdmin}, true, true},
		{Principal{Kind: PrincipalUser, TenantID: "t", Role: RoleEditor}, true, false},
		{Principal{Kind: PrincipalUser, TenantID: "t", Role: RoleViewer}, false, false},
		{Principal{Kind: PrincipalShare, TenantID: "t", Role: RoleAdmin}, false, false},
		{Principal{Kind: PrincipalUser, Role: RoleAdmin}, false, false},
	} {
		if got := CanCreate(tc.p, ObjectDashboard) == nil; got != tc.create {
			t.Errorf("CanCreate(%+v) = %v, want %v", tc.p, got, tc.create)
		}
		if got := RequireAdmin(tc.p) == nil; got != tc.adminOnly {
			t.Errorf("RequireAdmin(%+v) = %v, want %v", tc.p, got, tc.adminOnly)
		}
	}
}
