package http

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/network"
)

// A WebSocket lives for hours, and on hertz's standard transport a
// hijacked connection keeps everything of the request that opened it: the
// serving goroutine with its deep stack (the hijack handler runs on it and
// Engine.Serve closes the connection when it returns), the request
// context, and the connection's 4 KiB input and output blocks. Together
// that is three quarters of an idle session's memory.
//
// So the edge lets a WebSocket take its socket away from hertz: the
// listener hands hertz an ownedConn whose Close can be disowned; the
// upgrade handler swaps the request's connection for a socketConn straight
// on the socket (no hertz buffers), hertz writes the 101 and hijacks that
// one, and the hijack handler starts the WebSocket's read loop on a fresh,
// shallow goroutine and returns. hertz then finishes the request as usual
// (its context goes back to the pool, its buffers to their finalizers) and
// its Close of the original connection is a no-op; the WebSocket closes
// the socket itself (Engine.KeepHijackedConns).

// ownedListener wraps accepted connections so a WebSocket can take one over.
type ownedListener struct{ net.Listener }

func (l ownedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &ownedConn{Conn: c}, nil
}

// ownedConn is an accepted connection; once taken, hertz's Close leaves the
// socket open for its new owner.
type ownedConn struct {
	net.Conn
	taken atomic.Bool
}

func (c *ownedConn) Close() error {
	if c.taken.Load() {
		return nil
	}
	return c.Conn.Close()
}

type ownedConnKey struct{}

// withOwnedConn is the transport's OnAccept: it makes the accepted
// connection reachable from its requests' context.
func withOwnedConn(conn net.Conn) context.Context {
	return context.WithValue(context.Background(), ownedConnKey{}, conn)
}

// takeSocket moves the request's connection off hertz's buffers onto the
// bare socket, after an upgrade registered its hijack handler. It reports
// false (and changes nothing) when the connection cannot be taken: then the
// hijack runs on hertz's connection as usual.
func takeSocket(ctx context.Context, c *hz.RequestContext) bool {
	oc, ok := ctx.Value(ownedConnKey{}).(*ownedConn)
	if !ok || c.GetHijackHandler() == nil {
		return false
	}
	orig := c.GetConn()
	if _, tls := orig.(network.ConnTLSer); tls {
		return false // the listener's socket carries TLS records
	}
	// Bytes the client sent after the upgrade request that hertz already
	// read (a client may write its first frame right after the request)
	// go first.
	var pending []byte
	if n := orig.Len(); n > 0 {
		b, err := orig.Peek(n)
		if err != nil {
			return false
		}
		pending = append([]byte(nil), b...)
		if err := orig.Skip(n); err != nil {
			return false
		}
	}
	oc.taken.Store(true)
	c.SetConn(&socketConn{Conn: oc.Conn, pending: pending})
	return true
}

// socketConn is hertz's network.Conn straight on a socket: reads and writes
// go to the socket (the WebSocket library buffers its own), apart from the
// bytes left over from the upgrade request. Its buffered-I/O methods, which
// hertz uses only to write the 101 response, hold memory only while used.
type socketConn struct {
	net.Conn
	pending []byte        // bytes read past the upgrade request
	br      *bufio.Reader // only once Peek/Skip/ReadByte/ReadBinary is used
	out     []byte        // Malloc/WriteBinary until Flush
}

func (c *socketConn) reader() *bufio.Reader {
	if c.br == nil {
		c.br = bufio.NewReaderSize(io.MultiReader(&pendingReader{c}, c.Conn), 512)
	}
	return c.br
}

// pendingReader serves the pending bytes, then EOF (io.MultiReader moves on
// to the socket).
type pendingReader struct{ c *socketConn }

func (p *pendingReader) Read(b []byte) (int, error) {
	if len(p.c.pending) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.c.pending)
	p.c.pending = p.c.pending[n:]
	if len(p.c.pending) == 0 {
		p.c.pending = nil
	}
	return n, nil
}

func (c *socketConn) Read(b []byte) (int, error) {
	if c.br != nil {
		return c.br.Read(b)
	}
	if len(c.pending) > 0 {
		return (&pendingReader{c}).Read(b)
	}
	return c.Conn.Read(b)
}

func (c *socketConn) Peek(n int) ([]byte, error) { return c.reader().Peek(n) }

func (c *socketConn) Skip(n int) error {
	_, err := c.reader().Discard(n)
	return err
}

func (c *socketConn) Release() error { return nil }

func (c *socketConn) Len() int {
	if c.br != nil {
		return c.br.Buffered() + len(c.pending)
	}
	return len(c.pending)
}

func (c *socketConn) ReadByte() (byte, error) { return c.reader().ReadByte() }

func (c *socketConn) ReadBinary(n int) ([]byte, error) {
	p := make([]byte, n)
	_, err := io.ReadFull(c.reader(), p)
	return p, err
}

func (c *socketConn) Malloc(n int) ([]byte, error) {
	if n < 0 {
		return nil, errors.New("negative malloc")
	}
	l := len(c.out)
	c.out = append(c.out, make([]byte, n)...)
	return c.out[l : l+n], nil
}

func (c *socketConn) WriteBinary(b []byte) (int, error) {
	c.out = append(c.out, b...)
	return len(b), nil
}

func (c *socketConn) Flush() error {
	if len(c.out) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.out)
	c.out = nil
	return err
}

func (c *socketConn) Write(b []byte) (int, error) {
	if err := c.Flush(); err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}

func (c *socketConn) SetReadTimeout(t time.Duration) error {
	if t <= 0 {
		return c.Conn.SetReadDeadline(time.Time{})
	}
	return c.Conn.SetReadDeadline(time.Now().Add(t))
}

func (c *socketConn) SetWriteTimeout(t time.Duration) error {
	if t <= 0 {
		return c.Conn.SetWriteDeadline(time.Time{})
	}
	return c.Conn.SetWriteDeadline(time.Now().Add(t))
}

var _ network.Conn = (*socketConn)(nil)
