package actors

import (
	"context"
	"errors"
	"time"

	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// Messages of a widget feed.
type (
	feedAdd struct {
		sub     *feedSub
		lastSeq int64 // the last seq the client has; 0: none
	}
	feedRemove struct{ sess *actor.PID }
	// feedChanged is a change notice for the feed's source; now skips the
	// coalescing window (a report re-execution is one event, not a burst).
	feedChanged struct{ now bool }
	feedFlush   struct{}
	feedPoll    struct{}
	// feedResend asks for a fresh snapshot for one session that fell
	// behind.
	feedResend      struct{ sess *actor.PID }
	feedIdleCheck   struct{}
	feedIdleRefused struct{}
)

// feedSub is one session's subscription: frames go straight into the
// session's outbox, which never blocks.
type feedSub struct {
	sess     *actor.PID
	out      *outbox
	widgetID string
}

// feedShared is the part of a feed that survives a restart: who listens.
// Only the feed's own goroutine touches it (hollywood runs one incarnation
// at a time), so it needs no lock.
type feedShared struct {
	subs map[string]*feedSub // session pid id -> subscription
	adds int64               // feedAdd messages received (see feedIdle)
}

// historyEntry is a frame kept for resume.
type historyEntry struct {
	seq      int64
	snapshot bool
	f        Frame
}

// feed is the WidgetFeedActor: the one place a widget's data is computed
// for every session sharing its FeedSpec.Key. On change notices it
// re-queries at most once per coalescing window (at once when it has been
// quiet for a window, else at the window's end), diffs against its last
// result and pushes a delta (a snapshot when most rows changed) with the
// next seq.
//
// After a crash the restarted feed keeps its subscribers, starts a new seq
// epoch (seqs stay increasing: they start at the start time in
// microseconds) and sends every subscriber a snapshot.
type feed struct {
	rt     *Realtime
	spec   FeedSpec
	shared *feedShared
	pid    *actor.PID
	engine *actor.Engine

	seq     int64
	lastRun time.Time // when the last query started (throttling)
	last    *app.QueryResult
	loaded  bool
	history []historyEntry
	flush   *time.Timer
	idle    *time.Timer
	poll    actor.SendRepeater
	polling bool
}

func newFeed(rt *Realtime, spec FeedSpec) actor.Producer {
	shared := &feedShared{subs: map[string]*feedSub{}}
	return func() actor.Receiver {
		return &feed{rt: rt, spec: spec, shared: shared}
	}
}

// Receive implements actor.Receiver.
func (f *feed) Receive(c *actor.Context) {
	switch m := c.Message().(type) {
	case actor.Started:
		f.pid, f.engine = c.PID(), c.Engine()
		f.seq = f.rt.now().UnixMicro()
		// The first query runs from the inbox: Started of a new feed runs
		// on the hub's goroutine, which must not wait for a query.
		c.Send(c.PID(), feedFlush{})
		if f.spec.Every > 0 {
			f.poll = c.SendRepeat(c.PID(), feedPoll{}, f.spec.Every)
			f.polling = true
		}
		if len(f.shared.subs) == 0 {
			f.armIdle()
		}
	case actor.Stopped:
		f.stopTimers()
	case feedAdd:
		f.add(m)
	case feedRemove:
		delete(f.shared.subs, m.sess.GetID())
		if len(f.shared.subs) == 0 {
			f.armIdle()
		}
	case feedChanged:
		f.changed(c, m.now)
	case feedFlush:
		f.flush = nil
		f.refresh(c.Context())
	case feedPoll:
		f.refresh(c.Context())
	case feedResend:
		if s, ok := f.shared.subs[m.sess.GetID()]; ok && f.loaded {
			s.out.push(outItem{widgetID: s.widgetID, snapshot: true, f: f.snapshot()})
		}
	case feedIdleCheck:
		f.idle = nil
		if len(f.shared.subs) == 0 {
			c.Send(c.Parent(), feedIdle{key: f.spec.Key, pid: c.PID(), adds: f.shared.adds})
		}
	case feedIdleRefused:
		if len(f.shared.subs) == 0 {
			f.armIdle()
		}
	}
}

// changed throttles re-queries to one per coalescing window: a feed that
// has not queried for a whole window answers at once (a quiet wall screen
// shows a single event without waiting), and every notice within the
// window after a query is folded into one re-query at the window's end.
func (f *feed) changed(c *actor.Context, now bool) {
	if f.flush != nil {
		return // the trailing re-query is already due
	}
	wait := f.rt.cfg.Coalesce - f.rt.now().Sub(f.lastRun)
	if now || wait <= 0 {
		f.refresh(c.Context())
		return
	}
	f.flush = time.AfterFunc(wait, func() { f.engine.Send(f.pid, feedFlush{}) })
}

func (f *feed) add(m feedAdd) {
	f.shared.adds++
	f.shared.subs[m.sub.sess.GetID()] = m.sub
	if f.idle != nil {
		f.idle.Stop()
		f.idle = nil
	}
	if !f.loaded {
		return // the first result goes to every subscriber as a snapshot
	}
	for _, it := range f.resume(m.lastSeq) {
		m.sub.out.push(outItem{widgetID: m.sub.widgetID, snapshot: it.snapshot, f: it.f})
	}
}

// resume returns what a client that has lastSeq needs: nothing when it is
// current, the frames after lastSeq when the history holds all of them (or
// from a snapshot on), else a fresh snapshot.
func (f *feed) resume(lastSeq int64) []historyEntry {
	if lastSeq == f.seq && lastSeq != 0 {
		return nil
	}
	if lastSeq > 0 && lastSeq < f.seq {
		for i, h := range f.history {
			if h.seq == lastSeq+1 || (h.seq > lastSeq && h.snapshot) {
				return f.history[i:]
			}
		}
	}
	return []historyEntry{{seq: f.seq, snapshot: true, f: f.snapshot()}}
}

// refresh re-runs the query and pushes what changed. A failed query is
// told to the subscribers as an error frame; the last result stays.
func (f *feed) refresh(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, f.rt.cfg.QueryTimeout)
	defer cancel()
	f.rt.stats.queries.Add(1)
	f.lastRun = f.rt.now()
	res, err := f.spec.Run(ctx)
	if err != nil {
		f.broadcast(historyEntry{f: frameOf(errorFrame(err, f.spec.WidgetID))})
		return
	}
	if !f.loaded {
		f.last, f.loaded = res, true
		f.record(historyEntry{seq: f.seq, snapshot: true, f: f.snapshot()})
		return
	}
	d := domain.DiffRows(f.spec.KeyColumns, f.last.Rows, res.Rows)
	totalsChanged := !domain.RowsEqual(f.last.Totals, res.Totals)
	f.last = res
	if d.Empty() && !totalsChanged {
		return
	}
	f.seq++
	if len(d.Upsert)+len(d.Delete) > len(res.Rows) {
		// Most rows changed: the whole result is no bigger than the delta.
		f.record(historyEntry{seq: f.seq, snapshot: true, f: f.snapshot()})
		return
	}
	delta := app.DeltaFrame{Type: app.FrameDelta, WidgetID: f.spec.WidgetID, Seq: f.seq,
		Upsert: orEmpty(d.Upsert), Delete: orEmpty(d.Delete), Totals: res.Totals, At: f.rt.now().UnixMilli()}
	if d.Reordered {
		delta.Order = make([][]any, len(res.Rows))
		for i, r := range res.Rows {
			delta.Order[i] = r[:min(f.spec.KeyColumns, len(r))]
		}
	}
	f.record(historyEntry{seq: f.seq, f: frameOf(delta)})
}

