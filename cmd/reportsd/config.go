package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of reportsd, built once from flags and
// REPORTS_* environment variables (a flag wins over its variable, the
// variable over the default) and passed down as sub-structs.
type Config struct {
	// Mode is "embedded" (one process, SQLite, in-process streams; the
	// default) or "cluster" (PostgreSQL, Kafka, ClickHouse).
	Mode string
	// Listen is the HTTP listen address. Default 127.0.0.1:8080.
	Listen string
	// DataDir holds the embedded SQLite file and local blobs. Default ./data.
	DataDir string
	// MetaDriver is "sqlite" (default in embedded mode) or "postgres".
	MetaDriver string
	// MetaDSN is the PostgreSQL DSN; for SQLite it defaults to
	// DataDir/reports.db.
	MetaDSN string
	// Secret signs server-side tokens (share links, webhooks); cluster mode
	// refuses to start without one of at least 32 characters.
	Secret string

	// AdminEmail and AdminPassword create the first admin of the first
	// tenant (TenantSlug, TenantName) when no user exists.
	AdminEmail    string
	AdminPassword string
	TenantSlug    string // default "default"
	TenantName    string // default "Default"

	// Demo seeds the demo tenant "acme" at start; DemoPassword is the demo
	// users' password (generated and printed when empty).
	Demo         bool
	DemoPassword string

	SessionTTL      time.Duration // default 12h
	SecureCookies   bool          // mark cookies Secure (behind TLS)
	AllowedOrigins  []string      // extra origins for browsers (CSRF/WS checks)
	MaxBodyBytes    int           // JSON API body limit; default 1 MiB
	ShutdownTimeout time.Duration // drain time; default 15s

	// SSO: platform JWTs verified against a JWKS (disabled when URL empty).
	SSOJWKSURL  string
	SSOIssuer   string
	SSOAudience string

	// Stream is "inproc" (embedded default) or "kafka" (cluster).
	Stream string
	// KafkaBrokers, KafkaTopic and KafkaGroup locate the event topic and
	// this service's consumer group.
	KafkaBrokers []string
	KafkaTopic   string
	// KafkaControlTopic carries cross-node signals (one partition, read
	// whole by every node); default conductor.control.
	KafkaControlTopic string
	KafkaGroup        string
	// KafkaPartitions is the partition count of the topic when reportsd
	// creates it (an existing topic is left alone); default 12.
	KafkaPartitions int
	// KafkaCommitInterval batches offset commits in the background (still
	// only after a batch is durable); 0 commits synchronously. Default
	// 100 ms: synchronous commits cost ~20 % of consumer throughput and a
	// crash only redelivers what ingest deduplicates anyway.
	KafkaCommitInterval time.Duration
	// AnalyticsDriver is "sqlite" (embedded default) or "clickhouse".
	AnalyticsDriver string
	// ClickHouse native-protocol endpoints, database and credentials.
	ClickHouseAddr     []string
	ClickHouseDatabase string
	ClickHouseUser     string
	ClickHousePassword string

	// StreamCapacity bounds the embedded in-process event log (uncommitted
	// events); default 65,536.
	StreamCapacity int
	// IngestBatch is the ingest batch size; default 500.
	IngestBatch int
	// IngestMaxBatch bounds the batch when the stream is backed up (full
	// fetches double the batch up to it); 0, the default, picks it by
	// store (see maxIngestBatch).
	IngestMaxBatch int
	// EventMaxFuture and EventMaxAge bound occurred_at; defaults 1h, 9600h.
	EventMaxFuture time.Duration
	EventMaxAge    time.Duration
	// Realtime tunes widget feeds and sessions (zero values take the
	// actors.Default* values: 250ms coalescing, 30s feed idle, 256-frame
	// outboxes, 30s lag, 25s heartbeats).
	RealtimeCoalesce  time.Duration
	RealtimeFeedIdle  time.Duration
	RealtimeOutbox    int
	RealtimeMaxLag    time.Duration
	RealtimeHeartbeat time.Duration
	// Live makes `serve --demo` produce this many demo events per second.
	Live float64
	// SeedEvents is how many demo events `seed` (and `serve --demo` on an
	// empty store) generates; default 20,000.
	SeedEvents int

	LogLevel  string // debug | info | warn | error; default info
	LogFormat string // text | json; default text
}

