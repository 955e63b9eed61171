// Package http is the hertz edge of Conductor Reports: REST API,
// authentication, rate limits, health checks and (later) WebSocket, SSE and
// the embedded UI. Handlers decode, call one use case and encode; business
// decisions live in app/ and domain/.
package http

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/protocol/consts"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[domain.Code]int{
	domain.CodeInvalid:         consts.StatusBadRequest,
	domain.CodeNotFound:        consts.StatusNotFound,
	domain.CodeForbidden:       consts.StatusForbidden,
	domain.CodeConflict:        consts.StatusConflict,
	domain.CodeUnauthenticated: consts.StatusUnauthorized,
	domain.CodeRateLimited:     consts.StatusTooManyRequests,
	domain.CodeGone:            consts.StatusGone,
	domain.CodeTooLarge:        consts.StatusRequestEntityTooLarge,
	domain.CodeUnavailable:     consts.StatusServiceUnavailable,
	domain.CodeInternal:        consts.StatusInternalServerError,
}

// ErrorBody is the JSON error envelope of every 4xx and 5xx answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries the code, a message safe to show and the offending
// field (a JSON path, or "" when the error is not about one field).
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// writeError answers err in the envelope, its message in the language of
// the request's Accept-Language (English by default). Internal errors are logged here,
// once, and their text never reaches the client.
func writeError(ctx context.Context, c *hz.RequestContext, log *slog.Logger, err error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		de = &domain.Error{Code: domain.CodeInternal}
	}
	var rl *app.RateLimitError
	if errors.As(err, &rl) {
		secs := int(rl.RetryAfter.Seconds() + 0.999)
		c.Response.Header.Set("Retry-After", strconv.Itoa(max(secs, 1)))
	}
	status, ok := statusOf[de.Code]
	if !ok {
		status = consts.StatusInternalServerError
	}
	detail := detailOf(c, de)
	if status >= 500 {
		log.ErrorContext(ctx, "request failed", "err", err, "request_id", requestID(c), "path", string(c.Path()))
		if de.Code == domain.CodeInternal || de.Message == "" {
			detail.Message = internalDetail(c).Message
		}
	}
	c.AbortWithStatusJSON(status, ErrorBody{Error: detail})
}
