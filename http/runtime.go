package http

import (
	"context"
	"runtime"
	"runtime/debug"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// runtimeStats is the answer of GET /api/admin/runtime: what an operator
// (and the load driver) needs to see the node's weight.
type runtimeStats struct {
	Goroutines int                   `json:"goroutines"`
	HeapInuse  uint64                `json:"heap_inuse_bytes"`
	StackInuse uint64                `json:"stack_inuse_bytes"`
	Sys        uint64                `json:"sys_bytes"`
	NumGC      uint32                `json:"num_gc"`
	Realtime   *actors.RealtimeStats `json:"realtime,omitempty"`
}

// settleHeap collects garbage until what is only waiting to be freed is
// gone: memory released through finalizers (hertz's connection buffers,
// whose connections WebSockets left, go back to bytedance's mcache pools
// that way) needs a collection to queue the finalizer, its run, and two
// more collections to leave sync.Pool's victim cache. The freed pages are
// then returned to the OS, so RSS says the same.
func settleHeap() {
	runtime.GC()
	time.Sleep(20 * time.Millisecond) // the finalizer goroutine runs
	runtime.GC()
	runtime.GC()
	debug.FreeOSMemory()
}

// runtimeInfo reports the process's memory and goroutines and the
// realtime counters, to administrators. ?gc=1 settles the heap first (settleHeap),
// so heap figures are live memory rather than live plus garbage.
func (s *Server) runtimeInfo(ctx context.Context, c *hz.RequestContext) {
	if err := domain.RequireAdmin(principalFrom(ctx)); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	if c.Query("gc") == "1" {
		settleHeap()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	out := runtimeStats{Goroutines: runtime.NumGoroutine(), HeapInuse: m.HeapInuse, StackInuse: m.StackInuse,
		Sys: m.Sys, NumGC: m.NumGC}
	if s.deps.Realtime != nil {
		st := s.deps.Realtime.Realtime.Stats()
		out.Realtime = &st
	}
	c.JSON(200, out)
}

// realtimeDisconnect ends realtime connections of the caller's tenant
// (POST /api/admin/realtime/disconnect, administrators, audited): body
// {"scope":"self"|"tenant","transport":"ws"|"sse"|"all"}, defaults self
// and ws. It answers how many connections it closed; their clients
// reconnect (and, after repeated WebSocket failures, fall back to SSE).
func (s *Server) realtimeDisconnect(ctx context.Context, c *hz.RequestContext) {
	var req app.RealtimeDisconnect
	if len(c.Request.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			writeError(ctx, c, s.log, err)
			return
		}
	}
	var drop func(tenantID, userID, transport string) int
	if s.deps.Realtime != nil {
		drop = s.deps.Realtime.Realtime.Disconnect
	}
	n, err := s.deps.Admin.DisconnectRealtime(ctx, principalFrom(ctx), req, drop)
	s.respond(ctx, c, 200, map[string]int{"closed": n}, err)
}
