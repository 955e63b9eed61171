package sso

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"
)

// Defaults applied by New to zero-valued Config fields.
const (
	// DefaultTenantClaim names the claim that carries the tenant slug.
	DefaultTenantClaim = "tenant"
	// DefaultTeamsClaim names the claim that carries team ids or names.
	DefaultTeamsClaim = "teams"
	// DefaultRoleClaim names the claim that carries the role.
	DefaultRoleClaim = "role"
	// DefaultEmailClaim names the claim that carries the e-mail address.
	DefaultEmailClaim = "email"
	// DefaultNameClaim names the claim that carries the display name.
	DefaultNameClaim = "name"

	// DefaultLeeway absorbs clock skew between Conductor and this server
	// on exp, nbf and iat.
	DefaultLeeway = 30 * time.Second

	// DefaultRefreshInterval is how often the JWKS is fetched in the
	// background. keyfunc's own default (1 h) would leave a revoked key
	// trusted for too long.
	DefaultRefreshInterval = 5 * time.Minute

	// DefaultUnknownKIDInterval is the least time between two fetches
	// triggered by a token whose kid is not in the cached JWKS. The limit
	// keeps tokens with made-up kids from hammering the JWKS endpoint;
	// the price is that when it is spent, a freshly rotated key is only
	// picked up by the next background refresh.
	DefaultUnknownKIDInterval = time.Minute

	// DefaultHTTPTimeout bounds one JWKS fetch. A fetch triggered by an
	// unknown kid runs inside a request, so it must be short.
	DefaultHTTPTimeout = 10 * time.Second
)

// Config configures a Verifier. JWKSURL, Issuer and Audience are
// required; every other zero field takes the default documented next to
// it.
type Config struct {
	// JWKSURL is the absolute http(s) URL of Conductor's JWK Set.
	JWKSURL string
	// Issuer must equal the token's iss claim.
	Issuer string
	// Audience must be one of the token's aud values.
	Audience string

	// TenantClaim names the required tenant slug claim. Zero means
	// DefaultTenantClaim.
	TenantClaim string
	// TeamsClaim names the optional teams claim (a JSON array of
	// strings). Zero means DefaultTeamsClaim.
	TeamsClaim string
	// RoleClaim names the optional role claim. Zero means
	// DefaultRoleClaim.
	RoleClaim string
	// EmailClaim names the optional e-mail claim. Zero means
	// DefaultEmailClaim.
	EmailClaim string
	// NameClaim names the optional display name claim. Zero means
	// DefaultNameClaim.
	NameClaim string

	// Leeway is the clock skew allowed on exp, nbf and iat. Zero means
	// DefaultLeeway.
	Leeway time.Duration
	// RefreshInterval is the period of the background JWKS refresh. Zero
	// means DefaultRefreshInterval.
	RefreshInterval time.Duration
	// UnknownKIDInterval rate-limits the JWKS fetches triggered by an
	// unknown kid. Zero means DefaultUnknownKIDInterval.
	UnknownKIDInterval time.Duration
	// HTTPTimeout bounds each JWKS fetch. Zero means DefaultHTTPTimeout.
	HTTPTimeout time.Duration

	// Logger receives failed JWKS fetches, which otherwise surface only as
	// refused tokens. Nil means slog.Default().
	Logger *slog.Logger
}

// Validate reports every invalid field at once.
func (c Config) Validate() error {
	var errs []error
	if err := validateJWKSURL(c.JWKSURL); err != nil {
		errs = append(errs, err)
	}
	if c.Issuer == "" {
		errs = append(errs, errors.New("sso: issuer is required"))
	}
	if c.Audience == "" {
		errs = append(errs, errors.New("sso: audience is required"))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"leeway", c.Leeway},
		{"refresh interval", c.RefreshInterval},
		{"unknown kid interval", c.UnknownKIDInterval},
		{"http timeout", c.HTTPTimeout},
	} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("sso: %s must not be negative", d.name))
		}
	}
	return errors.Join(errs...)
}

// validateJWKSURL accepts only absolute http(s) URLs: jwkset merely
// parses the URL, so a relative or file: URL would fail at every fetch
// instead of at startup.
func validateJWKSURL(raw string) error {
	if raw == "" {
		return errors.New("sso: jwks url is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("sso: jwks url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("sso: jwks url %q must be an absolute http(s) url", raw)
	}
	return nil
}

// withDefaults returns c with every zero field replaced by its default.
func (c Config) withDefaults() Config {
	for _, f := range []struct {
		v   *string
		def string
	}{
		{&c.TenantClaim, DefaultTenantClaim},
		{&c.TeamsClaim, DefaultTeamsClaim},
		{&c.RoleClaim, DefaultRoleClaim},
		{&c.EmailClaim, DefaultEmailClaim},
		{&c.NameClaim, DefaultNameClaim},
	} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	for _, f := range []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&c.Leeway, DefaultLeeway},
		{&c.RefreshInterval, DefaultRefreshInterval},
		{&c.UnknownKIDInterval, DefaultUnknownKIDInterval},
		{&c.HTTPTimeout, DefaultHTTPTimeout},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
