package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// server is the reportsd process under test.
type server struct {
	cmd      *exec.Cmd
	pid      int
	base     string
	password string
	dir      string
}

// startServer runs reportsd serve --demo on a free loopback port in a
// temporary data directory and waits until it is ready.
func startServer(ctx context.Context, bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "reports-loadtest-")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	pw := make([]byte, 12)
	_, _ = rand.Read(pw)
	s := &server{base: "http://" + addr, password: hex.EncodeToString(pw), dir: dir}
	s.cmd = exec.CommandContext(ctx, bin, "serve", "--demo", "--events", "2000", "--listen", addr,
		"--data-dir", dir, "--log-level", "warn")
	s.cmd.Env = append(os.Environ(), "REPORTS_DEMO_PASSWORD="+s.password)
	s.cmd.Stdout, s.cmd.Stderr = io.Discard, os.Stderr
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s.pid = s.cmd.Process.Pid
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.stop()
	return nil, errors.New("reportsd did not become ready within 60 s")
}

func (s *server) stop() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
	_ = os.RemoveAll(s.dir)
}

// rss reads a process's resident set size in KiB.
func rss(pid int) (int64, error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

// cpuTime reads a process's user + system CPU time from /proc/PID/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; fields are counted after its ")".
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(fields) < 13 {
		return 0, errors.New("short /proc stat")
	}
	ut, err1 := strconv.ParseInt(fields[11], 10, 64)
	st, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / ticks, nil
}

// reading is the server's weight at one moment.
type reading struct {
	rssKiB     int64
	live       int64 // heap in use + goroutine stacks after a GC, bytes
	goroutines int
}

// read collects garbage in the server (GET /api/admin/runtime?gc=1) and
// reads its live memory and RSS.
func (c *client) read(pid int) (reading, error) {
	var st struct {
		Goroutines int   `json:"goroutines"`
		HeapInuse  int64 `json:"heap_inuse_bytes"`
		StackInuse int64 `json:"stack_inuse_bytes"`
	}
	if err := c.call("GET", "/api/admin/runtime?gc=1", nil, &st); err != nil {
		return reading{}, err
	}
	kib, err := rss(pid)
	return reading{rssKiB: kib, live: st.HeapInuse + st.StackInuse, goroutines: st.Goroutines}, err
}

// client talks to the server's API.
type client struct {
	base  string
	token string
}

