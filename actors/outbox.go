package actors

import (
	"sync"
	"time"

	"github.com/conductor/reports/app"
)

// Transport is one client connection as the realtime actors see it: a
// WebSocket or an SSE response. Write and Heartbeat block until the bytes
// are handed to the socket or the transport's write deadline passes; they
// are only ever called from one goroutine at a time.
type Transport interface {
	// Write sends one frame.
	Write(f Frame) error
	// Heartbeat proves the connection alive (a WebSocket ping, an SSE
	// comment).
	Heartbeat() error
	// Close ends the connection; reason is a short code said to the client
	// where the protocol allows (a WebSocket close frame).
	Close(reason string)
}

// Frame is one server frame: its JSON and, for transports that label
// frames (SSE event types and ids), its type, widget and seq.
type Frame struct {
	Type     string
	WidgetID string
	Seq      int64
	Data     []byte
	memo     *frameMemo
}

// frameMemo holds what a transport derived from a frame once for every
// session it goes to (a WebSocket prepared message: the frame header and
// payload built once, not once per connection).
type frameMemo struct {
	once sync.Once
	v    any
	err  error
}

// Memo returns build(f.Data), computed once per frame however many
// sessions it is written to; frames built by hand (no memo) build each
// time.
func (f Frame) Memo(build func([]byte) (any, error)) (any, error) {
	if f.memo == nil {
		return build(f.Data)
	}
	f.memo.once.Do(func() { f.memo.v, f.memo.err = build(f.Data) })
	return f.memo.v, f.memo.err
}

// frameOf encodes one of app's frame types once, for every session it
// goes to.
func frameOf(v any) Frame {
	f := Frame{Data: app.EncodeFrame(v), memo: &frameMemo{}}
	switch x := v.(type) {
	case app.SnapshotFrame:
		f.Type, f.WidgetID, f.Seq = x.Type, x.WidgetID, x.Seq
	case app.DeltaFrame:
		f.Type, f.WidgetID, f.Seq = x.Type, x.WidgetID, x.Seq
	case app.ErrorFrame:
		f.Type, f.WidgetID = x.Type, x.WidgetID
	case app.BannerFrame:
		f.Type = x.Type
	case app.DashboardFrame:
		f.Type = x.Type
	case app.ControlFrame:
		f.Type = x.Type
	}
	return f
}

// outItem is one queued frame. Data frames of a widget carry its id and
// are the ones dropped when the client falls behind.
type outItem struct {
	widgetID  string
	snapshot  bool
	heartbeat bool
	f         Frame
}

// outbox is a session's bounded send queue, drained by a goroutine that
// exists only while there is something to write, so an idle session costs
// no goroutine. When the queue is full the client is not keeping up: its
// queued widget frames are dropped, those widgets are marked stale, and
// later deltas for them are dropped too until the session has caught up
// and a fresh snapshot replaces them (resync). A client that stays behind
// longer than maxLag is disconnected with a reason.
type outbox struct {
	t      Transport
	limit  int
	maxLag time.Duration
	now    func() time.Time
	// resync is called, off the lock, when the queue drained while
	// widgets were stale: the session asks their feeds for snapshots.
	resync func(widgets []string)
	// closed is called once when the outbox closes (write error, lag,
	// Close).
	closed func(reason string)

	mu       sync.Mutex
	q        []outItem
	writing  bool
	stale    map[string]bool
	allowed  map[string]bool // widgets subscribed: frames of others are late and dropped
	behind   time.Time       // when the queue first overflowed; zero when caught up
	shut     bool
	dropped  uint64
	overflow uint64
}

func newOutbox(t Transport, limit int, maxLag time.Duration, now func() time.Time) *outbox {
	return &outbox{t: t, limit: limit, maxLag: maxLag, now: now}
}

