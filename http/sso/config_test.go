package sso

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	valid := Config{JWKSURL: "https://sso.conductor.test/.well-known/jwks.json", Issuer: testIssuer, Audience: testAudience}
	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   []string // substrings of the error; none: valid
	}{
		{"valid https", func(*Config) {}, nil},
		{"valid http on loopback", func(c *Config) { c.JWKSURL = "http://127.0.0.1:8080/jwks" }, nil},
		{"missing jwks url", func(c *Config) { c.JWKSURL = "" }, []string{"jwks url is required"}},
		{"relative jwks url", func(c *Config) { c.JWKSURL = "/jwks.json" }, []string{"absolute http(s)"}},
		{"file jwks url", func(c *Config) { c.JWKSURL = "file:///etc/jwks.json" }, []string{"absolute http(s)"}},
		{"jwks url without host", func(c *Config) { c.JWKSURL = "https:///jwks" }, []string{"absolute http(s)"}},
		{"unparsable jwks url", func(c *Config) { c.JWKSURL = "https://[::1" }, []string{"jwks url"}},
		{"missing issuer", func(c *Config) { c.Issuer = "" }, []string{"issuer is required"}},
		{"missing audience", func(c *Config) { c.Audience = "" }, []string{"audience is required"}},
		{"negative durations", func(c *Config) {
			c.Leeway, c.RefreshInterval, c.UnknownKIDInterval, c.HTTPTimeout = -1, -1, -1, -1
		}, []string{"leeway", "refresh interval", "unknown kid interval", "http timeout"}},
		{"everything wrong at once", func(c *Config) { *c = Config{} },
			[]string{"jwks url", "issuer", "audience"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tc.change(&cfg)
			err := cfg.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("validate: want an error mentioning %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	got := Config{}.withDefaults()
	if got.TenantClaim != "tenant" || got.TeamsClaim != "teams" || got.RoleClaim != "role" ||
		got.EmailClaim != "email" || got.NameClaim != "name" {
		t.Errorf("claim defaults = %+v", got)
	}
	if got.Leeway != 30*time.Second || got.RefreshInterval != 5*time.Minute ||
		got.UnknownKIDInterval != time.Minute || got.HTTPTimeout != 10*time.Second || got.Logger == nil {
		t.Errorf("duration/logger defaults = %+v", got)
	}
	kept := Config{TenantClaim: "org", Leeway: time.Second}.withDefaults()
	if kept.TenantClaim != "org" || kept.Leeway != time.Second {
		t.Errorf("set fields overwritten: %+v", kept)
	}
}
