package app

import (
	"sync"
	"sync/atomic"
)

// NoticeHub fans change notices out to in-process subscribers (result
// cache, widget feeds). Delivery never blocks ingest: a subscriber whose
// buffer is full misses notices, counted in Dropped, and must treat a
// drop as "everything changed".
type NoticeHub struct {
	mu      sync.RWMutex
	next    int
	subs    map[int]chan ChangeNotice
	dropped atomic.Uint64
}

// NewNoticeHub returns an empty hub.
func NewNoticeHub() *NoticeHub { return &NoticeHub{subs: map[int]chan ChangeNotice{}} }

// Subscribe returns a channel of notices with room for buf of them and a
// cancel function that closes it.
func (h *NoticeHub) Subscribe(buf int) (<-chan ChangeNotice, func()) {
	if buf <= 0 {
		buf = 256
	}
	ch := make(chan ChangeNotice, buf)
	h.mu.Lock()
	id := h.next
	h.next++
	h.subs[id] = ch
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs, id)
			h.mu.Unlock()
			close(ch)
		})
	}
}

// Publish delivers ns to every subscriber without blocking.
func (h *NoticeHub) Publish(ns []ChangeNotice) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, n := range ns {
		for _, ch := range h.subs {
			select {
			case ch <- n:
			default:
				h.dropped.Add(1)
			}
		}
	}
}

// Dropped counts notices lost to full subscriber buffers.
func (h *NoticeHub) Dropped() uint64 { return h.dropped.Load() }
