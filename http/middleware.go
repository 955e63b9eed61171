package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

const (
	headerRequestID = "X-Request-ID"
	keyRequestID    = "request_id"
)

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID returns the id given to the request by withRequestID.
func requestID(c *hz.RequestContext) string { return c.GetString(keyRequestID) }

// withRequestID keeps a sane client-sent X-Request-ID (so a request can be
// followed across Conductor's modules) or makes one, echoes it, and puts
// the request's audit metadata into the context.
func withRequestID() hz.HandlerFunc {
	return func(ctx context.Context, c *hz.RequestContext) {
		id := string(c.Request.Header.Peek(headerRequestID))
		if !requestIDRE.MatchString(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(keyRequestID, id)
		c.Response.Header.Set(headerRequestID, id)
		ctx = app.WithRequestMeta(ctx, app.RequestMeta{RequestID: id, IP: c.ClientIP(), UserAgent: string(c.UserAgent())})
		c.Next(ctx)
	}
}

// withRecovery turns a panic in any later handler into a 500 envelope and
// one log line with the stack, instead of a dropped connection.
func withRecovery(log *slog.Logger) hz.HandlerFunc {
	return func(ctx context.Context, c *hz.RequestContext) {
		defer func() {
			if r := recover(); r != nil {
				log.ErrorContext(ctx, "panic in handler", "panic", fmt.Sprint(r), "request_id", requestID(c),
					"path", string(c.Path()), "stack", string(debug.Stack()))
				c.AbortWithStatusJSON(500, ErrorBody{Error: internalDetail(c)})
			}
		}()
		c.Next(ctx)
	}
}

// withAccessLog writes one slog line per request.
func withAccessLog(log *slog.Logger) hz.HandlerFunc {
	return func(ctx context.Context, c *hz.RequestContext) {
		start := time.Now()
		c.Next(ctx)
		log.InfoContext(ctx, "http request", "method", string(c.Method()), "path", string(c.Path()),
			"status", c.Response.StatusCode(), "duration_ms", float64(time.Since(start).Microseconds())/1000,
			"bytes_in", len(c.Request.Body()), "bytes_out", len(c.Response.Body()),
			"request_id", requestID(c), "ip", c.ClientIP())
	}
}

// withBodyLimit refuses bodies over limit bytes with a 413 envelope. The
// server's own hard cap (larger) bounds memory; this gives the documented
// JSON answer and lets routes have smaller limits.
func withBodyLimit(limit int, log *slog.Logger) hz.HandlerFunc {
	return func(ctx context.Context, c *hz.RequestContext) {
		if c.Request.Header.ContentLength() > limit || len(c.Request.Body()) > limit {
			writeError(ctx, c, log, &domain.Error{Code: domain.CodeTooLarge, Field: "body",
				Message: fmt.Sprintf("request body exceeds %d bytes", limit)})
			return
		}
		c.Next(ctx)
	}
}

// withSecurityHeaders sets headers every answer should carry.
func withSecurityHeaders() hz.HandlerFunc {
	return func(ctx context.Context, c *hz.RequestContext) {
		h := &c.Response.Header
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		c.Next(ctx)
	}
}
