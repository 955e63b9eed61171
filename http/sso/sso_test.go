package sso

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/conductor/reports/app"
)

func TestVerifyMapsClaims(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("rsa"), key("ec"))
	v := mustNewVerifier(t, testConfig(srv.srv.URL))
	want := app.SSOClaims{Subject: "user-42", Tenant: "acme", Email: "ada@acme.test", Name: "Ada Lovelace",
		Role: "editor", Teams: []string{"finance", "ops"}}
	noKID := key("ec")
	noKID.kid = ""
	for _, tc := range []struct {
		name string
		sg   signer
	}{
		{"rs256", key("rsa")},
		{"es256", key("ec")},
		{"no kid tries every key", noKID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := v.Verify(t.Context(), mint(t, tc.sg, validClaims(time.Now())))
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if got.Subject != want.Subject || got.Tenant != want.Tenant || got.Email != want.Email ||
				got.Name != want.Name || got.Role != want.Role || !slices.Equal(got.Teams, want.Teams) {
				t.Fatalf("claims = %+v, want %+v", got, want)
			}
		})
	}
}

func TestVerifyCustomClaimNames(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("rsa"))
	cfg := testConfig(srv.srv.URL)
	cfg.TenantClaim, cfg.TeamsClaim, cfg.RoleClaim = "https://conductor.test/org", "groups", "conductor_role"
	cfg.EmailClaim, cfg.NameClaim = "mail", "display_name"
	v := mustNewVerifier(t, cfg)
	now := time.Now()
	claims := jwt.MapClaims{"iss": testIssuer, "aud": []string{"other", testAudience}, "sub": "u1",
		"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(), "https://conductor.test/org": "globex",
		"groups": []string{"g1"}, "conductor_role": "admin", "mail": "hank@globex.test", "display_name": "Hank",
		"tenant": "ignored"}
	got, err := v.Verify(t.Context(), mint(t, key("rsa"), claims))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	want := app.SSOClaims{Subject: "u1", Tenant: "globex", Email: "hank@globex.test", Name: "Hank", Role: "admin"}
	if got.Subject != want.Subject || got.Tenant != want.Tenant || got.Email != want.Email ||
		got.Name != want.Name || got.Role != want.Role || !slices.Equal(got.Teams, []string{"g1"}) {
		t.Fatalf("claims = %+v, want %+v with teams [g1]", got, want)
	}
}

func TestVerifyClaimChecks(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("rsa"))
	v := mustNewVerifier(t, testConfig(srv.srv.URL))
	now := time.Now()
	for _, tc := range []struct {
		name   string
		change func(jwt.MapClaims)
		want   error // nil: accepted
	}{
		{"expired", func(c jwt.MapClaims) {
			c["iat"], c["exp"] = now.Add(-time.Hour).Unix(), now.Add(-time.Minute).Unix()
		}, jwt.ErrTokenExpired},
		{"expired within leeway", func(c jwt.MapClaims) { c["exp"] = now.Add(-10 * time.Second).Unix() }, nil},
		{"missing exp", func(c jwt.MapClaims) { delete(c, "exp") }, jwt.ErrTokenRequiredClaimMissing},
		{"issued in the future", func(c jwt.MapClaims) { c["iat"] = now.Add(2 * time.Minute).Unix() }, jwt.ErrTokenUsedBeforeIssued},
		{"not yet valid", func(c jwt.MapClaims) { c["nbf"] = now.Add(2 * time.Minute).Unix() }, jwt.ErrTokenNotValidYet},
		{"wrong issuer", func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }, jwt.ErrTokenInvalidIssuer},
		{"missing issuer", func(c jwt.MapClaims) { delete(c, "iss") }, jwt.ErrTokenRequiredClaimMissing},
		{"wrong audience", func(c jwt.MapClaims) { c["aud"] = "another-app" }, jwt.ErrTokenInvalidAudience},
		{"missing audience", func(c jwt.MapClaims) { delete(c, "aud") }, jwt.ErrTokenRequiredClaimMissing},
		{"audience among several", func(c jwt.MapClaims) { c["aud"] = []string{"x", testAudience} }, nil},
		{"missing subject", func(c jwt.MapClaims) { delete(c, "sub") }, errInvalidClaim},
		{"empty subject", func(c jwt.MapClaims) { c["sub"] = "" }, errInvalidClaim},
		{"missing tenant", func(c jwt.MapClaims) { delete(c, "tenant") }, errInvalidClaim},
		{"empty tenant", func(c jwt.MapClaims) { c["tenant"] = "" }, errInvalidClaim},
		{"tenant not a string", func(c jwt.MapClaims) { c["tenant"] = 7 }, errInvalidClaim},
		{"teams a string", func(c jwt.MapClaims) { c["teams"] = "finance" }, errInvalidClaim},
		{"teams hold a number", func(c jwt.MapClaims) { c["teams"] = []any{"finance", 3} }, errInvalidClaim},
		{"role not a string", func(c jwt.MapClaims) { c["role"] = []string{"admin"} }, errInvalidClaim},
		{"email not a string", func(c jwt.MapClaims) { c["email"] = true }, errInvalidClaim},
		{"optional claims absent", func(c jwt.MapClaims) {
			delete(c, "teams")
			delete(c, "role")
			delete(c, "email")
			delete(c, "name")
		}, nil},
		{"optional claims null", func(c jwt.MapClaims) { c["teams"], c["role"] = nil, nil }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			claims := validClaims(now)
			tc.change(claims)
			_, err := v.Verify(t.Context(), mint(t, key("rsa"), claims))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestVerifyOptionalClaimsAbsent(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("ec"))
	v := mustNewVerifier(t, testConfig(srv.srv.URL))
	claims := validClaims(time.Now())
	delete(claims, "teams")
	delete(claims, "role")
	got, err := v.Verify(t.Context(), mint(t, key("ec"), claims))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if got.Teams != nil || got.Role != "" {
		t.Fatalf("teams = %v, role = %q; want none", got.Teams, got.Role)
	}
}

