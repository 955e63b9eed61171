// Command realtime is the realtime load driver: it starts a reportsd (the
// embedded default, demo data) on a loopback port, opens N WebSocket
// sessions that all watch one widget of a demo dashboard, then ingests one
// event at a time and measures, for every session, the time from the
// ingest request to the widget's delta frame. It also reads the server's
// resident memory before and after the sessions connect, for the memory
// per idle session. Traffic goes to loopback only, bounded by -sessions and
// -rounds.
//
//	go build -o bin/reportsd ./cmd/reportsd
//	go run ./loadtest/realtime -server bin/reportsd -sessions 1000 -rounds 20
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "realtime:", err)
		os.Exit(1)
	}
}

// options of one run.
type options struct {
	server   string        // reportsd binary to start
	sessions int           // WebSocket sessions on the widget
	rounds   int           // events ingested, one per round
	gap      time.Duration // pause between rounds
	widget   string        // title (substring) of the widget to watch
	timeout  time.Duration // wait for every session's frame in a round
	// background posts this many other events per second during the
	// rounds (closed tickets: the watched widget re-queries, throttled,
	// without changing), so feeds are never quiet.
	background float64
}

func parse(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("realtime", flag.ContinueOnError)
	fs.StringVar(&o.server, "server", "bin/reportsd", "reportsd binary to start")
	fs.IntVar(&o.sessions, "sessions", 1000, "WebSocket sessions watching the widget")
	fs.IntVar(&o.rounds, "rounds", 20, "events ingested (one per round)")
	fs.DurationVar(&o.gap, "gap", 700*time.Millisecond, "pause between rounds")
	fs.StringVar(&o.widget, "widget", "", "title substring of the widget to watch (default: the dashboard's first)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "how long a round waits for every session's frame")
	fs.Float64Var(&o.background, "background", 0, "other events per second during the rounds (0-1000)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.sessions < 1 || o.sessions > 20000 {
		return o, errors.New("-sessions must be between 1 and 20000")
	}
	if o.background < 0 || o.background > 1000 {
		return o, errors.New("-background must be between 0 and 1000 events per second")
	}
	if o.rounds < 1 || o.rounds > 10000 {
		return o, errors.New("-rounds must be between 1 and 10000")
	}
	return o, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, o.server)
	if err != nil {
		return err
	}
	defer srv.stop()
	c := &client{base: srv.base}
	if err := c.login("admin@acme.example", srv.password); err != nil {
		return err
	}
	target, err := c.findWidget(o.widget)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "server pid %d on %s; widget %q (%s) of dashboard %s\n", srv.pid, srv.base, target.title, target.widgetID, target.dashboardID)

	// One session first, so the feed exists before the baseline reading.
	first, err := c.openSession(target)
	if err != nil {
		return err
	}
	defer first.close()
	// Memory is read after half of the sessions and after all of them: the
	// first half mostly reuses heap the demo seeding freed, so the cost of
	// a session is the growth over the second half.
	sessions := []*session{first}
	defer func() {
		for _, s := range sessions {
			s.close()
		}
	}()
	var readings []reading
	for _, n := range []int{o.sessions/2 - 1, o.sessions - o.sessions/2} {
		more, err := c.openSessions(ctx, target, max(n, 0))
		sessions = append(sessions, more...)
		if err != nil {
			return err
		}
		time.Sleep(2 * time.Second)
		r, err := c.read(srv.pid)
		if err != nil {
			return err
		}
		readings = append(readings, r)
	}
	half := float64(max(o.sessions-o.sessions/2, 1))
	a, b := readings[0], readings[1]
	fmt.Fprintf(out, "memory per idle session (growth from %d to %d sessions): live heap+stacks %.1f KiB, RSS %.1f KiB, goroutines %.2f\n",
		o.sessions/2, len(sessions), float64(b.live-a.live)/1024/half, float64(b.rssKiB-a.rssKiB)/half,
		float64(b.goroutines-a.goroutines)/half)

	srvCPU0, err := cpuTime(srv.pid)
	if err != nil {
		return err
	}
	ownCPU0, err := cpuTime(os.Getpid())
	if err != nil {
		return err
	}
	start := time.Now()
	stopBackground := c.background(ctx, o.background)
	lat, missed, err := c.rounds(ctx, o, sessions)
	stopBackground()
	if err != nil {
		return err
	}
	wall := time.Since(start)
	srvCPU1, _ := cpuTime(srv.pid)
	ownCPU1, _ := cpuTime(os.Getpid())
	report(out, lat, missed, len(sessions), o.rounds)
	fmt.Fprintf(out, "CPU during the rounds (%v wall): server %v, this driver %v\n", wall.Round(time.Millisecond),
		(srvCPU1 - srvCPU0).Round(time.Millisecond), (ownCPU1 - ownCPU0).Round(time.Millisecond))
	return nil
}
