// Command ingest is the ingest load driver: it posts reproducible demo
// events (app/demogen) to a running reportsd's POST /api/events at a
// fixed rate, in batches, for a bounded time, and reports throughput and
// request latency percentiles. It only targets loopback addresses.
//
//	go run ./loadtest/ingest -url http://127.0.0.1:8080 -token crk_... -rate 5000 -duration 30s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/conductor/reports/app/demogen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
}

// options of one run.
type options struct {
	target   *url.URL
	token    string
	tenant   string
	rate     float64
	batch    int
	duration time.Duration
	seed     int64
}

func parse(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	raw := fs.String("url", "http://127.0.0.1:8080", "reportsd base URL (loopback only)")
	fs.StringVar(&o.token, "token", os.Getenv("REPORTS_LOAD_TOKEN"), "module API key or admin token (env REPORTS_LOAD_TOKEN)")
	fs.StringVar(&o.tenant, "tenant", "acme", "tenant slug the events name")
	fs.Float64Var(&o.rate, "rate", 1000, "events per second (1 to 200000)")
	fs.IntVar(&o.batch, "batch", 500, "events per request (1 to 10000)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long to send (at most 10m)")
	fs.Int64Var(&o.seed, "seed", 1, "generator seed")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	u, err := url.Parse(*raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return o, fmt.Errorf("url: must be an http(s) URL")
	}
	if !loopback(u.Hostname()) {
		return o, fmt.Errorf("url: %s is not a loopback address; load tests only target 127.0.0.0/8 or ::1", u.Hostname())
	}
	o.target = u
	switch {
	case o.token == "":
		return o, errors.New("token: required (-token or REPORTS_LOAD_TOKEN)")
	case o.rate < 1 || o.rate > 200_000:
		return o, errors.New("rate: must be between 1 and 200000")
	case o.batch < 1 || o.batch > 10_000:
		return o, errors.New("batch: must be between 1 and 10000")
	case o.duration <= 0 || o.duration > 10*time.Minute:
		return o, errors.New("duration: must be between 0 and 10m")
	}
	return o, nil
}

// loopback reports whether host names this machine only.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// report is what a run measured.
type report struct {
	Sent, Accepted, Rejected, Failed int
	Elapsed                          time.Duration
	Latencies                        []time.Duration
}

func (r report) percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.Latencies)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func (r report) print(w io.Writer) {
	fmt.Fprintf(w, "sent %d events in %s: %.0f events/s accepted (%d accepted, %d rejected, %d in failed requests)\n",
		r.Sent, r.Elapsed.Round(time.Millisecond), float64(r.Accepted)/r.Elapsed.Seconds(), r.Accepted, r.Rejected, r.Failed)
	fmt.Fprintf(w, "request latency over %d requests: p50 %s p95 %s p99 %s max %s\n", len(r.Latencies),
		r.percentile(0.50).Round(time.Microsecond), r.percentile(0.95).Round(time.Microsecond),
		r.percentile(0.99).Round(time.Microsecond), r.percentile(1).Round(time.Microsecond))
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	total := int(o.rate * o.duration.Seconds())
	live, err := demogen.NewLive(demogen.Config{Seed: o.seed, Tenant: o.tenant, Now: time.Now(), Events: 1000}, o.rate)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	endpoint := o.target.JoinPath("/api/events").String()
	var rep report
	start := time.Now()
	interval := time.Duration(float64(time.Second) * float64(o.batch) / o.rate)
	next := start
	var pending [][]byte
	for rep.Sent < total && ctx.Err() == nil {
		for len(pending) < o.batch {
			for _, ev := range live.Next(time.Now()) {
				pending = append(pending, demogen.Envelope(ev))
			}
			if len(pending) < o.batch {
				time.Sleep(5 * time.Millisecond)
			}
		}
		body := append([]byte{'['}, bytes.Join(pending[:o.batch], []byte{','})...)
		body = append(body, ']')
		pending = pending[o.batch:]
		if wait := time.Until(next); wait > 0 {
			time.Sleep(wait)
		}
		next = next.Add(interval)
		t0 := time.Now()
		acc, rej, err := post(ctx, client, endpoint, o.token, body)
		rep.Latencies = append(rep.Latencies, time.Since(t0))
		rep.Sent += o.batch
		if err != nil {
			rep.Failed += o.batch
			fmt.Fprintln(out, "request failed:", err)
			continue
		}
		rep.Accepted += acc
		rep.Rejected += rej
	}
	rep.Elapsed = time.Since(start)
	rep.print(out)
	return nil
}

func post(ctx context.Context, c *http.Client, endpoint, token string, body []byte) (accepted, rejected int, err error) {
	req, err := http.NewRequestWithContext(ctx, "POST", endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, 0, fmt.Errorf("%s: %s", resp.Status, b)
	}
	var out struct {
		Accepted int               `json:"accepted"`
		Rejected []json.RawMessage `json:"rejected"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return 0, 0, err
	}
	return out.Accepted, len(out.Rejected), nil
}
