package domain

import "slices"

// PrincipalKind says what authenticated a request.
type PrincipalKind string

// Principal kinds. A share-token principal (R4) carries the token's scope
// and permissions instead of a user's role; a module principal is another
// Conductor module ingesting events with an API key.
const (
	PrincipalUser   PrincipalKind = "user"
	PrincipalShare  PrincipalKind = "share"
	PrincipalModule PrincipalKind = "module"
)

// Principal is who is acting: tenant, identity, role, teams and data scope.
type Principal struct {
	Kind     PrincipalKind
	TenantID string
	UserID   string
	// ShareTokenID is set for share-token principals; ObjectType/ObjectID say
	// what the token opens.
	ShareTokenID string
	Role         Role
	TeamIDs      []string
	Scope        Scope
	// APIKeyID and Sources are set for module principals: the key and the
	// sources it may ingest (empty: all).
	APIKeyID string
	Sources  []string
}

// IsAdmin reports whether p administers its tenant.
func (p Principal) IsAdmin() bool {
	return p.Kind == PrincipalUser && p.TenantID != "" && p.Role == RoleAdmin
}

// InTeam reports whether p is a member of team.
func (p Principal) InTeam(team string) bool { return slices.Contains(p.TeamIDs, team) }

// Action is what a principal wants to do with an object.
type Action string

// Actions on reports and dashboards.
const (
	ActionView   Action = "view"
	ActionEdit   Action = "edit"
	ActionDelete Action = "delete"
	ActionShare  Action = "share"  // create share links
	ActionManage Action = "manage" // change grants and visibility
	ActionExport Action = "export"
)

// Actions lists every Action.
var Actions = []Action{ActionView, ActionEdit, ActionDelete, ActionShare, ActionManage, ActionExport}

// Resource is what authorisation needs to know about a report or dashboard.
type Resource struct {
	Type       ObjectType
	ID         string
	TenantID   string
	OwnerID    string
	Visibility Visibility
	// TeamIDs are the teams a group-visible object is visible to (the
	// object's team, else its owner's teams, resolved by the caller).
	TeamIDs []string
	// CustomerID is the customer a customer-visible object is about.
	CustomerID string
	Grants     []Grant
}

// grantRank orders grant roles so the strongest applicable one wins.
var grantRank = map[GrantRole]int{GrantViewer: 1, GrantEditor: 2, GrantOwner: 3}

// actionNeeds is the weakest grant role that permits each action.
var actionNeeds = map[Action]GrantRole{
	ActionView:   GrantViewer,
	ActionExport: GrantViewer,
	ActionEdit:   GrantEditor,
	ActionShare:  GrantEditor,
	ActionDelete: GrantOwner,
	ActionManage: GrantOwner,
}

// Can decides whether p may do a to r (R5.1, R5.2). It returns nil when
// allowed, a not_found Error when p may not even know r exists (other
// tenant, or invisible to p), and a forbidden Error when p sees r but may
// not do a. Rules:
//   - other tenant: not found, always;
//   - tenant admins may do everything in their tenant;
//   - the owner, and user or team grants, give owner/editor/viewer rights;
//   - visibility gives view (and export) rights: public to every tenant user,
//     group to members of the object's teams, customer to users whose scope
//     allows the object's customer; private gives nothing beyond grants;
//   - a tenant viewer never gets more than view/export, whatever its grants;
//   - share-token and module principals get nothing here: their access is
//     decided by the token policy, never by grants.
func Can(p Principal, a Action, r Resource) error {
	what := string(r.Type)
	if p.TenantID == "" || p.TenantID != r.TenantID {
		return NotFound(what)
	}
	if p.Kind != PrincipalUser {
		return NotFound(what)
	}
	need, ok := actionNeeds[a]
	if !ok {
		return Forbidden("unknown action %q", a)
	}
	if p.IsAdmin() {
		return nil
	}
	have := effectiveGrant(p, r)
	if have == "" {
		return NotFound(what)
	}
	if p.Role == RoleViewer && grantRank[have] > grantRank[GrantViewer] {
		have = GrantViewer
	}
	if grantRank[have] < grantRank[need] {
		return Forbidden("%s on %s %s needs the %s role", a, Noun(what), r.ID, need)
	}
	return nil
}

// effectiveGrant returns the strongest role p holds on r, "" for none.
func effectiveGrant(p Principal, r Resource) GrantRole {
	var best GrantRole
	raise := func(g GrantRole) {
		if grantRank[g] > grantRank[best] {
			best = g
		}
	}
	if r.OwnerID != "" && r.OwnerID == p.UserID {
		raise(GrantOwner)
	}
	for _, g := range r.Grants {
		if g.TenantID != r.TenantID {
			continue
		}
		if (g.SubjectType == SubjectUser && g.SubjectID == p.UserID) ||
			(g.SubjectType == SubjectTeam && p.InTeam(g.SubjectID)) {
			raise(g.Role)
		}
	}
	switch r.Visibility {
	case VisibilityPublic:
		raise(GrantViewer)
	case VisibilityGroup:
		for _, t := range r.TeamIDs {
			if p.InTeam(t) {
				raise(GrantViewer)
				break
			}
		}
	case VisibilityCustomer:
		if r.CustomerID != "" && p.Scope.Allows(DimCustomer, r.CustomerID) {
			raise(GrantViewer)
		}
	}
	return best
}

// CanCreate decides whether p may create objects of type t in its tenant:
// editors and admins may, viewers may not.
func CanCreate(p Principal, t ObjectType) error {
	if p.Kind != PrincipalUser || p.TenantID == "" {
		return Forbidden("only signed-in users create %ss", t)
	}
	if p.Role == RoleViewer {
		return Forbidden("viewers cannot create %ss", t)
	}
	return nil
}

// RequireAdmin allows only tenant admins.
func RequireAdmin(p Principal) error {
	if !p.IsAdmin() {
		return Forbidden("administrators only")
	}
	return nil
}
