package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRefusesNonLoopbackTargetsAndBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-url", "http://10.0.0.5:8080", "-token", "x"},
		{"-url", "http://example.com", "-token", "x"},
		{"-url", "ftp://127.0.0.1", "-token", "x"},
		{"-token", ""},
		{"-token", "x", "-rate", "0"},
		{"-token", "x", "-batch", "0"},
		{"-token", "x", "-duration", "1h"},
		{"-bogus"},
	} {
		if _, err := parse(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	for _, host := range []string{"127.0.0.1", "127.9.9.9", "::1", "localhost"} {
		if !loopback(host) {
			t.Errorf("%s is loopback", host)
		}
	}
}

// TestDrivesAnIngestEndpoint runs the driver against a real HTTP server on
// loopback that answers like POST /api/events, and checks the report.
func TestDrivesAnIngestEndpoint(t *testing.T) {
	var events atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/events" || r.Header.Get("Authorization") != "Bearer secret" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		var batch []json.RawMessage
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &batch); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		events.Add(int64(len(batch)))
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(map[string]any{"accepted": len(batch) - 1, "rejected": []any{map[string]any{"index": 0}}})
	}))
	defer srv.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"-url", srv.URL, "-token", "secret", "-rate", "2000", "-batch", "100", "-duration", "500ms"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if events.Load() != 1000 || !strings.Contains(out.String(), "sent 1000 events") || !strings.Contains(out.String(), "990 accepted, 10 rejected") ||
		!strings.Contains(out.String(), "p99") {
		t.Fatalf("events %d, report:\n%s", events.Load(), out.String())
	}
	// A failing server is reported, not hidden.
	out.Reset()
	_ = run(context.Background(), []string{"-url", srv.URL, "-token", "wrong", "-rate", "1000", "-batch", "100", "-duration", "200ms"}, &out)
	if !strings.Contains(out.String(), "request failed: 401") || !strings.Contains(out.String(), "200 in failed requests") {
		t.Fatalf("report:\n%s", out.String())
	}
}