// push queues a frame without blocking. It reports false when the outbox
// is closed.
func (o *outbox) push(it outItem) bool {
	o.mu.Lock()
	if o.shut {
		o.mu.Unlock()
		return false
	}
	if it.widgetID != "" && !o.allowed[it.widgetID] {
		o.mu.Unlock()
		return true
	}
	if !o.behind.IsZero() && o.maxLag > 0 && o.now().Sub(o.behind) > o.maxLag {
		o.shut = true
		o.q = nil
		o.mu.Unlock()
		o.finish("lagging")
		return false
	}
	if it.widgetID != "" && o.stale[it.widgetID] && !it.snapshot {
		o.dropped++
		o.mu.Unlock()
		return true
	}
	if it.snapshot && o.stale[it.widgetID] {
		delete(o.stale, it.widgetID)
	}
	if len(o.q) >= o.limit {
		o.overflowLocked(it)
	} else {
		o.q = append(o.q, it)
	}
	start := !o.writing
	o.writing = true
	o.mu.Unlock()
	if start {
		go o.drain()
	}
	return true
}

// overflowLocked drops the queued widget frames and marks their widgets
// stale, from when on the lag is counted (push closes the outbox once the
// client has been behind for longer than maxLag).
func (o *outbox) overflowLocked(it outItem) {
	o.overflow++
	if o.behind.IsZero() {
		o.behind = o.now()
	}
	if o.stale == nil {
		o.stale = map[string]bool{}
	}
	kept := o.q[:0]
	for _, q := range o.q {
		if q.widgetID == "" {
			kept = append(kept, q)
			continue
		}
		o.stale[q.widgetID] = true
		o.dropped++
	}
	o.q = kept
	if it.widgetID != "" {
		o.stale[it.widgetID] = true
		o.dropped++
	} else if len(o.q) < o.limit {
		o.q = append(o.q, it)
	}
}

// drain writes queued frames until the queue is empty or a write fails.
func (o *outbox) drain() {
	for {
		o.mu.Lock()
		if o.shut {
			o.writing = false
			o.mu.Unlock()
			return
		}
		if len(o.q) == 0 {
			o.writing = false
			var stale []string
			if !o.behind.IsZero() {
				o.behind = time.Time{}
				for w := range o.stale {
					stale = append(stale, w)
				}
			}
			o.mu.Unlock()
			if len(stale) > 0 && o.resync != nil {
				o.resync(stale)
			}
			return
		}
		it := o.q[0]
		o.q[0] = outItem{}
		o.q = o.q[1:]
		o.mu.Unlock()
		var err error
		if it.heartbeat {
			err = o.t.Heartbeat()
		} else {
			err = o.t.Write(it.f)
		}
		if err != nil {
			o.close("write_failed")
			return
		}
	}
}

// close stops the outbox and the connection; later pushes are refused.
func (o *outbox) close(reason string) {
	o.mu.Lock()
	if o.shut {
		o.mu.Unlock()
		return
	}
	o.shut = true
	o.q = nil
	o.mu.Unlock()
	o.finish(reason)
}

// closeAfter queues a last frame and closes once it is written (or at
// once when the client is not reading).
func (o *outbox) closeAfter(frame Frame, reason string) {
	o.mu.Lock()
	if o.shut {
		o.mu.Unlock()
		return
	}
	busy := o.writing || len(o.q) > 0
	o.shut = true
	o.q = nil
	o.mu.Unlock()
	if !busy {
		_ = o.t.Write(frame)
	}
	o.finish(reason)
}

func (o *outbox) finish(reason string) {
	o.t.Close(reason)
	if o.closed != nil {
		o.closed(reason)
	}
}

// allow lets frames of a widget through (it was subscribed).
func (o *outbox) allow(widgetID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.allowed == nil {
		o.allowed = map[string]bool{}
	}
	o.allowed[widgetID] = true
}

// deny drops a widget's queued and later frames (it was unsubscribed).
func (o *outbox) deny(widgetID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.allowed, widgetID)
	delete(o.stale, widgetID)
	kept := o.q[:0]
	for _, q := range o.q {
		if q.widgetID != widgetID {
			kept = append(kept, q)
		}
	}
	o.q = kept
}

// isClosed reports whether the outbox no longer accepts frames.
func (o *outbox) isClosed() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.shut
}

// counters returns the frames dropped for staleness and the overflows.
func (o *outbox) counters() (dropped, overflows uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.dropped, o.overflow
}