func TestVerifyRejectsBadSignatures(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("rsa"), key("ec"))
	v := mustNewVerifier(t, testConfig(srv.srv.URL))
	claims := validClaims(time.Now())
	rsaPub, err := x509.MarshalPKIXPublicKey(key("rsa").key.Public())
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: rsaPub})
	hmacWith := func(kid string, secret []byte) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		tok.Header["kid"] = kid
		raw, err := tok.SignedString(secret)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	none := jwt.NewWithClaims(jwt.SigningMethodNone, claims)
	none.Header["kid"] = key("rsa").kid
	unsigned, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	rs384 := key("rsa")
	rs384.method = jwt.SigningMethodRS384
	impostor := key("rogue")
	impostor.kid = key("rsa").kid
	ecAsRSA := key("ec")
	ecAsRSA.kid = key("rsa").kid
	rsaAsEC := key("rsa")
	rsaAsEC.kid = key("ec").kid

	for _, tc := range []struct {
		name string
		raw  string
		want error
	}{
		{"hs256 with the rsa public key as secret", hmacWith(key("rsa").kid, pubPEM), jwt.ErrTokenSignatureInvalid},
		{"hs256 with the der public key as secret", hmacWith(key("rsa").kid, rsaPub), jwt.ErrTokenSignatureInvalid},
		{"alg none", unsigned, jwt.ErrTokenSignatureInvalid},
		{"rs384 is not allowed", mint(t, rs384, claims), jwt.ErrTokenSignatureInvalid},
		{"unknown kid", mint(t, key("rogue"), claims), jwt.ErrTokenUnverifiable},
		{"known kid, other key", mint(t, impostor, claims), jwt.ErrTokenSignatureInvalid},
		{"es256 under an rsa kid", mint(t, ecAsRSA, claims), jwt.ErrTokenSignatureInvalid},
		{"rs256 under an ec kid", mint(t, rsaAsEC, claims), jwt.ErrTokenUnverifiable},
		{"malformed", "not.a.jwt", jwt.ErrTokenMalformed},
		{"too large", strings.Repeat("a", maxTokenBytes) + ".b.c", errTokenTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := v.Verify(t.Context(), tc.raw)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if got.Subject != "" || got.Tenant != "" {
				t.Fatalf("claims leaked on failure: %+v", got)
			}
		})
	}
}

