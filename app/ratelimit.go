package app

import (
	"sync"
	"time"
)

// FailureLimiter counts failures per key in fixed windows and locks a key
// out once it reaches the limit, until its window ends. Login uses one per
// account and one per IP. Memory is bounded by MaxKeys: when full, expired
// windows are swept, and if still full the oldest window is dropped.
type FailureLimiter struct {
	Limit   int           // failures allowed per window (default 5)
	Window  time.Duration // window length (default 15 min)
	MaxKeys int           // bound on tracked keys (default 100,000)

	mu   sync.Mutex
	keys map[string]*failureWindow
}

type failureWindow struct {
	start time.Time
	count int
}

func (l *FailureLimiter) params() (int, time.Duration, int) {
	limit, window, maxKeys := l.Limit, l.Window, l.MaxKeys
	if limit <= 0 {
		limit = 5
	}
	if window <= 0 {
		window = 15 * time.Minute
	}
	if maxKeys <= 0 {
		maxKeys = 100_000
	}
	return limit, window, maxKeys
}

// Blocked reports whether key is locked out at now and for how long.
func (l *FailureLimiter) Blocked(key string, now time.Time) (bool, time.Duration) {
	limit, window, _ := l.params()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.keys[key]
	if w == nil || now.Sub(w.start) >= window || w.count < limit {
		return false, 0
	}
	return true, w.start.Add(window).Sub(now)
}

// Fail records one failure of key at now.
func (l *FailureLimiter) Fail(key string, now time.Time) {
	_, window, maxKeys := l.params()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.keys == nil {
		l.keys = map[string]*failureWindow{}
	}
	w := l.keys[key]
	if w == nil || now.Sub(w.start) >= window {
		if w == nil && len(l.keys) >= maxKeys {
			l.evict(now, window)
		}
		l.keys[key] = &failureWindow{start: now, count: 1}
		return
	}
	w.count++
}

// Reset forgets key (after a successful login).
func (l *FailureLimiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}

func (l *FailureLimiter) evict(now time.Time, window time.Duration) {
	var oldestKey string
	var oldest time.Time
	for k, w := range l.keys {
		if now.Sub(w.start) >= window {
			delete(l.keys, k)
			continue
		}
		if oldestKey == "" || w.start.Before(oldest) {
			oldestKey, oldest = k, w.start
		}
	}
	if len(l.keys) >= l.MaxKeysOrDefault() && oldestKey != "" {
		delete(l.keys, oldestKey)
	}
}

// MaxKeysOrDefault returns the effective key bound.
func (l *FailureLimiter) MaxKeysOrDefault() int {
	_, _, m := l.params()
	return m
}
