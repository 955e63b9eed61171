// Package sso verifies Conductor platform SSO bearer tokens: JWTs signed
// with RS256 or ES256 by a key published in Conductor's JWK Set (JWKS).
// The JWKS is cached, refreshed in the background, and refetched
// (rate-limited) when a token names a kid the cache does not hold, so key
// rotation needs no restart.
package sso

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/conductor/reports/app"
)

// validMethods are the only accepted algorithms. Pinning them keeps a
// token from choosing HS256 with the public key as secret, or "none".
var validMethods = []string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg()}

// maxTokenBytes bounds what is base64- and JSON-decoded before the
// signature is checked; real tokens are a few KiB at most.
const maxTokenBytes = 16 << 10

var (
	errTokenTooLarge = errors.New("token too large")
	errInvalidClaim  = errors.New("invalid claim")
)

// Verifier checks SSO tokens against Conductor's JWKS. It is safe for
// concurrent use.
type Verifier struct {
	cfg    Config
	keys   keyfunc.Keyfunc
	parser *jwt.Parser
	cancel context.CancelFunc
}

var _ app.TokenVerifier = (*Verifier)(nil)

// New builds a Verifier and fetches the JWKS once. A failed first fetch is
// logged, not returned: an SSO outage at startup must not keep password
// logins down, and the refresh loop or the first token's unknown kid will
// fetch again. The background refresh lives until ctx ends or Close.
func New(ctx context.Context, cfg Config) (*Verifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("new sso verifier: %w", err)
	}
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	log := cfg.Logger
	startWithoutKeys := true
	keys, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{cfg.JWKSURL}, keyfunc.Override{
		// Not http.DefaultClient: a fetch triggered by an unknown kid
		// runs in a request and must give up quickly.
		Client:                    &http.Client{Timeout: cfg.HTTPTimeout},
		HTTPTimeout:               cfg.HTTPTimeout,
		NoErrorReturnFirstHTTPReq: &startWithoutKeys,
		// Bounds both the wait for the unknown-kid limiter and that fetch;
		// rate.Limiter.Wait fails at once when the wait would outlast it.
		RateLimitWaitMax: cfg.HTTPTimeout,
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(ctx context.Context, err error) {
				log.WarnContext(ctx, "sso jwks fetch failed", "jwks_url", u, "err", err)
			}
		},
		RefreshInterval:   cfg.RefreshInterval,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(cfg.UnknownKIDInterval), 1),
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("new sso verifier: %w", err)
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods(validMethods),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(cfg.Leeway),
	)
	return &Verifier{cfg: cfg, keys: keys, parser: parser, cancel: cancel}, nil
}

// Close stops the background JWKS refresh. Cached keys stay usable, and an
// unknown kid still triggers a fetch within the caller's request.
func (v *Verifier) Close() { v.cancel() }

// Verify checks raw's signature, algorithm, issuer, audience and times,
// then maps its claims. ctx bounds a JWKS fetch for an unknown kid.
func (v *Verifier) Verify(ctx context.Context, raw string) (app.SSOClaims, error) {
	if len(raw) > maxTokenBytes {
		return app.SSOClaims{}, fmt.Errorf("verify sso token: %w", errTokenTooLarge)
	}
	mc := jwt.MapClaims{}
	if _, err := v.parser.ParseWithClaims(raw, mc, v.keys.KeyfuncCtx(ctx)); err != nil {
		return app.SSOClaims{}, fmt.Errorf("verify sso token: %w", err)
	}
	c, err := v.claims(mc)
	if err != nil {
		return app.SSOClaims{}, fmt.Errorf("verify sso token: %w", err)
	}
	return c, nil
}

// claims maps verified JWT claims to the port's type; a claim of the
// wrong type fails the token rather than being dropped, so a changed
// platform contract is noticed.
func (v *Verifier) claims(mc jwt.MapClaims) (app.SSOClaims, error) {
	var (
		c    app.SSOClaims
		errs []error
	)
	for _, f := range []struct {
		dst      *string
		name     string
		required bool
	}{
		{&c.Subject, "sub", true},
		{&c.Tenant, v.cfg.TenantClaim, true},
		{&c.Email, v.cfg.EmailClaim, false},
		{&c.Name, v.cfg.NameClaim, false},
		{&c.Role, v.cfg.RoleClaim, false},
	} {
		s, err := stringClaim(mc, f.name, f.required)
		errs = append(errs, err)
		*f.dst = s
	}
	teams, err := stringsClaim(mc, v.cfg.TeamsClaim)
	errs = append(errs, err)
	c.Teams = teams
	if err := errors.Join(errs...); err != nil {
		return app.SSOClaims{}, err
	}
	return c, nil
}

// stringClaim reads a string claim; absent and JSON null read as "".
func stringClaim(mc jwt.MapClaims, name string, required bool) (string, error) {
	raw := mc[name]
	if raw == nil {
		if required {
			return "", fmt.Errorf("%w %q: missing", errInvalidClaim, name)
		}
		return "", nil
	}
	s, ok := raw.(string)
	if !ok {
		return "", fmt.Errorf("%w %q: want a string, got %T", errInvalidClaim, name, raw)
	}
	if s == "" && required {
		return "", fmt.Errorf("%w %q: empty", errInvalidClaim, name)
	}
	return s, nil
}

// stringsClaim reads an optional array-of-strings claim.
func stringsClaim(mc jwt.MapClaims, name string) ([]string, error) {
	raw := mc[name]
	if raw == nil {
		return nil, nil
	}
	items, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("%w %q: want an array of strings, got %T", errInvalidClaim, name, raw)
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, fmt.Errorf("%w %q: item %d: want a string, got %T", errInvalidClaim, name, i, it)
		}
		out = append(out, s)
	}
	return out, nil
}
