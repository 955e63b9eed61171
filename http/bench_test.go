package http

import (
	"io"
	stdhttp "net/http"
	"testing"
)

// BenchmarkMe measures an authenticated request end to end over loopback:
// session lookup, user, teams, policies and the JSON answer.
func BenchmarkMe(b *testing.B) {
	s := newStack(b)
	token := s.login("admin@alpha.example", adminPW)
	req, _ := stdhttp.NewRequest("GET", s.base+"/api/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for b.Loop() {
		resp, err := s.client.Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(err, resp)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
