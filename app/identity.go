package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/conductor/reports/domain"
)

// SessionTokenPrefix marks session tokens so they are recognisable in
// logs and secret scanners, and cannot be mistaken for share tokens.
const SessionTokenPrefix = "crs_"

// SSOClaims are the claims of a platform SSO token, already verified.
type SSOClaims struct {
	Subject string
	Tenant  string // tenant slug
	Email   string
	Name    string
	Role    string // admin | editor | viewer; empty means viewer
	Teams   []string
}

// TokenVerifier verifies a platform SSO bearer token (a JWT signed by
// Conductor, checked against its JWKS).
type TokenVerifier interface {
	Verify(ctx context.Context, raw string) (SSOClaims, error)
}

// IdentityConfig tunes the identity service; zero values take the
// documented defaults.
type IdentityConfig struct {
	SessionTTL time.Duration // default 12 h
	Argon2     Argon2Params  // default DefaultArgon2
	// AccountLimiter and IPLimiter count login failures; nil gets 5 per
	// 15 min per account and 20 per 15 min per IP.
	AccountLimiter *FailureLimiter
	IPLimiter      *FailureLimiter
}

// Identity logs users in and out and turns credentials into principals.
type Identity struct {
	meta      MetaStore
	sso       TokenVerifier // nil: SSO disabled
	now       Clock
	log       *slog.Logger
	cfg       IdentityConfig
	dummyHash string
}

// NewIdentity builds the identity service. sso may be nil.
func NewIdentity(meta MetaStore, sso TokenVerifier, now Clock, log *slog.Logger, cfg IdentityConfig) (*Identity, error) {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.AccountLimiter == nil {
		cfg.AccountLimiter = &FailureLimiter{Limit: 5, Window: 15 * time.Minute}
	}
	if cfg.IPLimiter == nil {
		cfg.IPLimiter = &FailureLimiter{Limit: 20, Window: 15 * time.Minute}
	}
	// A hash to verify against when the account does not exist, so a
	// login for an unknown email costs the same time as a wrong password.
	dummy, err := HashPassword("unknown-account-padding", cfg.Argon2)
	if err != nil {
		return nil, err
	}
	return &Identity{meta: meta, sso: sso, now: now, log: log, cfg: cfg, dummyHash: dummy}, nil
}

// LoginResult is a new session: the token is shown once and never stored.
type LoginResult struct {
	Token     string
	ExpiresAt time.Time
	User      *domain.User
}

// errBadCredentials is one answer for unknown email, wrong password and
// disabled account, so logins cannot probe which accounts exist.
var errBadCredentials = &domain.Error{Code: domain.CodeUnauthenticated, Message: "invalid email or password"}

// RateLimitError tells the edge how long to wait (Retry-After).
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many failed logins; retry in %s", e.RetryAfter.Round(time.Second))
}

// AsDomain lets errors.As find the domain code.
func (e *RateLimitError) As(target any) bool {
	if t, ok := target.(**domain.Error); ok {
		*t = domain.Errorf(domain.CodeRateLimited, "too many failed logins; retry in %s", e.RetryAfter.Round(time.Second))
		return true
	}
	return false
}

// Login checks email and password and opens a session. Failures are
// counted per account and per IP; a locked key answers rate_limited with
// the time to wait, before the password is even checked.
func (s *Identity) Login(ctx context.Context, email, password string) (*LoginResult, error) {
	now := s.now()
	ip := RequestMetaFrom(ctx).IP
	email = strings.ToLower(strings.TrimSpace(email))
	accountKey, ipKey := "acct:"+email, "ip:"+ip
	for _, c := range []struct {
		l   *FailureLimiter
		key string
	}{{s.cfg.AccountLimiter, accountKey}, {s.cfg.IPLimiter, ipKey}} {
		if blocked, wait := c.l.Blocked(c.key, now); blocked {
			return nil, &RateLimitError{RetryAfter: wait}
		}
	}
	u, err := s.checkPassword(ctx, email, password)
	if err != nil {
		if errors.Is(err, errBadCredentials) {
			s.cfg.AccountLimiter.Fail(accountKey, now)
			s.cfg.IPLimiter.Fail(ipKey, now)
			s.auditFailedLogin(ctx, u, email, now)
		}
		return nil, err
	}
	s.cfg.AccountLimiter.Reset(accountKey)
	token, hash, err := newSessionToken()
	if err != nil {
		return nil, err
	}
	rm := RequestMetaFrom(ctx)
	sess := &domain.Session{TokenHash: hash, TenantID: u.TenantID, UserID: u.ID, CreatedAt: now.UTC(),
		ExpiresAt: now.Add(s.cfg.SessionTTL).UTC(), IP: rm.IP, UserAgent: rm.UserAgent}
	change := &Change{TenantID: u.TenantID, UserID: u.ID, Action: "auth.login", ObjectType: "user", ObjectID: u.ID}
	err = audited(ctx, s.meta, now, change, func(tx MetaTx) error {
		if _, err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		return tx.CreateSession(ctx, sess)
	})
	if err != nil {
		return nil, err
	}
	return &LoginResult{Token: token, ExpiresAt: sess.ExpiresAt, User: u}, nil
}

