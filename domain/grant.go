package domain

import "time"

// Grant gives a user or team an owner/editor/viewer role on a report or
// dashboard (R5.2).
type Grant struct {
	ID          string
	TenantID    string
	ObjectType  ObjectType
	ObjectID    string
	SubjectType SubjectType
	SubjectID   string
	Role        GrantRole
	CreatedAt   time.Time
}

// NewGrant validates a grant.
func NewGrant(id, tenantID string, ot ObjectType, objectID string, st SubjectType, subjectID string, role GrantRole, now time.Time) (*Grant, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	if err := validEnum("object_type", ot, GrantObjectTypes); err != nil {
		return nil, err
	}
	if err := requireID("object_id", objectID); err != nil {
		return nil, err
	}
	if err := validEnum("subject_type", st, SubjectTypes); err != nil {
		return nil, err
	}
	if err := requireID("subject_id", subjectID); err != nil {
		return nil, err
	}
	if err := validEnum("role", role, GrantRoles); err != nil {
		return nil, err
	}
	return &Grant{ID: id, TenantID: tenantID, ObjectType: ot, ObjectID: objectID, SubjectType: st, SubjectID: subjectID, Role: role, CreatedAt: now.UTC()}, nil
}
