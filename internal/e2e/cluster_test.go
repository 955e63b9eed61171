//go:build !race

package e2e

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/internal/testenv/chtest"
	"github.com/conductor/reports/internal/testenv/kafkatest"
	"github.com/conductor/reports/store/clickhouse"
	"github.com/conductor/reports/streams/kafka"
)

func TestMain(m *testing.M) {
	// hollywood logs restarts, with stacks, to the default logger; the
	// tests count them through the monitor instead.
	slog.SetDefault(quiet)
	chtest.Main(m)
}

// clickhouseConfig turns a chtest DSN into the adapter's Config.
func clickhouseConfig(t testing.TB, dsn string) clickhouse.Config {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return clickhouse.Config{Addr: []string{u.Host}, Database: strings.TrimPrefix(u.Path, "/"), Username: u.User.Username()}
}

// TestClusterIngestKafkaToClickHouseSurvivesKills: the cluster path, with
// the Kafka wire protocol (kfake broker, kafka-go client, a consumer
// group over 4 partitions) into a real ClickHouse, 10,000+ events with
// duplicates and invalid ones, consumers killed before and after writes:
// totals equal the generator's exactly (issue 3, acceptance 1 and 3).
func TestClusterIngestKafkaToClickHouseSurvivesKills(t *testing.T) {
	h := newHarness(t) // metadata (tenant resolution) on SQLite
	ctx := context.Background()
	ch, err := clickhouse.Open(ctx, clickhouseConfig(t, chtest.Shared(t).NewDatabase(t)), h.cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close() })
	if err := ch.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	broker := kafkatest.MustStart(t, kafkatest.Topic("events", 4))
	kc := kafka.Config{Brokers: broker.Addrs(), Topic: "events", GroupID: "reports-e2e", Logger: quiet}
	pub, err := kafka.NewPublisher(kc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	ds := dataset(t)
	for i := 0; i < len(ds.Raw); i += 1000 {
		var msgs []app.StreamMessage
		for _, r := range ds.Raw[i:min(i+1000, len(ds.Raw))] {
			msgs = append(msgs, app.StreamMessage{Key: []byte(app.DemoTenantSlug), Value: r})
		}
		if err := pub.Publish(ctx, msgs); err != nil {
			t.Fatal(err)
		}
	}
	crashing := &crashingAnalytics{Analytics: ch, rnd: rand.New(rand.NewPCG(3, 4)), left: 6}
	sys, err := actors.NewSystem(actors.SystemConfig{RestartDelay: time.Millisecond}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sys.Shutdown(context.Background()) })
	ing := app.NewIngest(h.cat, h.meta, crashing, pub, nil, time.Now, quiet, app.IngestConfig{})
	// Two ingest actors in one group share the partitions, as two nodes would.
	for i := 0; i < 2; i++ {
		_, err := sys.Spawn(actors.NewIngest(actors.IngestDeps{
			NewConsumer: func() (app.EventConsumer, error) { return kafka.NewConsumer(kc) },
			Ingest:      ing, Log: quiet,
			// Fixed batches of 1,000, so enough batches for the kills.
			Config: actors.IngestConfig{BatchSize: 1000, MaxBatch: 1000, BatchWait: 20 * time.Millisecond, MinBackoff: 10 * time.Millisecond},
		}), "ingest", actor.WithMaxRestarts(1000))
		if err != nil {
			t.Fatal(err)
		}
	}
	// ClickHouse fills the derived tables of an insert one after another,
	// so a reader may briefly see a batch in some tables only: wait until
	// everything matches, then look again later to catch any late
	// double count.
	deadline := time.Now().Add(3 * time.Minute)
	for err := h.mismatch(ch, ds); err != nil; err = h.mismatch(ch, ds) {
		if time.Now().After(deadline) {
			t.Fatalf("never matched the generator: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if crashing.crashes.Load() == 0 {
		t.Fatal("no consumer was killed")
	}
	time.Sleep(time.Second)
	h.analyticsCheck(t, ch, ds)
}
