package http

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	stdhttp "net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
)

// An open WebSocket must not park a hertz serving goroutine: its read loop
// runs on a goroutine of its own and hertz's request is finished.
func TestRealtimeWebSocketLeavesHertzServingGoroutine(t *testing.T) {
	s := newRTStack(t, actors.RealtimeConfig{Coalesce: 20 * time.Millisecond})
	admin := s.login("admin@alpha.example", adminPW)
	const n = 3
	for range n {
		c, _, err := s.dial(t, bearer(admin))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.WriteJSON(map[string]any{"type": "SUBSCRIBE", "dashboardId": "d1", "widgetIds": []string{"w2"}}); err != nil {
			t.Fatal(err)
		}
		if f := readFrame(t, c); f["type"] != app.FrameSnapshot {
			t.Fatalf("got %v, want a snapshot", f)
		}
	}
	buf := make([]byte, 8<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	if strings.Contains(stacks, "hijackConnHandler") {
		t.Errorf("a WebSocket still runs on hertz's serving goroutine:\n%s", stacks)
	}
	if got := strings.Count(stacks, "http.(*Server).readWS"); got < n {
		t.Errorf("%d read loops on their own goroutines, want %d", got, n)
	}
}

// A client frame that arrives with the upgrade request (hertz has already
// read it into its buffer) is not lost when the socket changes hands.
func TestRealtimeFrameSentWithTheUpgradeRequest(t *testing.T) {
	s := newRTStack(t, actors.RealtimeConfig{})
	admin := s.login("admin@alpha.example", adminPW)
	conn, err := net.Dial("tcp", s.srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	key := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef"))
	req := "GET /realtime HTTP/1.1\r\nHost: " + s.srv.Addr() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + "\r\nAuthorization: Bearer " + admin + "\r\n\r\n"
	// One masked text frame, written in the same segment as the request.
	payload := []byte(`{"type":"PING"}`)
	mask := [4]byte{1, 2, 3, 4}
	frame := []byte{0x81, 0x80 | byte(len(payload)), mask[0], mask[1], mask[2], mask[3]}
	for i, b := range payload {
		frame = append(frame, b^mask[i%4])
	}
	if _, err := conn.Write(append([]byte(req), frame...)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	resp, err := stdhttp.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != stdhttp.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %s", resp.Status)
	}
	head := make([]byte, 2)
	if _, err := io.ReadFull(br, head); err != nil {
		t.Fatal(err)
	}
	if head[0] != 0x81 || head[1]&0x80 != 0 || head[1] >= 126 {
		t.Fatalf("frame header % x, want a short unmasked text frame", head)
	}
	body := make([]byte, head[1])
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(body, &f); err != nil || f["type"] != app.FramePong {
		t.Fatalf("got %s (%v), want PONG", body, err)
	}
}

func TestSocketConnServesPendingBytesThenTheSocket(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	c := &socketConn{Conn: b, pending: []byte("abc")}
	if c.Len() != 3 {
		t.Fatalf("Len %d, want 3", c.Len())
	}
	p := make([]byte, 2)
	if n, err := c.Read(p); err != nil || string(p[:n]) != "ab" {
		t.Fatalf("Read %q %v", p[:n], err)
	}
	go func() { _, _ = a.Write([]byte("defghij")) }()
	if got, err := c.Peek(3); err != nil || string(got) != "cde" {
		t.Fatalf("Peek %q %v, want pending then socket bytes", got, err)
	}
	if err := c.Skip(1); err != nil {
		t.Fatal(err)
	}
	if by, err := c.ReadByte(); err != nil || by != 'd' {
		t.Fatalf("ReadByte %q %v", by, err)
	}
	if got, err := c.ReadBinary(2); err != nil || string(got) != "ef" {
		t.Fatalf("ReadBinary %q %v", got, err)
	}
	if c.Len() != 4 { // the pipe delivered "defghij" at once; "ghij" is left
		t.Fatalf("Len %d, want the 4 buffered bytes", c.Len())
	}
	if n, err := c.Read(p); err != nil || string(p[:n]) != "gh" {
		t.Fatalf("Read after Peek %q %v", p[:n], err)
	}
	if err := c.Release(); err != nil {
		t.Fatal(err)
	}

	// Writes: Malloc and WriteBinary are held until Flush; Write flushes first.
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 64)
		var all []byte
		for len(all) < len("HTTP 101 hello") {
			n, err := a.Read(buf)
			if err != nil {
				break
			}
			all = append(all, buf[:n]...)
		}
		got <- string(all)
	}()
	m, err := c.Malloc(4)
	if err != nil {
		t.Fatal(err)
	}
	copy(m, "HTTP")
	if _, err := c.WriteBinary([]byte(" 101")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Malloc(-1); err == nil {
		t.Fatal("negative Malloc accepted")
	}
	if _, err := c.Write([]byte(" hello")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "HTTP 101 hello" {
		t.Fatalf("peer read %q", s)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{0, time.Minute} {
		if err := c.SetReadTimeout(d); err != nil {
			t.Fatal(err)
		}
		if err := c.SetWriteTimeout(d); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOwnedConnCloseIsDisownedOnceTaken(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	oc := &ownedConn{Conn: b}
	oc.taken.Store(true)
	if err := oc.Close(); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = b.Write([]byte("x")) }()
	p := make([]byte, 1)
	if _, err := a.Read(p); err != nil {
		t.Fatalf("socket closed by a disowned Close: %v", err)
	}
	oc.taken.Store(false)
	if err := oc.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Read(p); err == nil {
		t.Fatal("Close of an owned connection left it open")
	}
}