func TestVerifyPicksUpRotatedKey(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("rsa"))
	v := mustNewVerifier(t, testConfig(srv.srv.URL))
	claims := validClaims(time.Now())
	if _, err := v.Verify(t.Context(), mint(t, key("rsa"), claims)); err != nil {
		t.Fatalf("verify with the old key: %v", err)
	}
	before := srv.fetches.Load()

	srv.publish(t, key("rsa-new"))
	if _, err := v.Verify(t.Context(), mint(t, key("rsa-new"), claims)); err != nil {
		t.Fatalf("verify with the rotated key: %v", err)
	}
	if got := srv.fetches.Load(); got != before+1 {
		t.Fatalf("jwks fetches = %d, want %d (one refresh for the unknown kid)", got, before+1)
	}
	// The refresh replaced the cache: the withdrawn key is revoked, and
	// the spent limiter keeps its kid from triggering another fetch (the
	// limiter fails at once rather than block the request for a minute).
	start := time.Now()
	if _, err := v.Verify(t.Context(), mint(t, key("rsa"), claims)); !errors.Is(err, jwt.ErrTokenUnverifiable) {
		t.Fatalf("verify with the withdrawn key: err = %v, want %v", err, jwt.ErrTokenUnverifiable)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("rate-limited verify took %s; it should fail at once", d)
	}
	if got := srv.fetches.Load(); got != before+1 {
		t.Fatalf("jwks fetches = %d, want %d (rate-limited)", got, before+1)
	}
}

func TestBackgroundRefresh(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("rsa"))
	cfg := testConfig(srv.srv.URL)
	cfg.RefreshInterval = 20 * time.Millisecond
	mustNewVerifier(t, cfg)
	eventually(t, "background jwks refreshes", func() bool { return srv.fetches.Load() >= 3 })
}

func TestNewSurvivesJWKSOutage(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("ec"))
	srv.setStatus(http.StatusServiceUnavailable)
	var logs syncBuffer
	cfg := testConfig(srv.srv.URL)
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	cfg.RefreshInterval = 20 * time.Millisecond
	v := mustNewVerifier(t, cfg)
	if !strings.Contains(logs.String(), "sso jwks fetch failed") {
		t.Fatalf("first fetch failure not logged; logs: %s", logs.String())
	}
	raw := mint(t, key("ec"), validClaims(time.Now()))
	if _, err := v.Verify(t.Context(), raw); !errors.Is(err, jwt.ErrTokenUnverifiable) {
		t.Fatalf("verify during outage: err = %v, want %v", err, jwt.ErrTokenUnverifiable)
	}
	srv.setStatus(http.StatusOK)
	eventually(t, "verification after the jwks recovers", func() bool {
		_, err := v.Verify(t.Context(), raw)
		return err == nil
	})
}

func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("rsa"), key("ec"))
	v := mustNewVerifier(t, testConfig(srv.srv.URL))
	tokens := []string{mint(t, key("rsa"), validClaims(time.Now())), mint(t, key("ec"), validClaims(time.Now()))}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Go(func() {
			_, err := v.Verify(t.Context(), tokens[i%len(tokens)])
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	_, err := New(t.Context(), Config{JWKSURL: "file:///etc/jwks.json"})
	if err == nil {
		t.Fatal("new with an invalid config: want an error")
	}
	for _, part := range []string{"jwks url", "issuer", "audience"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %s", err, part)
		}
	}
}

func TestCloseKeepsCachedKeys(t *testing.T) {
	t.Parallel()
	srv := mustServeJWKS(t, key("rsa"))
	v := mustNewVerifier(t, testConfig(srv.srv.URL))
	v.Close()
	v.Close() // idempotent
	if _, err := v.Verify(t.Context(), mint(t, key("rsa"), validClaims(time.Now()))); err != nil {
		t.Fatalf("verify after close: %v", err)
	}
}

func TestVerifyFailsWithUnreachableJWKS(t *testing.T) {
	t.Parallel()
	// A closed listener: New still succeeds (an outage is not a
	// misconfiguration), every token fails.
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	v := mustNewVerifier(t, testConfig(url))
	if _, err := v.Verify(t.Context(), mint(t, key("rsa"), validClaims(time.Now()))); err == nil {
		t.Fatal("verify against an unreachable jwks: want an error")
	}
}
