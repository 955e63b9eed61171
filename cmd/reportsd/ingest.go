package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/sqlite"
	"github.com/conductor/reports/streams/inproc"
)

// analyticsStore is an analytics adapter that can migrate its schema.
type analyticsStore interface {
	app.Analytics
	Migrate(ctx context.Context) error
}

// pipeline is the operational-data path: stream, analytics store, ingest
// use case and the change-notice hub.
type pipeline struct {
	catalog   *domain.Catalog
	analytics analyticsStore
	publisher app.EventPublisher
	consumer  func() (app.EventConsumer, error)
	ingest    *app.Ingest
	notices   *app.NoticeHub
}

// openPipeline builds the configured stream and analytics store (embedded:
// the in-process log and the SQLite file) and migrates the store.
func openPipeline(ctx context.Context, cfg Config, meta app.MetaStore, log *slog.Logger) (*pipeline, error) {
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		return nil, err
	}
	p := &pipeline{catalog: cat, notices: app.NewNoticeHub()}
	a, err := sqlite.OpenAnalytics(ctx, analyticsPath(cfg), cat)
	if err != nil {
		return nil, fmt.Errorf("open analytics store: %w", err)
	}
	if err := a.Migrate(ctx); err != nil {
		_ = a.Close()
		return nil, fmt.Errorf("migrate analytics store: %w", err)
	}
	p.analytics = a
	stream := inproc.New(inproc.Config{Capacity: cfg.StreamCapacity})
	p.publisher = stream.Publisher()
	p.consumer = func() (app.EventConsumer, error) { return stream.Consumer(), nil }
	p.ingest = app.NewIngest(cat, meta, p.analytics, p.publisher, p.notices.Publish, time.Now, log,
		app.IngestConfig{Bounds: domain.TimeBounds{MaxFuture: cfg.EventMaxFuture, MaxAge: cfg.EventMaxAge}})
	return p, nil
}

// analyticsPath is the SQLite file of the embedded analytics tables: the
// metadata file itself (DESIGN.md §1), or data-dir/reports.db with postgres
// metadata.
func analyticsPath(cfg Config) string {
	if cfg.MetaDriver == "sqlite" {
		return cfg.MetaDSN
	}
	return cfg.DataDir + "/reports.db"
}

// startIngest spawns the ingest actor under the root supervisor. Ingest
// must keep running, so its restart budget is effectively unlimited: a
// crash loop shows in the monitor's restart count and the logs.
func (p *pipeline) startIngest(system *actors.System, cfg Config, log *slog.Logger) error {
	_, err := system.Spawn(actors.NewIngest(actors.IngestDeps{NewConsumer: p.consumer, Ingest: p.ingest, Log: log,
		Config: actors.IngestConfig{BatchSize: cfg.IngestBatch}}), "ingest", actor.WithMaxRestarts(1<<30))
	return err
}

// close releases the stream and the store, after the actors stopped.
func (p *pipeline) close() {
	_ = p.publisher.Close()
	_ = p.analytics.Close()
}
