package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/cache"
	"github.com/conductor/reports/store/clickhouse"
	"github.com/conductor/reports/store/sqlite"
	"github.com/conductor/reports/streams/inproc"
	"github.com/conductor/reports/streams/kafka"
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
	// realtime hears change notices once it runs (startRealtime).
	realtime atomic.Pointer[actors.Realtime]
	query    atomic.Pointer[app.Queries]
	// bus carries signals to the other nodes (cluster mode; nil embedded);
	// node names this process on it.
	bus  app.SignalBus
	node string
	log  *slog.Logger
}

// openPipeline builds the configured stream and analytics store (embedded:
// the in-process log and the SQLite file) and migrates the store.
func openPipeline(ctx context.Context, cfg Config, meta app.MetaStore, log *slog.Logger) (*pipeline, error) {
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		return nil, err
	}
	p := &pipeline{catalog: cat, notices: app.NewNoticeHub(), node: newNodeID(), log: log}
	if p.analytics, err = openAnalytics(ctx, cfg, cat); err != nil {
		return nil, err
	}
	if err := p.analytics.Migrate(ctx); err != nil {
		_ = p.analytics.Close()
		return nil, fmt.Errorf("migrate analytics store: %w", err)
	}
	if err := p.openStream(ctx, cfg, log); err != nil {
		_ = p.analytics.Close()
		return nil, err
	}
	p.ingest = app.NewIngest(cat, meta, p.analytics, p.publisher, p.notices.Publish, time.Now, log,
		app.IngestConfig{Bounds: domain.TimeBounds{MaxFuture: cfg.EventMaxFuture, MaxAge: cfg.EventMaxAge}})
	return p, nil
}

func openAnalytics(ctx context.Context, cfg Config, cat *domain.Catalog) (analyticsStore, error) {
	if cfg.AnalyticsDriver == "clickhouse" {
		a, err := clickhouse.Open(ctx, clickhouse.Config{Addr: cfg.ClickHouseAddr, Database: cfg.ClickHouseDatabase,
			Username: cfg.ClickHouseUser, Password: cfg.ClickHousePassword}, cat)
		if err != nil {
			return nil, fmt.Errorf("open clickhouse analytics: %w", err)
		}
		return a, nil
	}
	a, err := sqlite.OpenAnalytics(ctx, analyticsPath(cfg), cat)
	if err != nil {
		return nil, fmt.Errorf("open analytics store: %w", err)
	}
	return a, nil
}

// openStream builds the event stream: the in-process log, or Kafka (the
// topic is created when missing, so a first start works).
func (p *pipeline) openStream(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.Stream != "kafka" {
		stream := inproc.New(inproc.Config{Capacity: cfg.StreamCapacity})
		p.publisher = stream.Publisher()
		p.consumer = func() (app.EventConsumer, error) { return stream.Consumer(), nil }
		return nil
	}
	kc := kafka.Config{Brokers: cfg.KafkaBrokers, Topic: cfg.KafkaTopic, GroupID: cfg.KafkaGroup, Logger: log,
		CommitInterval: cfg.KafkaCommitInterval}
	if err := kafka.EnsureTopic(ctx, kc, cfg.KafkaPartitions); err != nil {
		return fmt.Errorf("kafka topic %s: %w", cfg.KafkaTopic, err)
	}
	pub, err := kafka.NewPublisher(kc)
	if err != nil {
		return fmt.Errorf("kafka publisher: %w", err)
	}
	p.publisher = pub
	p.consumer = func() (app.EventConsumer, error) { return kafka.NewConsumer(kc) }
	if p.bus, err = openControl(ctx, cfg, log); err != nil {
		_ = pub.Close()
		return err
	}
	return nil
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
		Config: actors.IngestConfig{BatchSize: cfg.IngestBatch, MaxBatch: maxIngestBatch(cfg)}}), "ingest", actor.WithMaxRestarts(1<<30))
	return err
}

// maxIngestBatch is the configured batch cap, or by store: ClickHouse's
// own recommendation (clickhouse.MaxIngestBatch, where larger batches cost
// less per event); SQLite gains nothing
// past about 1,000, and one batch holds the file's write lock, which
// metadata writes (saving a dashboard) wait for, so it stays at 2,000.
func maxIngestBatch(cfg Config) int {
	switch {
	case cfg.IngestMaxBatch > 0:
		return cfg.IngestMaxBatch
	case cfg.AnalyticsDriver == "clickhouse":
		return clickhouse.MaxIngestBatch
	}
	return 2_000
}

// queries returns the query use case, with its result cache invalidated
// by the change notices of ingest, when the analytics store can run
// queries; nil otherwise.
func (p *pipeline) queries(ctx context.Context) (*app.Queries, error) {
	engine, ok := p.analytics.(app.QueryEngine)
	if !ok {
		return nil, nil
	}
	results, err := cache.New(cache.Config{})
	if err != nil {
		return nil, fmt.Errorf("result cache: %w", err)
	}
	q := app.NewQueries(engine, p.catalog, time.Now, results)
	p.query.Store(q)
	notices, cancel := p.notices.Subscribe(4096)
	go func() {
		defer results.Close()
		for {
			select {
			case <-ctx.Done():
				cancel()
				return
			case n, ok := <-notices:
				if !ok {
					return
				}
				p.local(n)
			}
		}
	}()
	p.runSignals(ctx)
	return q, nil
}

// close releases the stream and the store, after the actors stopped.
func (p *pipeline) close() {
	if p.bus != nil {
		_ = p.bus.Close()
	}
	_ = p.publisher.Close()
	_ = p.analytics.Close()
}
