package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

func TestHashAndVerifyPassword(t *testing.T) {
	p := Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}
	h, err := HashPassword("s3cret-password", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	h2, _ := HashPassword("s3cret-password", p)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	if ok, err := VerifyPassword("s3cret-password", h); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := VerifyPassword("s3cret-passworD", h); ok {
		t.Fatal("wrong password accepted")
	}
	parts := strings.Split(h, "$")
	for name, bad := range map[string]string{
		"bcrypt":        "$2a$10$abcdefghijklmnopqrstuv",
		"bad version":   strings.Replace(h, "v=19", "v=16", 1),
		"bad params":    strings.Replace(h, "m=64,t=1,p=1", "m=x", 1),
		"bad salt":      strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$"),
		"empty key":     strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], ""}, "$"),
		"too few parts": "$argon2id$v=19",
	} {
		if ok, err := VerifyPassword("x", bad); ok || err == nil {
			t.Errorf("%s: ok=%v err=%v", name, ok, err)
		}
	}
	if DefaultArgon2 != (Argon2Params{}).orDefault() {
		t.Fatal("zero params must mean the default")
	}
}

func TestFailureLimiterWindows(t *testing.T) {
	l := &FailureLimiter{Limit: 3, Window: time.Minute, MaxKeys: 2}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		if blocked, _ := l.Blocked("a", t0); blocked {
			t.Fatalf("blocked after %d failures", i)
		}
		l.Fail("a", t0.Add(time.Duration(i)*time.Second))
	}
	blocked, wait := l.Blocked("a", t0.Add(10*time.Second))
	if !blocked || wait != 50*time.Second {
		t.Fatalf("blocked=%v wait=%v, want true 50s", blocked, wait)
	}
	if blocked, _ := l.Blocked("a", t0.Add(time.Minute)); blocked {
		t.Fatal("still blocked after the window")
	}
	// A failure after the window starts a new one.
	l.Fail("a", t0.Add(2*time.Minute))
	if blocked, _ := l.Blocked("a", t0.Add(2*time.Minute)); blocked {
		t.Fatal("a new window started full")
	}
	l.Reset("a")
	// Memory stays bounded: with MaxKeys 2, a third key evicts the oldest.
	l.Fail("k1", t0)
	l.Fail("k2", t0.Add(time.Second))
	l.Fail("k3", t0.Add(2*time.Second))
	if len(l.keys) > 2 {
		t.Fatalf("%d keys tracked, bound is 2", len(l.keys))
	}
	if _, ok := l.keys["k1"]; ok {
		t.Fatal("the oldest key was not evicted")
	}
	// Expired windows are swept first.
	l.Fail("k4", t0.Add(10*time.Minute))
	if _, ok := l.keys["k4"]; !ok || len(l.keys) > 2 {
		t.Fatalf("keys after sweep: %v", l.keys)
	}
	var zero FailureLimiter
	if lim, win, max := zero.params(); lim != 5 || win != 15*time.Minute || max != 100_000 {
		t.Fatal("zero-value defaults")
	}
}

func TestRateLimitErrorCarriesDomainCode(t *testing.T) {
	err := error(&RateLimitError{RetryAfter: 90 * time.Second})
	if domain.ErrorCode(err) != domain.CodeRateLimited {
		t.Fatalf("code %q", domain.ErrorCode(err))
	}
	var rl *RateLimitError
	if !errors.As(err, &rl) || !strings.Contains(err.Error(), "1m30s") {
		t.Fatal(err)
	}
}

func TestGeneratePassword(t *testing.T) {
	a, err := GeneratePassword(16)
	if err != nil || len(a) != 16 {
		t.Fatal(a, err)
	}
	b, _ := GeneratePassword(16)
	if a == b || strings.ContainsAny(a, "0O1lI") {
		t.Fatalf("weak or look-alike passwords: %q %q", a, b)
	}
	if err := domain.ValidatePassword(a); err != nil {
		t.Fatal(err)
	}
}

func TestRequestMetaAndHashToken(t *testing.T) {
	ctx := WithRequestMeta(t.Context(), RequestMeta{RequestID: "r", IP: "1.2.3.4"})
	if m := RequestMetaFrom(ctx); m.RequestID != "r" || m.IP != "1.2.3.4" {
		t.Fatal(m)
	}
	if (RequestMetaFrom(t.Context()) != RequestMeta{}) {
		t.Fatal("meta from a bare context")
	}
	if HashToken("a") == HashToken("b") || len(HashToken("a")) != 64 {
		t.Fatal("HashToken")
	}
	if !IsJWT("a.b.c") || IsJWT(SessionTokenPrefix+"abc") {
		t.Fatal("IsJWT")
	}
	if NewID() == NewID() || len(NewID()) != 36 {
		t.Fatal("NewID")
	}
}