// setting binds one Config field to a flag and an environment variable.
type setting struct {
	flag, env, def, usage string
	set                   func(c *Config, v string) error
}

func str(dst func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *dst(c) = v; return nil }
}

func dur(dst func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("must be a duration like 30s or 12h")
		}
		*dst(c) = d
		return nil
	}
}

// list reads a comma-separated list, ignoring blanks.
func list(dst func(*Config) *[]string) func(*Config, string) error {
	return func(c *Config, v string) error {
		var out []string
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				out = append(out, o)
			}
		}
		*dst(c) = out
		return nil
	}
}

func intSetting(dst func(*Config) *int, minimum int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < minimum {
			return fmt.Errorf("must be an integer >= %d", minimum)
		}
		*dst(c) = n
		return nil
	}
}

func boolean(dst func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("must be true or false")
		}
		*dst(c) = b
		return nil
	}
}

// settings is the documented table of every option (README lists it).
var settings = []setting{
	{"mode", "REPORTS_MODE", "embedded", "embedded | cluster", str(func(c *Config) *string { return &c.Mode })},
	{"listen", "REPORTS_LISTEN", "127.0.0.1:8080", "HTTP listen address", str(func(c *Config) *string { return &c.Listen })},
	{"data-dir", "REPORTS_DATA_DIR", "./data", "data directory (SQLite file, secret)", str(func(c *Config) *string { return &c.DataDir })},
	{"meta-driver", "REPORTS_META_DRIVER", "sqlite", "metadata store: sqlite | postgres", str(func(c *Config) *string { return &c.MetaDriver })},
	{"meta-dsn", "REPORTS_META_DSN", "", "metadata DSN (PostgreSQL URL, or SQLite path; default DATA_DIR/reports.db)", str(func(c *Config) *string { return &c.MetaDSN })},
	{"secret", "REPORTS_SECRET", "", "server secret (>= 32 chars; required in cluster mode)", str(func(c *Config) *string { return &c.Secret })},
	{"admin-email", "REPORTS_ADMIN_EMAIL", "", "first admin's email (used when no user exists)", str(func(c *Config) *string { return &c.AdminEmail })},
	{"admin-password", "REPORTS_ADMIN_PASSWORD", "", "first admin's password", str(func(c *Config) *string { return &c.AdminPassword })},
	{"tenant-slug", "REPORTS_TENANT_SLUG", "default", "first tenant's slug", str(func(c *Config) *string { return &c.TenantSlug })},
	{"tenant-name", "REPORTS_TENANT_NAME", "Default", "first tenant's name", str(func(c *Config) *string { return &c.TenantName })},
	{"demo", "REPORTS_DEMO", "false", "seed the demo tenant acme at start", boolean(func(c *Config) *bool { return &c.Demo })},
	{"demo-password", "REPORTS_DEMO_PASSWORD", "", "demo users' password (generated when empty)", str(func(c *Config) *string { return &c.DemoPassword })},
	{"session-ttl", "REPORTS_SESSION_TTL", "12h", "session lifetime", dur(func(c *Config) *time.Duration { return &c.SessionTTL })},
	{"secure-cookies", "REPORTS_SECURE_COOKIES", "false", "mark cookies Secure (serve behind TLS)", boolean(func(c *Config) *bool { return &c.SecureCookies })},
	{"allowed-origins", "REPORTS_ALLOWED_ORIGINS", "", "comma-separated extra browser origins", list(func(c *Config) *[]string { return &c.AllowedOrigins })},
	{"max-body-bytes", "REPORTS_MAX_BODY_BYTES", "1048576", "JSON API body limit in bytes", intSetting(func(c *Config) *int { return &c.MaxBodyBytes }, 1024)},
	{"shutdown-timeout", "REPORTS_SHUTDOWN_TIMEOUT", "15s", "graceful shutdown drain time", dur(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{"sso-jwks-url", "REPORTS_SSO_JWKS_URL", "", "platform SSO JWKS URL (SSO off when empty)", str(func(c *Config) *string { return &c.SSOJWKSURL })},
	{"sso-issuer", "REPORTS_SSO_ISSUER", "", "platform SSO issuer (iss)", str(func(c *Config) *string { return &c.SSOIssuer })},
	{"sso-audience", "REPORTS_SSO_AUDIENCE", "", "platform SSO audience (aud)", str(func(c *Config) *string { return &c.SSOAudience })},
	{"stream", "REPORTS_STREAM", "inproc", "event stream: inproc | kafka", str(func(c *Config) *string { return &c.Stream })},
	{"kafka-brokers", "REPORTS_KAFKA_BROKERS", "", "comma-separated Kafka brokers (host:port)", list(func(c *Config) *[]string { return &c.KafkaBrokers })},
	{"kafka-topic", "REPORTS_KAFKA_TOPIC", "conductor.events", "Kafka topic of operational events", str(func(c *Config) *string { return &c.KafkaTopic })},
	{"kafka-control-topic", "REPORTS_KAFKA_CONTROL_TOPIC", "conductor.control", "Kafka topic every node reads whole: change notices, dashboard changes, banners", str(func(c *Config) *string { return &c.KafkaControlTopic })},
	{"kafka-group", "REPORTS_KAFKA_GROUP", "conductor-reports", "Kafka consumer group of the ingest", str(func(c *Config) *string { return &c.KafkaGroup })},
	{"kafka-partitions", "REPORTS_KAFKA_PARTITIONS", "12", "partitions of the event topic when created", intSetting(func(c *Config) *int { return &c.KafkaPartitions }, 1)},
	{"kafka-commit-interval", "REPORTS_KAFKA_COMMIT_INTERVAL", "100ms", "background offset commit interval (0: synchronous)", dur(func(c *Config) *time.Duration { return &c.KafkaCommitInterval })},
	{"analytics-driver", "REPORTS_ANALYTICS_DRIVER", "sqlite", "analytics store: sqlite | clickhouse", str(func(c *Config) *string { return &c.AnalyticsDriver })},
	{"clickhouse-addr", "REPORTS_CLICKHOUSE_ADDR", "", "comma-separated ClickHouse native endpoints (host:9000)", list(func(c *Config) *[]string { return &c.ClickHouseAddr })},
	{"clickhouse-database", "REPORTS_CLICKHOUSE_DATABASE", "default", "ClickHouse database", str(func(c *Config) *string { return &c.ClickHouseDatabase })},
	{"clickhouse-user", "REPORTS_CLICKHOUSE_USER", "default", "ClickHouse user", str(func(c *Config) *string { return &c.ClickHouseUser })},
	{"clickhouse-password", "REPORTS_CLICKHOUSE_PASSWORD", "", "ClickHouse password", str(func(c *Config) *string { return &c.ClickHousePassword })},
	{"stream-capacity", "REPORTS_STREAM_CAPACITY", "65536", "in-process event log capacity (embedded mode)", intSetting(func(c *Config) *int { return &c.StreamCapacity }, 1)},
	{"ingest-batch", "REPORTS_INGEST_BATCH", "500", "events per ingest batch", intSetting(func(c *Config) *int { return &c.IngestBatch }, 1)},
	{"ingest-max-batch", "REPORTS_INGEST_MAX_BATCH", "0", "largest ingest batch when the stream is backed up (0: 20000 with ClickHouse, 2000 with SQLite)", intSetting(func(c *Config) *int { return &c.IngestMaxBatch }, 0)},
	{"realtime-coalesce", "REPORTS_REALTIME_COALESCE", "250ms", "widget feeds gather change notices this long before re-querying", dur(func(c *Config) *time.Duration { return &c.RealtimeCoalesce })},
	{"realtime-feed-idle", "REPORTS_REALTIME_FEED_IDLE", "30s", "a widget feed without subscribers stops after this", dur(func(c *Config) *time.Duration { return &c.RealtimeFeedIdle })},
	{"realtime-outbox", "REPORTS_REALTIME_OUTBOX", "256", "frames queued per realtime connection before a slow client is resynced", intSetting(func(c *Config) *int { return &c.RealtimeOutbox }, 1)},
	{"realtime-max-lag", "REPORTS_REALTIME_MAX_LAG", "30s", "a client behind for longer is disconnected", dur(func(c *Config) *time.Duration { return &c.RealtimeMaxLag })},
	{"realtime-heartbeat", "REPORTS_REALTIME_HEARTBEAT", "25s", "WebSocket ping / SSE comment interval; credentials re-checked at each", dur(func(c *Config) *time.Duration { return &c.RealtimeHeartbeat })},
	{"event-max-future", "REPORTS_EVENT_MAX_FUTURE", "1h", "refuse events that happened further in the future", dur(func(c *Config) *time.Duration { return &c.EventMaxFuture })},
	{"event-max-age", "REPORTS_EVENT_MAX_AGE", "9600h", "refuse events older than this (400 days)", dur(func(c *Config) *time.Duration { return &c.EventMaxAge })},
	{"live", "REPORTS_LIVE", "0", "with --demo: demo events per second to keep producing", func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 100000 {
			return fmt.Errorf("must be a number of events per second from 0 to 100000")
		}
		c.Live = f
		return nil
	}},
	{"events", "REPORTS_SEED_EVENTS", "20000", "demo events to generate (seed, and serve --demo on an empty store)", intSetting(func(c *Config) *int { return &c.SeedEvents }, 0)},
	{"log-level", "REPORTS_LOG_LEVEL", "info", "debug | info | warn | error", str(func(c *Config) *string { return &c.LogLevel })},
	{"log-format", "REPORTS_LOG_FORMAT", "text", "text | json", str(func(c *Config) *string { return &c.LogFormat })},
}

// LoadConfig builds the Config of one subcommand from args and getenv.
func LoadConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var errs []error
	for _, s := range settings {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		if err := s.set(&c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", s.env, v, err))
		}
		usage := fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.def)
		if s.def == "true" || s.def == "false" {
			fs.BoolFunc(s.flag, usage, func(v string) error { return s.set(&c, v) })
			continue
		}
		fs.Func(s.flag, usage, func(v string) error { return s.set(&c, v) })
	}
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if c.MetaDriver == "sqlite" && c.MetaDSN == "" {
		c.MetaDSN = filepath.Join(c.DataDir, "reports.db")
	}
	return c, c.Validate()
}

