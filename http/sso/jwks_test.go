package sso

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

const (
	testIssuer   = "https://sso.conductor.test"
	testAudience = "conductor-reports"
)

// signer is a key that mints test tokens, published in the JWKS or not.
type signer struct {
	kid    string
	method jwt.SigningMethod
	key    crypto.Signer
	// withAlg publishes the JWK's "alg"; the RSA keys leave it out, as
	// many providers do, so only the verifier's algorithm pinning stands
	// between them and alg confusion.
	withAlg bool
}

// testKeys are generated once: RSA-2048 generation is slow under -race
// and no test mutates a key.
var testKeys = sync.OnceValue(func() map[string]signer {
	mustRSA := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return map[string]signer{
		"rsa":     {kid: "rsa-1", method: jwt.SigningMethodRS256, key: mustRSA()},
		"rsa-new": {kid: "rsa-2", method: jwt.SigningMethodRS256, key: mustRSA()},
		"rogue":   {kid: "rogue-1", method: jwt.SigningMethodRS256, key: mustRSA()},
		"ec":      {kid: "ec-1", method: jwt.SigningMethodES256, key: ec, withAlg: true},
	}
})

// key returns the named test signer.
func key(name string) signer { return testKeys()[name] }

// jwksServer serves a public JWK Set on 127.0.0.1 and counts fetches.
type jwksServer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	body    []byte
	status  int
	fetches atomic.Int64
}

// mustServeJWKS starts a JWKS server publishing the public halves of
// signers; it is closed when the test ends.
func mustServeJWKS(tb testing.TB, signers ...signer) *jwksServer {
	tb.Helper()
	s := &jwksServer{status: http.StatusOK}
	s.publish(tb, signers...)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		body, status := s.body, s.status
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	tb.Cleanup(s.srv.Close)
	return s
}

// publish replaces the served key set, as Conductor does on rotation.
func (s *jwksServer) publish(tb testing.TB, signers ...signer) {
	tb.Helper()
	var set jwkset.JWKSMarshal
	for _, sg := range signers {
		meta := jwkset.JWKMetadataOptions{KID: sg.kid, USE: jwkset.UseSig}
		if sg.withAlg {
			meta.ALG = jwkset.ALG(sg.method.Alg())
		}
		jwk, err := jwkset.NewJWKFromKey(sg.key.Public(), jwkset.JWKOptions{Metadata: meta})
		if err != nil {
			tb.Fatalf("jwk for %s: %v", sg.kid, err)
		}
		set.Keys = append(set.Keys, jwk.Marshal())
	}
	body, err := json.Marshal(set)
	if err != nil {
		tb.Fatalf("marshal jwks: %v", err)
	}
	s.mu.Lock()
	s.body = body
	s.mu.Unlock()
}

// setStatus makes the server answer with status (and the current body).
func (s *jwksServer) setStatus(status int) {
	s.mu.Lock()
	s.status = status
	s.mu.Unlock()
}

// testConfig is a valid Config for url with quiet logging.
func testConfig(url string) Config {
	return Config{
		JWKSURL:  url,
		Issuer:   testIssuer,
		Audience: testAudience,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// mustNewVerifier builds a Verifier closed when the test ends.
func mustNewVerifier(tb testing.TB, cfg Config) *Verifier {
	tb.Helper()
	v, err := New(tb.Context(), cfg)
	if err != nil {
		tb.Fatalf("new verifier: %v", err)
	}
	tb.Cleanup(v.Close)
	return v
}

// validClaims are claims every check accepts at now.
func validClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss":    testIssuer,
		"aud":    testAudience,
		"sub":    "user-42",
		"iat":    now.Unix(),
		"exp":    now.Add(5 * time.Minute).Unix(),
		"tenant": "acme",
		"teams":  []string{"finance", "ops"},
		"role":   "editor",
		"email":  "ada@acme.test",
		"name":   "Ada Lovelace",
	}
}

// mint signs claims with sg; an empty kid leaves the header out.
func mint(tb testing.TB, sg signer, claims jwt.MapClaims) string {
	tb.Helper()
	tok := jwt.NewWithClaims(sg.method, claims)
	if sg.kid != "" {
		tok.Header["kid"] = sg.kid
	}
	raw, err := tok.SignedString(sg.key)
	if err != nil {
		tb.Fatalf("sign token: %v", err)
	}
	return raw
}

// syncBuffer is a log sink safe to read while refresh goroutines write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eventually polls cond until it holds or the deadline passes.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
