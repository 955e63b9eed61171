package http

import (
	"context"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"
)

// healthz answers 200 while the process serves: liveness only.
func (s *Server) healthz(_ context.Context, c *hz.RequestContext) {
	c.JSON(200, map[string]string{"status": "ok"})
}

// readyz runs every readiness check (stores, actor system, later the
// analytics store and Kafka) and answers 503 naming the failing ones.
func (s *Server) readyz(ctx context.Context, c *hz.RequestContext) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	checks := map[string]string{}
	status := 200
	for _, chk := range s.deps.Ready {
		if err := chk.Check(ctx); err != nil {
			s.log.WarnContext(ctx, "readiness check failed", "check", chk.Name, "err", err)
			checks[chk.Name] = "failing"
			status = 503
			continue
		}
		checks[chk.Name] = "ok"
	}
	state := "ready"
	if status != 200 {
		state = "not_ready"
	}
	c.JSON(status, map[string]any{"status": state, "checks": checks})
}