// checkPassword returns the user when the password matches; the user is
// also returned (with errBadCredentials) when it exists but the password
// is wrong, so the failure can be audited against it.
func (s *Identity) checkPassword(ctx context.Context, email, password string) (*domain.User, error) {
	u, err := s.meta.GetUserByEmail(ctx, email)
	if err != nil && !domain.IsCode(err, domain.CodeNotFound) {
		return nil, err
	}
	hash := s.dummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, verr := VerifyPassword(password, hash)
	if verr != nil {
		return nil, fmt.Errorf("verify password: %w", verr)
	}
	if u == nil || u.PasswordHash == "" || u.Disabled || !ok {
		return u, errBadCredentials
	}
	return u, nil
}

// auditFailedLogin records a failed login against the account when it
// exists; failures for unknown emails are logged, not audited, since they
// belong to no tenant.
func (s *Identity) auditFailedLogin(ctx context.Context, u *domain.User, email string, now time.Time) {
	if u == nil {
		s.log.InfoContext(ctx, "login failed for unknown account", "ip", RequestMetaFrom(ctx).IP)
		return
	}
	change := &Change{TenantID: u.TenantID, UserID: u.ID, Action: "auth.login_failed", ObjectType: "user", ObjectID: u.ID}
	if err := s.meta.InTx(ctx, func(tx MetaTx) error { return appendAudit(ctx, tx, now, change) }); err != nil {
		s.log.ErrorContext(ctx, "audit failed login", "err", err)
	}
}

// Logout ends the session of token for principal p.
func (s *Identity) Logout(ctx context.Context, p domain.Principal, token string) error {
	hash := HashToken(token)
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "auth.logout", ObjectType: "user", ObjectID: p.UserID}
	return audited(ctx, s.meta, s.now(), change, func(tx MetaTx) error {
		// An SSO bearer has no stored session; logging out is still recorded.
		if err := tx.DeleteSession(ctx, hash); err != nil && !domain.IsCode(err, domain.CodeNotFound) {
			return err
		}
		return nil
	})
}

// IsJWT tells SSO bearer tokens (three dot-separated parts) from session tokens.
func IsJWT(token string) bool { return strings.Count(token, ".") == 2 }

// Authenticate turns a session token or an SSO JWT into a principal.
// Every failure is the same unauthenticated error.
func (s *Identity) Authenticate(ctx context.Context, token string) (domain.Principal, error) {
	unauth := &domain.Error{Code: domain.CodeUnauthenticated, Message: "authentication required"}
	if token == "" {
		return domain.Principal{}, unauth
	}
	if IsJWT(token) {
		return s.authenticateSSO(ctx, token)
	}
	if strings.HasPrefix(token, APIKeyPrefix) {
		return s.authenticateAPIKey(ctx, token)
	}
	if !strings.HasPrefix(token, SessionTokenPrefix) {
		return domain.Principal{}, unauth
	}
	sess, err := s.meta.GetSession(ctx, HashToken(token))
	if err != nil {
		if domain.IsCode(err, domain.CodeNotFound) {
			return domain.Principal{}, unauth
		}
		return domain.Principal{}, err
	}
	if !sess.ActiveAt(s.now()) {
		return domain.Principal{}, unauth
	}
	u, err := s.meta.GetUser(ctx, sess.TenantID, sess.UserID)
	if err != nil {
		if domain.IsCode(err, domain.CodeNotFound) {
			return domain.Principal{}, unauth
		}
		return domain.Principal{}, err
	}
	if u.Disabled {
		return domain.Principal{}, unauth
	}
	return s.principalFor(ctx, u, nil)
}

// principalFor builds the principal of u: its teams (stored memberships
// plus extra, e.g. from SSO claims) and its effective data scope.
func (s *Identity) principalFor(ctx context.Context, u *domain.User, extraTeams []string) (domain.Principal, error) {
	teams, err := s.meta.TeamIDsOfUser(ctx, u.TenantID, u.ID)
	if err != nil {
		return domain.Principal{}, err
	}
	for _, t := range extraTeams {
		if !slices.Contains(teams, t) {
			teams = append(teams, t)
		}
	}
	policies, err := s.meta.PoliciesFor(ctx, u.TenantID, u.ID, teams)
	if err != nil {
		return domain.Principal{}, err
	}
	return domain.Principal{Kind: domain.PrincipalUser, TenantID: u.TenantID, UserID: u.ID, Role: u.Role,
		TeamIDs: teams, Scope: domain.EffectiveScope(policies)}, nil
}

// newSessionToken returns a fresh token (256 random bits) and its hash.
func newSessionToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("session token: %w", err)
	}
	token = SessionTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is the stored form of a bearer secret: hex SHA-256. A fast hash
// is right here: the token has 256 bits of entropy, nothing to brute-force.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
