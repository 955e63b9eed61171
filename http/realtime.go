package http

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/hertz-contrib/websocket"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/domain"
)

// Realtime connection limits.
const (
	// MaxClientFrame is the largest frame a client may send; a bigger one
	// closes the WebSocket with 1009 (message too big).
	MaxClientFrame = 64 << 10
	// realtimeWriteTimeout bounds one frame write to a slow client; the
	// outbox's lag limit decides when to give up on it altogether.
	realtimeWriteTimeout = 10 * time.Second
	// wsReadBuffer is the per-connection read buffer. Client frames are
	// small and the buffer does not limit message size (MaxClientFrame
	// does), so it is kept small: there is one per idle session.
	wsReadBuffer  = 512
	wsWriteBuffer = 4096
)

// wsWritePool lends write buffers for the duration of one write only, so
// idle connections hold none.
var wsWritePool = &bufferPool{}

type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() any  { return b.p.Get() }
func (b *bufferPool) Put(v any) { b.p.Put(v) }

// RealtimeDeps is the realtime layer the HTTP edge drives.
type RealtimeDeps struct {
	Realtime  *actors.Realtime
	Heartbeat time.Duration // the Realtime's heartbeat, for read deadlines
}

// realtimeWS upgrades GET /realtime to a WebSocket after the Origin check
// (403) and authentication (401), both before the upgrade.
func (s *Server) realtimeWS(ctx context.Context, c *hz.RequestContext) {
	origin := string(c.Request.Header.Peek("Origin"))
	if origin != "" && !s.originAllowed(origin, string(c.Host())) {
		writeError(ctx, c, s.log, &domain.Error{Code: domain.CodeForbidden, Field: "origin", Message: "origin not allowed"})
		return
	}
	tok := bearerOrCookie(c)
	p, err := s.deps.Identity.Authenticate(ctx, tok)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	up := websocket.HertzUpgrader{
		ReadBufferSize:  wsReadBuffer,
		WriteBufferSize: wsWriteBuffer,
		WriteBufferPool: wsWritePool,
		CheckOrigin:     func(*hz.RequestContext) bool { return true }, // checked above
		Error: func(c *hz.RequestContext, status int, reason error) {
			c.AbortWithStatusJSON(status, ErrorBody{Error: ErrorDetail{Code: string(domain.CodeInvalid), Message: reason.Error()}})
		},
	}
	var taken bool
	if err := up.Upgrade(c, func(conn *websocket.Conn) {
		sess := s.openWS(conn, p, s.revalidator(tok))
		if sess == nil {
			return
		}
		if taken {
			// The socket is off hertz's connection: free the serving
			// goroutine (and its deep stack) and read on a fresh, shallow
			// one (wsconn.go).
			go s.readWS(conn, sess)
			return
		}
		s.readWS(conn, sess)
	}); err == nil {
		taken = takeSocket(ctx, c)
	}
}

// revalidateTTL is how long a successful re-authentication of a
// credential stands for the other connections opened with it (a wall of
// screens signed in as one kiosk user shares one lookup per heartbeat).
const revalidateTTL = 10 * time.Second

// revalidations remembers recent successful re-authentications by
// credential hash.
type revalidations struct {
	mu sync.Mutex
	ok map[[32]byte]time.Time
}

func (r *revalidations) fresh(key [32]byte, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.ok[key]
	return ok && now.Sub(at) < revalidateTTL
}

func (r *revalidations) remember(key [32]byte, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ok == nil || len(r.ok) > 100_000 {
		r.ok = map[[32]byte]time.Time{}
	}
	r.ok[key] = now
}

// revalidator re-authenticates a connection's credential at heartbeats.
func (s *Server) revalidator(tok string) func(context.Context) error {
	key := sha256.Sum256([]byte(tok))
	return func(ctx context.Context) error {
		now := time.Now()
		if s.revalidated.fresh(key, now) {
			return nil
		}
		if _, err := s.deps.Identity.Authenticate(ctx, tok); err != nil {
			return err
		}
		s.revalidated.remember(key, now)
		return nil
	}
}

// openWS opens the realtime session of a new WebSocket; nil when the
// realtime layer refused it (the connection is then closed).
func (s *Server) openWS(conn *websocket.Conn, p domain.Principal, revalidate func(context.Context) error) *actors.Session {
	t := &wsTransport{conn: conn}
	sess, err := s.deps.Realtime.Realtime.Open(p, t, revalidate)
	if err != nil {
		t.Close("unavailable")
		_ = conn.NetConn().Close()
		return nil
	}
	return sess
}

// readWS reads client frames until the connection ends; writes happen in
// the session's outbox. The read loop is what an idle connection parks
// on, so it is kept shallow: frames are decoded and handled by the
// session (Session.HandleRaw), not here.
func (s *Server) readWS(conn *websocket.Conn, sess *actors.Session) {
	// hertz keeps hijacked connections open (KeepHijackedConns): whatever
	// ends the read loop, the socket is closed here at the latest.
	defer conn.NetConn().Close()
	defer sess.Close("client_closed")
	idle := 2*s.deps.Realtime.Heartbeat + 10*time.Second
	conn.SetReadLimit(MaxClientFrame)
	_ = conn.SetReadDeadline(time.Now().Add(idle))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(idle)) })
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		_ = conn.SetReadDeadline(time.Now().Add(idle))
		sess.HandleRaw(data)
	}
}

// wsTransport writes frames to a WebSocket. The outbox calls Write and
// Heartbeat from one goroutine at a time; Close may race with them, which
// the websocket library allows for control frames and Close.
type wsTransport struct {
	conn *websocket.Conn
	once sync.Once
	// deadline is the write deadline set last; it is moved only when half
	// of it is used up, sparing a timer update per frame.
	deadline time.Time
}

func prepare(data []byte) (any, error) {
	return websocket.NewPreparedMessage(websocket.TextMessage, data)
}

func (t *wsTransport) Write(f actors.Frame) error {
	t.extendDeadline()
	pm, err := f.Memo(prepare)
	if err != nil {
		return err
	}
	return t.conn.WritePreparedMessage(pm.(*websocket.PreparedMessage))
}

func (t *wsTransport) extendDeadline() {
	now := time.Now()
	if t.deadline.Sub(now) < realtimeWriteTimeout/2 {
		t.deadline = now.Add(realtimeWriteTimeout)
		_ = t.conn.SetWriteDeadline(t.deadline)
	}
}

// Kind says this is a WebSocket (actors.Realtime.Disconnect).
func (t *wsTransport) Kind() string { return actors.TransportWS }

func (t *wsTransport) Heartbeat() error {
	return t.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(realtimeWriteTimeout))
}

func (t *wsTransport) Close(reason string) {
	t.once.Do(func() {
		code := websocket.ClosePolicyViolation
		switch reason {
		case "client_closed":
			code = websocket.CloseNormalClosure
		case "shutdown", actors.ReasonDisconnected:
			code = websocket.CloseGoingAway
		case "write_failed":
			code = websocket.CloseAbnormalClosure
		}
		if code != websocket.CloseAbnormalClosure {
			_ = t.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason),
				time.Now().Add(time.Second))
		}
		_ = t.conn.Close()
	})
}