func (c *client) call(method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func (c *client) login(email, pw string) error {
	var r struct{ Token string }
	if err := c.call("POST", "/api/auth/login", map[string]string{"email": email, "password": pw}, &r); err != nil {
		return err
	}
	c.token = r.Token
	return nil
}

// target is the widget every session watches.
type target struct {
	dashboardID, widgetID, title string
}

// findWidget picks a widget of the first demo dashboard (by title
// substring when given).
func (c *client) findWidget(title string) (target, error) {
	var list struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := c.call("GET", "/api/dashboards?tab=tenant", nil, &list); err != nil {
		return target{}, err
	}
	if len(list.Items) == 0 {
		return target{}, errors.New("the demo has no dashboard")
	}
	var d struct {
		Widgets []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"widgets"`
	}
	dash := list.Items[0].ID
	if err := c.call("GET", "/api/dashboards/"+dash, nil, &d); err != nil {
		return target{}, err
	}
	for _, w := range d.Widgets {
		if title == "" || strings.Contains(strings.ToLower(w.Title), strings.ToLower(title)) {
			return target{dashboardID: dash, widgetID: w.ID, title: w.Title}, nil
		}
	}
	return target{}, fmt.Errorf("no widget titled %q on dashboard %s", title, dash)
}

// session is one WebSocket watching the target; got records, per round,
// when its first widget frame of that round arrived.
type session struct {
	conn *websocket.Conn
	mu   sync.Mutex
	got  map[int64]time.Time
	seen chan struct{}
}

var (
	round  atomic.Int64 // current round; frames are attributed to it
	dialer = &websocket.Dialer{ReadBufferSize: 1024, WriteBufferSize: 512, HandshakeTimeout: 30 * time.Second}
)

func (c *client) openSession(t target) (*session, error) {
	u := strings.Replace(c.base, "http://", "ws://", 1) + "/realtime"
	conn, _, err := dialer.Dial(u, http.Header{"Authorization": {"Bearer " + c.token}})
	if err != nil {
		return nil, err
	}
	s := &session{conn: conn, got: map[int64]time.Time{}, seen: make(chan struct{}, 1)}
	if err := conn.WriteJSON(map[string]any{"type": "SUBSCRIBE", "dashboardId": t.dashboardID, "widgetIds": []string{t.widgetID}}); err != nil {
		conn.Close()
		return nil, err
	}
	go s.read(t.widgetID)
	select {
	case <-s.seen:
		return s, nil
	case <-time.After(30 * time.Second):
		conn.Close()
		return nil, errors.New("no snapshot within 30 s")
	}
}

func (s *session) read(widget string) {
	// Frames are matched by their first bytes (encoding/json writes the
	// fields in order) instead of decoded: the driver shares the cores
	// with the server it measures, and parsing 5,000 frames per round
	// would take CPU from it.
	snapshot := []byte(`{"type":"snapshot","widgetId":"` + widget + `"`)
	delta := []byte(`{"type":"delta","widgetId":"` + widget + `"`)
	for {
		_, data, err := s.conn.ReadMessage()
		if err != nil {
			return
		}
		at := time.Now()
		if !bytes.HasPrefix(data, delta) && !bytes.HasPrefix(data, snapshot) {
			continue
		}
		r := round.Load()
		s.mu.Lock()
		if _, ok := s.got[r]; !ok {
			s.got[r] = at
		}
		s.mu.Unlock()
		select {
		case s.seen <- struct{}{}:
		default:
		}
	}
}

func (s *session) arrival(r int64) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.got[r]
	return at, ok
}

func (s *session) close() { s.conn.Close() }

// openSessions opens n sessions, 50 at a time.
func (c *client) openSessions(ctx context.Context, t target, n int) ([]*session, error) {
	out := make([]*session, 0, n)
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, 50)
	var wg sync.WaitGroup
	for range n {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s, err := c.openSession(t)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = cmpErr(firstErr, err)
				return
			}
			out = append(out, s)
		}()
	}
	wg.Wait()
	return out, firstErr
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// rounds ingests one new open ticket per round and collects, per session,
// the time from the ingest request to its frame.
func (c *client) rounds(ctx context.Context, o options, sessions []*session) ([]time.Duration, int, error) {
	var lat []time.Duration
	missed := 0
	for r := int64(1); r <= int64(o.rounds); r++ {
		if ctx.Err() != nil {
			return lat, missed, ctx.Err()
		}
		round.Store(r)
		ev := ticket(fmt.Sprintf("LOAD-%d-%d", time.Now().UnixNano(), r), "open")
		t0 := time.Now()
		if err := c.call("POST", "/api/events", ev, nil); err != nil {
			return lat, missed, err
		}
		deadline := time.Now().Add(o.timeout)
		for _, s := range sessions {
			for {
				if at, ok := s.arrival(r); ok {
					lat = append(lat, at.Sub(t0))
					break
				}
				if time.Now().After(deadline) {
					missed++
					break
				}
				time.Sleep(2 * time.Millisecond)
			}
		}
		time.Sleep(o.gap)
	}
	return lat, missed, nil
}

// background posts closed tickets at rate per second until stopped.
func (c *client) background(ctx context.Context, rate float64) (stop func()) {
	if rate <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				id := fmt.Sprintf("BG-%d-%d", time.Now().UnixNano(), n)
				_ = c.call("POST", "/api/events", ticket(id, "closed"), nil)
			}
		}
	}()
	return func() { cancel(); <-done }
}

func ticket(id, status string) map[string]any {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	return map[string]any{"id": id, "tenant_id": "acme", "source": "tickets", "type": "ticket.created",
		"occurred_at": now, "entity_id": id, "version": 1,
		"data": map[string]any{"status": status, "priority": "high", "category": "network", "created_at": now}}
}

func report(out io.Writer, lat []time.Duration, missed, sessions, rounds int) {
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Fprintf(out, "event -> frame over %d sessions x %d rounds (%d frames, %d missed): p50 %v  p90 %v  p99 %v  max %v\n",
		sessions, rounds, len(lat), missed, pct(0.50).Round(time.Millisecond), pct(0.90).Round(time.Millisecond),
		pct(0.99).Round(time.Millisecond), pct(1).Round(time.Millisecond))
}
