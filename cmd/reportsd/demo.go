package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/app/demogen"
)

// demoSeedFile remembers how the demo events were generated, so live mode
// continues the same simulated history (same ids and versions) after a
// restart instead of contradicting it.
const demoSeedFile = "demo-seed.json"

// demoSeed is the stored generator settings.
type demoSeed struct {
	Seed   int64     `json:"seed"`
	Now    time.Time `json:"now"`
	Events int       `json:"events"`
}

func (d demoSeed) config() demogen.Config {
	return demogen.Config{Seed: d.Seed, Tenant: app.DemoTenantSlug, Now: d.Now, Events: d.Events}
}

// seedDemoEvents generates cfg.SeedEvents demo events and applies them
// through the ingest use case (validation, dead letters, rollups), unless
// the data directory says they were seeded already. It returns the seed.
func seedDemoEvents(ctx context.Context, cfg Config, p *pipeline, log *slog.Logger) (demoSeed, error) {
	path := filepath.Join(cfg.DataDir, demoSeedFile)
	if b, err := os.ReadFile(path); err == nil {
		var d demoSeed
		if err := json.Unmarshal(b, &d); err != nil {
			return d, fmt.Errorf("read %s: %w", path, err)
		}
		return d, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return demoSeed{}, err
	}
	d := demoSeed{Seed: 20261203, Now: time.Now().UTC().Truncate(time.Second), Events: cfg.SeedEvents}
	if d.Events == 0 {
		return d, nil
	}
	ds, err := demogen.Generate(d.config())
	if err != nil {
		return d, fmt.Errorf("generate demo events: %w", err)
	}
	start := time.Now()
	for i := 0; i < len(ds.Raw); i += 1000 {
		var msgs []app.ConsumedMessage
		for j := i; j < min(i+1000, len(ds.Raw)); j++ {
			msgs = append(msgs, app.ConsumedMessage{Topic: "demo-seed", Offset: int64(j), Value: ds.Raw[j]})
		}
		if _, err := p.ingest.ApplyMessages(ctx, msgs); err != nil {
			return d, fmt.Errorf("apply demo events: %w", err)
		}
	}
	log.Info("demo events seeded", "events", len(ds.Raw), "duration_ms", time.Since(start).Milliseconds())
	b, _ := json.Marshal(d)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return d, fmt.Errorf("write %s: %w", path, err)
	}
	return d, nil
}

// runLive publishes demo events at rate per second through the stream
// until ctx ends, continuing the seeded history.
func runLive(ctx context.Context, d demoSeed, rate float64, pub app.EventPublisher, log *slog.Logger) error {
	live, err := demogen.NewLive(d.config(), rate)
	if err != nil {
		return err
	}
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-tick.C:
				evs := live.Next(now)
				if len(evs) == 0 {
					continue
				}
				msgs := make([]app.StreamMessage, len(evs))
				for i, ev := range evs {
					msgs[i] = app.StreamMessage{Key: []byte(ev.TenantID), Value: demogen.Envelope(ev)}
				}
				if err := pub.Publish(ctx, msgs); err != nil && ctx.Err() == nil {
					log.Warn("live demo events not published", "err", err, "events", len(msgs))
				}
			}
		}
	}()
	return nil
}

// demoTotals summarises the demo tenant's data for the start banner.
func demoTotals(ctx context.Context, meta app.MetaStore, a app.Analytics) string {
	t, err := meta.GetTenantBySlug(ctx, app.DemoTenantSlug)
	if err != nil {
		return ""
	}
	out := ""
	for _, src := range []string{"tickets", "slas", "maintenance", "expenses", "events"} {
		tot, err := a.SourceTotals(ctx, t.ID, src)
		if err != nil {
			return ""
		}
		out += fmt.Sprintf(" %s=%d", src, tot.Rows)
	}
	return out
}
