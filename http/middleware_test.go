package http

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/common/config"
	"github.com/cloudwego/hertz/pkg/common/ut"
	"github.com/cloudwego/hertz/pkg/route"

	"github.com/conductor/reports/domain"
)

func TestRecoveryTurnsPanicsInto500(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	e := route.NewEngine(config.NewOptions(nil))
	e.Use(withRecovery(log), withRequestID())
	e.GET("/boom", func(context.Context, *hz.RequestContext) { panic("kaboom") })
	w := ut.PerformRequest(e, "GET", "/boom", nil)
	resp := w.Result()
	if resp.StatusCode() != 500 || !strings.Contains(string(resp.Body()), `"code":"internal"`) {
		t.Fatalf("got %d %s", resp.StatusCode(), resp.Body())
	}
	if strings.Contains(string(resp.Body()), "kaboom") {
		t.Fatal("panic value leaked to the client")
	}
	if !strings.Contains(logs.String(), "kaboom") || !strings.Contains(logs.String(), "stack") {
		t.Fatalf("panic not logged: %s", logs.String())
	}
}

func TestWriteErrorMapsEveryCode(t *testing.T) {
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	for code, status := range statusOf {
		e := route.NewEngine(config.NewOptions(nil))
		e.GET("/x", func(ctx context.Context, c *hz.RequestContext) {
			writeError(ctx, c, log, &domain.Error{Code: code, Message: "m", Field: "f"})
		})
		resp := ut.PerformRequest(e, "GET", "/x", nil).Result()
		if resp.StatusCode() != status || !strings.Contains(string(resp.Body()), `"code":"`+string(code)+`"`) {
			t.Errorf("%s: %d %s", code, resp.StatusCode(), resp.Body())
		}
	}
	// Foreign errors become a generic 500 without their text.
	e := route.NewEngine(config.NewOptions(nil))
	e.GET("/x", func(ctx context.Context, c *hz.RequestContext) {
		writeError(ctx, c, log, errors.New("db password is hunter2"))
	})
	resp := ut.PerformRequest(e, "GET", "/x", nil).Result()
	if resp.StatusCode() != 500 || strings.Contains(string(resp.Body()), "hunter2") {
		t.Fatalf("foreign error: %d %s", resp.StatusCode(), resp.Body())
	}
}

func TestNewRequiresDeps(t *testing.T) {
	if _, err := New(Config{Addr: "127.0.0.1:0"}, Deps{}); err == nil {
		t.Fatal("New without deps succeeded")
	}
}