// Validate checks the configuration and reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.Mode != "embedded" && c.Mode != "cluster" {
		errs = append(errs, fmt.Errorf("mode: must be embedded or cluster"))
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen: %w", err))
	}
	if c.MetaDriver != "sqlite" && c.MetaDriver != "postgres" {
		errs = append(errs, fmt.Errorf("meta-driver: must be sqlite or postgres"))
	}
	if c.MetaDriver == "postgres" && c.MetaDSN == "" {
		errs = append(errs, fmt.Errorf("meta-dsn: required with the postgres driver"))
	}
	if c.Stream != "inproc" && c.Stream != "kafka" {
		errs = append(errs, fmt.Errorf("stream: must be inproc or kafka"))
	}
	if c.Stream == "kafka" && (len(c.KafkaBrokers) == 0 || c.KafkaTopic == "" || c.KafkaGroup == "") {
		errs = append(errs, fmt.Errorf("kafka-brokers, kafka-topic and kafka-group: required with the kafka stream"))
	}
	if c.AnalyticsDriver != "sqlite" && c.AnalyticsDriver != "clickhouse" {
		errs = append(errs, fmt.Errorf("analytics-driver: must be sqlite or clickhouse"))
	}
	if c.AnalyticsDriver == "clickhouse" && len(c.ClickHouseAddr) == 0 {
		errs = append(errs, fmt.Errorf("clickhouse-addr: required with the clickhouse analytics driver"))
	}
	if c.Mode == "cluster" {
		if c.MetaDriver != "postgres" || c.Stream != "kafka" || c.AnalyticsDriver != "clickhouse" {
			errs = append(errs, fmt.Errorf("cluster mode runs on postgres metadata, the kafka stream and clickhouse analytics"))
		}
		if len(c.Secret) < 32 {
			errs = append(errs, fmt.Errorf("secret: cluster mode refuses to start without REPORTS_SECRET of at least 32 characters"))
		}
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, fmt.Errorf("admin-email and admin-password: set both or neither"))
	}
	if c.SSOJWKSURL != "" {
		if u, err := url.Parse(c.SSOJWKSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") {
			errs = append(errs, fmt.Errorf("sso-jwks-url: must be an http(s) URL"))
		}
		if c.SSOIssuer == "" || c.SSOAudience == "" {
			errs = append(errs, fmt.Errorf("sso-issuer and sso-audience: required with sso-jwks-url"))
		}
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format: must be text or json"))
	}
	return errors.Join(errs...)
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("log-level: must be debug, info, warn or error")
	}
	return l, nil
}

// newLogger builds the process logger from the config.
func newLogger(c Config, w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
