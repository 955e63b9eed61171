package domain

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// requireText trims s and checks it is non-empty and at most max runes.
func requireText(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "is required")
	}
	if utf8.RuneCountInString(s) > max {
		return "", Invalid(field, "must be at most %d characters", max)
	}
	return s, nil
}

func requireID(field, id string) error {
	if strings.TrimSpace(id) == "" {
		return Invalid(field, "is required")
	}
	return nil
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Tenant is one customer organisation of Conductor; every row belongs to one.
type Tenant struct {
	ID        string
	Slug      string
	Name      string
	CreatedAt time.Time
}

// NewTenant validates a tenant. The slug is the stable identifier other
// modules put in events' tenant_id.
func NewTenant(id, slug, name string, now time.Time) (*Tenant, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if !slugRE.MatchString(slug) {
		return nil, Invalid("slug", "must be lower-case letters, digits and dashes (1-63)")
	}
	name, err := requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	return &Tenant{ID: id, Slug: slug, Name: name, CreatedAt: now.UTC()}, nil
}

// User is a person (or SSO identity) in one tenant.
type User struct {
	ID           string
	TenantID     string
	Email        string
	Name         string
	Role         Role
	PasswordHash string // argon2id PHC string; empty for SSO-only users
	ExternalID   string // subject in the platform's SSO, empty for local users
	Disabled     bool
	CreatedAt    time.Time
}

// NewUser validates a user. Emails are stored lower-cased: they are the login
// key and must compare equal however they were typed.
func NewUser(id, tenantID, email, name string, role Role, now time.Time) (*User, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	name, err = requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	if err := validEnum("role", role, Roles); err != nil {
		return nil, err
	}
	return &User{ID: id, TenantID: tenantID, Email: email, Name: name, Role: role, CreatedAt: now.UTC()}, nil
}

// NormalizeEmail validates and lower-cases an address.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", Invalid("email", "is required")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return "", Invalid("email", "is not a valid address")
	}
	return email, nil
}

// MinPasswordLen is the shortest password accepted (NIST SP 800-63B).
const MinPasswordLen = 10

// ValidatePassword checks a new password's length bounds; the upper bound
// keeps hashing cost bounded.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return Invalid("password", "must be at least %d characters", MinPasswordLen)
	}
	if len(pw) > 256 {
		return Invalid("password", "must be at most 256 bytes")
	}
	return nil
}

// Team is a group of users; grants and scope policies may name it.
type Team struct {
	ID        string
	TenantID  string
	Name      string
	CreatedAt time.Time
}

// NewTeam validates a team.
func NewTeam(id, tenantID, name string, now time.Time) (*Team, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	name, err := requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	return &Team{ID: id, TenantID: tenantID, Name: name, CreatedAt: now.UTC()}, nil
}

// Membership puts a user in a team.
type Membership struct {
	TenantID string
	TeamID   string
	UserID   string
}

// Session is a logged-in browser or API client. Only the SHA-256 of its
// token is stored, so a leaked table does not leak live sessions.
type Session struct {
	TokenHash string
	TenantID  string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	IP        string
	UserAgent string
}

// ActiveAt reports whether the session is still valid at now.
func (s *Session) ActiveAt(now time.Time) bool { return now.Before(s.ExpiresAt) }