func orEmpty(rows [][]any) [][]any {
	if rows == nil {
		return [][]any{}
	}
	return rows
}

// record keeps a frame for resume and pushes it to every subscriber.
func (f *feed) record(h historyEntry) {
	if h.snapshot {
		f.history = f.history[:0]
	}
	if len(f.history) >= f.rt.cfg.History {
		copy(f.history, f.history[1:])
		f.history = f.history[:len(f.history)-1]
	}
	f.history = append(f.history, h)
	f.broadcast(h)
}

func (f *feed) broadcast(h historyEntry) {
	for _, s := range f.shared.subs {
		if s.out.push(outItem{widgetID: s.widgetID, snapshot: h.snapshot, f: h.f}) {
			f.rt.stats.frames.Add(1)
		}
	}
}

func (f *feed) snapshot() Frame {
	return frameOf(app.SnapshotFrame{Type: app.FrameSnapshot, WidgetID: f.spec.WidgetID,
		Seq: f.seq, Columns: f.last.Columns, KeyColumns: f.spec.KeyColumns, Rows: orEmpty(f.last.Rows),
		Totals: f.last.Totals, At: f.rt.now().UnixMilli()})
}

// retired tells the subscribers that the widget stopped after using up
// its restarts (the supervisor calls it); they may subscribe again later,
// which starts a fresh feed.
func (f *feed) retired() {
	f.broadcast(historyEntry{f: frameOf(app.ErrorFrame{Type: app.FrameError, Code: "unavailable",
		Message: "the widget stopped after repeated failures", WidgetID: f.spec.WidgetID})})
}

func (f *feed) armIdle() {
	if f.idle == nil {
		f.idle = time.AfterFunc(f.rt.cfg.FeedIdle, func() { f.engine.Send(f.pid, feedIdleCheck{}) })
	}
}

func (f *feed) stopTimers() {
	if f.flush != nil {
		f.flush.Stop()
		f.flush = nil
	}
	if f.idle != nil {
		f.idle.Stop()
		f.idle = nil
	}
	if f.polling {
		f.poll.Stop()
		f.polling = false
	}
}

// errorFrame renders err for a client: a domain error's code and message,
// anything else as "internal" without detail (it is logged at the edge).
func errorFrame(err error, widgetID string) app.ErrorFrame {
	var de *domain.Error
	if errors.As(err, &de) {
		return app.ErrorFrame{Type: app.FrameError, Code: string(de.Code), Message: de.Message, WidgetID: widgetID}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return app.ErrorFrame{Type: app.FrameError, Code: "timeout", Message: "the widget query took too long", WidgetID: widgetID}
	}
	return app.ErrorFrame{Type: app.FrameError, Code: "internal", Message: "the widget could not be computed", WidgetID: widgetID}
}
